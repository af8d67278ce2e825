// A value computed from a step's result and handed to a write is typed: when
// the read printed something else than a number, the write stops before it is
// spawned, and the message shows the value that failed.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { run, runbook, SCRIPTS, tempDir } from './helpers.js';

test('int() of a hostile query id stops the KILL before mysql runs', async () => {
  const t = tempDir();
  try {
    const marker = join(t.dir, 'spawned');
    const yaml = runbook({
      detect: `
steps:
  - id: longquery
    effect: read
    run: printf '%s\\n' "5; DROP DATABASE smp"
    parse: lines
  - id: killquery
    effect: write
    run: ${SCRIPTS}/write.sh "KILL QUERY \${{ int(steps.longquery.result.lines[0]) }}"`,
    });
    const ran = await run(yaml, { approve: ['killquery'], nonInteractive: true, env: { ...process.env, ONCALL_TEST_WRITE_LOG: marker } });
    const f = ran.step('killquery');
    expect(f).toMatchObject({ status: 'failed', reason: 'expression' });
    expect(f!.summary).toContain('5; DROP DATABASE smp');
    expect(existsSync(marker)).toBe(false);
    expect(ran.result.exitCode).toBe(1);
  } finally {
    t.cleanup();
  }
});
