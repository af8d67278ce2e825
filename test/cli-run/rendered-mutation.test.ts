// Lint judges a run step's template; a parameter value can still make the
// rendered command a write (`kubectl ${{ params.verb }} pod x`, verb=delete).
// The engine judges what will actually run: such a step needs an approval,
// and a dry-run never spawns it.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBuilt, journalEvents, oncall, readLines } from './helpers.js';
import { tempDir } from '../engine/helpers.js';

let t: ReturnType<typeof tempDir>;
let env: Record<string, string | undefined>;
const log = () => join(t.dir, 'kubectl.log');

beforeAll(() => ensureBuilt());
beforeEach(() => {
  t = tempDir();
  const bin = join(t.dir, 'bin');
  mkdirSync(bin);
  // A recording kubectl: every invocation leaves its argv in the log.
  writeFileSync(join(bin, 'kubectl'), `#!/bin/sh\necho "$*" >> "${log()}"\n`);
  chmodSync(join(bin, 'kubectl'), 0o755);
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
      '  verb: { default: get, pattern: "^[a-z]+$" }',
      'stages:',
      '  detect:',
      '    steps:',
      '      - id: pods',
      '        effect: read',
      '        run: kubectl get pods',
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
  expect(readLines(log()).sort()).toEqual(['get pod dispatch-engine-0', 'get pods']);
});

test('a value that makes it a write: a dry-run never spawns it', async () => {
  const r = await oncall(['run', 'FIX-901', '--dry-run', '--set', 'verb=delete'], { env });
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('step "verbed" is declared read, but the command it renders runs "kubectl delete": treated as a write, approval needed');
  expect(readLines(log())).toEqual(['get pods']);
});

test('a value that makes it a write: a live run stops before it without --approve, runs it with', async () => {
  const stopped = await oncall(['run', 'FIX-901', '--non-interactive', '--set', 'verb=delete'], { env });
  expect(stopped.code).toBe(3);
  expect(stopped.stdout).toContain('--approve verbed');
  expect(readLines(log())).toEqual(['get pods']);
  expect(journalEvents(join(t.dir, 'runs')).find((e) => e.type === 'approval-declined')).toMatchObject({ stepId: 'verbed' });

  const approved = await oncall(['run', 'FIX-901', '--non-interactive', '--set', 'verb=delete', '--approve', 'verbed'], { env });
  expect(approved.code).toBe(0);
  expect(readLines(log())).toEqual(['get pods', 'get pods', 'delete pod dispatch-engine-0']);
});
