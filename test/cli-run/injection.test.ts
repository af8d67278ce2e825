// Hostile parameter values: refused by a strict pattern (exit 2), or, through
// a permissive one, delivered to the command as ONE literal argument, with or
// without a shell.
import { join } from 'node:path';
import { ensureBuilt, FIXTURES, oncall } from './helpers.js';
import { tempDir } from '../engine/helpers.js';

const HOSTILE = ['x; rm -rf /', '$(id)', '`id`', '--kubeconfig=/tmp/evil', 'a b "c" \'d\'', '${{ params.strict }}'];

let t: ReturnType<typeof tempDir>;
let env: Record<string, string | undefined>;
beforeAll(() => ensureBuilt());
beforeEach(() => {
  t = tempDir();
  env = { ...process.env, ONCALL_STATE_DIR: join(t.dir, 'runs'), NO_COLOR: '1' };
});
afterEach(() => t.cleanup());

test.each(HOSTILE)('strict pattern refuses %j before anything runs', async (value) => {
  const r = await oncall(['--runbooks', FIXTURES, 'run', 'FIX-005', '--set', `strict=${value}`], { env });
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/^oncall: invalid value for parameter "strict": must match \^\[a-z0-9-\]\{1,63\}\$ \(got .*\)\n$/);
  expect(r.stdout).toBe('');
});

test('a permissive pattern lets hostile values through as single literal arguments', async () => {
  const runs = await Promise.all(HOSTILE.map((value) => oncall(['--runbooks', FIXTURES, 'run', 'FIX-005', '--json', '--set', `loose=${value}`], { env })));
  for (const [i, value] of HOSTILE.entries()) {
    const r = runs[i]!;
    expect(r.code).toBe(0);
    const finished = Object.fromEntries(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l))
        .filter((e) => e.type === 'step-finished')
        .map((e) => [e.stepId, e.result?.json]),
    );
    expect(finished.argv).toEqual(['--namespace', 'smp-prod', value, 'end']);
    expect(finished['argv-quoted']).toEqual([`prefix-${value}`, 'end']);
    expect(finished['argv-list']).toEqual([value, 'end']);
    expect(finished['argv-shell']).toEqual([value, `dq-${value}`, `sq-${value}`, 'end']);
  }
});
