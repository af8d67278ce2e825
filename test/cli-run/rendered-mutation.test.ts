// Lint judges a run step's template; a parameter value can still make the
// rendered command a write (`SELECT ${{ params.column }} …` with
// column="1; DROP TABLE orders" is two statements). The engine judges what
// will actually run: such a step needs an approval, and a dry-run never
// spawns it. A verb taken from a value is refused by lint already: the
// template cannot be shown to read.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertBuilt, journalEvents, oncall, readLines } from './helpers.js';
import { tempDir } from '../engine/helpers.js';

let t: ReturnType<typeof tempDir>;
let env: Record<string, string | undefined>;
const log = () => join(t.dir, 'commands.log');

beforeAll(() => assertBuilt());
beforeEach(() => {
  t = tempDir();
  const bin = join(t.dir, 'bin');
  mkdirSync(bin);
  // Recording kubectl and mysql: every invocation leaves its argv in the log.
  for (const tool of ['kubectl', 'mysql']) {
    writeFileSync(join(bin, tool), `#!/bin/sh\necho "${tool} $*" >> "${log()}"\n`);
    chmodSync(join(bin, tool), 0o755);
  }
  const runbooks = join(t.dir, 'runbooks');
  mkdirSync(runbooks);
  writeFileSync(
    join(runbooks, 'FIX-901-verb.yaml'),
    [
      'id: FIX-901',
      'title: A verb from a parameter',
      'severity: SEV-4',
      'alerts: [{ alertname: Verb }]',
      'params:',
      '  column: { default: id, pattern: "^[^\\n]+$" }',
      'stages:',
      '  detect:',
      '    steps:',
      '      - id: pods',
      '        effect: read',
      '        run: kubectl get pods',
      '      - id: verbed',
      '        effect: read',
      '        run: mysql -h db -e "SELECT ${{ params.column }} FROM orders LIMIT 1"',
      '  resolve: {}',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(runbooks, 'FIX-902-verb.yaml'),
    [
      'id: FIX-902',
      'title: A verb from a parameter',
      'severity: SEV-4',
      'alerts: [{ alertname: Verb }]',
      'params:',
      '  verb: { default: get, pattern: "^[a-z]+$" }',
      'stages:',
      '  detect:',
      '    steps:',
      '      - id: verbed',
      '        effect: read',
      '        run: kubectl ${{ params.verb }} pod dispatch-engine-0',
      '  resolve: {}',
      '',
    ].join('\n'),
  );
  env = { ...process.env, PATH: `${bin}:${process.env.PATH}`, ONCALL_RUNBOOKS: runbooks, ONCALL_STATE_DIR: join(t.dir, 'runs'), NO_COLOR: '1' };
});
afterEach(() => t.cleanup());

test('the template reads: both reads run side by side without a question', async () => {
  const r = await oncall(['run', 'FIX-901', '--non-interactive'], { env });
  expect(r.code).toBe(0);
  expect(readLines(log()).sort()).toEqual(['kubectl get pods', 'mysql -h db -e SELECT id FROM orders LIMIT 1']);
});

test('a verb from a value cannot be shown to read: lint refuses the runbook, nothing runs', async () => {
  const r = await oncall(['run', 'FIX-902', '--dry-run'], { env });
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/FIX-902-verb\.yaml:12:\d+: .*\[mutating-command\]/);
  expect(readLines(log())).toEqual([]);
});

test('a value that makes it a write: a dry-run never spawns it', async () => {
  const r = await oncall(['run', 'FIX-901', '--dry-run', '--set', 'column=1; DROP TABLE orders'], { env });
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('step "verbed" is declared read, but its command runs "mysql 2 statements": treated as a write, approval needed');
  expect(readLines(log())).toEqual(['kubectl get pods']);
});

test('a value that makes it a write: a live run stops before it without --approve, runs it with', async () => {
  const stopped = await oncall(['run', 'FIX-901', '--non-interactive', '--set', 'column=1; DROP TABLE orders'], { env });
  expect(stopped.code).toBe(3);
  expect(stopped.stdout).toContain('--approve verbed');
  expect(readLines(log())).toEqual(['kubectl get pods']);
  expect(journalEvents(join(t.dir, 'runs')).find((e) => e.type === 'approval-declined')).toMatchObject({ stepId: 'verbed' });

  const approved = await oncall(['run', 'FIX-901', '--non-interactive', '--set', 'column=1; DROP TABLE orders', '--approve', 'verbed'], { env });
  expect(approved.code).toBe(0);
  expect(readLines(log())).toEqual(['kubectl get pods', 'kubectl get pods', 'mysql -h db -e SELECT 1; DROP TABLE orders FROM orders LIMIT 1']);
});
