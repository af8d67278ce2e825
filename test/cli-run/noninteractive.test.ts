// `oncall run` as a real process with no TTY (stdin closed): writes need
// --approve, the run stops before an unapproved write (never spawned) with
// exit 3 and the flag that would approve it; invalid input is exit 2, one line.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertBuilt, FIXTURES, journalEvents, oncall, readLines } from './helpers.js';
import { tempDir } from '../engine/helpers.js';

let t: ReturnType<typeof tempDir>;
let env: Record<string, string | undefined>;
const log = () => join(t.dir, 'writes.log');
beforeAll(() => assertBuilt());
beforeEach(() => {
  t = tempDir();
  env = { ...process.env, ONCALL_STATE_DIR: join(t.dir, 'runs'), ONCALL_TEST_WRITE_LOG: log(), NO_COLOR: '1' };
});
afterEach(() => t.cleanup());

const run = (...args: string[]) => oncall(['--runbooks', FIXTURES, 'run', ...args], { env });

test('without --approve the write is never spawned: exit 3 and the exact flag', async () => {
  const r = await run('FIX-001');
  expect(r.code).toBe(3);
  expect(r.stdout).toContain('stopped before write step "scale-consumers": not approved (non-interactive run); approve it with --approve scale-consumers');
  expect(r.stdout).toMatch(/continue with: oncall resume FIX-001-\d{8}T\d{6}Z-[0-9a-f]{4} --approve scale-consumers/);
  expect(readLines(log())).toEqual([]);
  const events = journalEvents(join(t.dir, 'runs'));
  expect(events.filter((e) => e.type === 'step-started').map((e) => e.stepId)).toEqual(['lag', 'pods', 'partitions']);
  expect(events.find((e) => e.type === 'approval-declined')).toMatchObject({ stepId: 'scale-consumers', reason: 'not-approved', hint: '--approve scale-consumers' });
  expect(events.find((e) => e.type === 'decision-made')).toMatchObject({ value: 'scale', by: 'auto-selected: recommended' });
});

test('with --approve, only the named write runs, once', async () => {
  const r = await run('FIX-001', '--approve', 'scale-consumers');
  expect(r.code).toBe(0);
  expect(readLines(log())).toEqual(['scale smp-prod']);
  const given = journalEvents(join(t.dir, 'runs')).find((e) => e.type === 'approval-given');
  expect(given).toMatchObject({ stepId: 'scale-consumers', via: 'flag' });
  expect(typeof given!.approver).toBe('string');
  expect(typeof given!.at).toBe('string');
});

test('approving one option\'s write does not approve another\'s', async () => {
  const r = await run('FIX-001', '--option', 'restart', '--approve', 'scale-consumers');
  expect(r.code).toBe(3);
  expect(r.stdout).toContain('--approve restart-consumers');
  expect(readLines(log())).toEqual([]);
});

test('--json prints one event per line; the hint goes to stderr', async () => {
  const r = await run('FIX-001', '--json');
  expect(r.code).toBe(3);
  const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  expect(events[0]).toMatchObject({ type: 'run-started', runbook: { id: 'FIX-001' }, options: { dryRun: false, interactive: false } });
  expect(events.at(-1)).toMatchObject({ type: 'run-finished', outcome: 'stopped', exitCode: 3, approveHint: '--approve scale-consumers' });
  expect(r.stderr).toMatch(/^oncall: stopped before write step "scale-consumers".*; continue with: oncall resume FIX-001-\S+ --approve scale-consumers\n$/);
});

describe('invalid input: exit 2, one line, nothing runs', () => {
  test.each([
    [['FIX-001', '--approve', 'nope'], 'oncall: --approve nope: FIX-001 has no step "nope"; write steps: scale-consumers, restart-consumers'],
    [['FIX-001', '--option', 'nope'], 'oncall: unknown option "nope" for FIX-001; valid: scale, restart'],
    [['FIX-001', '--set', 'namespace=x; rm -rf /'], 'oncall: invalid value for parameter "namespace": must match ^[a-z0-9-]{1,63}$ (got "x; rm -rf /")'],
    [['FIX-001', '--set', 'nope=1'], 'oncall: unknown parameter "nope" in --set; FIX-001 takes namespace, lag, share'],
    [['FIX-001', '--set', 'namespace'], 'oncall: --set "namespace" must be KEY=VALUE'],
    [['FIX-999'], expect.stringMatching(/^oncall: unknown runbook "FIX-999"/)],
  ])('%j', async (args, message) => {
    const r = await run(...(args as string[]));
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toEqual([message]);
    expect(r.stdout).toBe('');
    expect(readLines(log())).toEqual([]);
    expect(journalEvents(join(t.dir, 'runs'))).toEqual([]);
  });
});

test('a run stopped because no option was recommended resumes with --option', async () => {
  const first = await run('FIX-001', '--set', 'share=0.1');
  expect(first.code).toBe(3);
  const runId = first.stdout.match(/oncall resume (FIX-001-\d{8}T\d{6}Z-[0-9a-f]{4})/)?.[1];
  expect(runId).toBeDefined();
  expect(first.stdout).toContain(`oncall resume ${runId} --option`);
  expect(readLines(log())).toEqual([]);

  const resumed = await oncall(['--runbooks', FIXTURES, 'resume', runId!, '--option', 'restart', '--approve', 'restart-consumers'], { env });
  expect(resumed.code).toBe(0);
  expect(readLines(log())).toEqual(['restart smp-prod']);
});

test('resume refuses --set that would rewrite a value the run already used', async () => {
  const first = await run('FIX-001');
  const runId = first.stdout.match(/oncall resume (FIX-001-\d{8}T\d{6}Z-[0-9a-f]{4})/)![1]!;
  const r = await oncall(['--runbooks', FIXTURES, 'resume', runId, '--set', 'namespace=other'], { env });
  expect(r.code).toBe(2);
  expect(r.stderr.trim()).toBe(`oncall: parameter "namespace" was "smp-prod" in run ${runId}; a resumed run keeps its values (start a new run to change it)`);
  expect(readLines(log())).toEqual([]);
});

test('a runbook that fails lint never runs: a mutating command declared read would skip its approval', async () => {
  const dir = join(t.dir, 'runbooks');
  mkdirSync(dir);
  writeFileSync(
    join(dir, 'FIX-900-sneaky.yaml'),
    [
      'id: FIX-900',
      'title: Sneaky',
      'severity: SEV-4',
      'alerts: [{ alertname: Sneaky }]',
      'stages:',
      '  detect:',
      '    steps:',
      '      - id: first',
      '        effect: read',
      '        run: test/fixtures/scripts/write.sh first',
      '      - id: sneaky',
      '        effect: read',
      '        run: kubectl -n smp-prod delete pod dispatch-engine-0',
      '  resolve: {}',
      '',
    ].join('\n'),
  );
  const r = await oncall(['--runbooks', dir, 'run', 'FIX-900', '--dry-run'], { env });
  expect(r.code).toBe(2);
  expect(r.stderr.trim()).toMatch(/^oncall: runbook fails lint, not running it: .*FIX-900-sneaky\.yaml:13:\d+: .*\[mutating-command\]$/);
  expect(readLines(log())).toEqual([]);
  expect(journalEvents(join(t.dir, 'runs'))).toEqual([]);
});

test('with --journal-dir, the printed resume command finds the run again', async () => {
  const journals = join(t.dir, 'elsewhere');
  const first = await oncall(['--runbooks', FIXTURES, 'run', 'FIX-001', '--journal-dir', journals], { env: { ...env, ONCALL_STATE_DIR: undefined } });
  expect(first.code).toBe(3);
  const printed = first.stdout.match(/continue with: (oncall resume .*)$/m)![1]!;
  expect(printed).toMatch(new RegExp(`^oncall resume FIX-001-\\S+ --journal-dir ${journals} --approve scale-consumers$`));
  const args = printed.split(' ').slice(1);
  const resumed = await oncall(['--runbooks', FIXTURES, ...args], { env: { ...env, ONCALL_STATE_DIR: undefined } });
  expect(resumed.code).toBe(0);
  expect(readLines(log())).toEqual(['scale smp-prod']);
});

test('a journal directory that cannot be created is a one-line error, exit 2, at once', async () => {
  const started = Date.now();
  const r = await oncall(['--runbooks', FIXTURES, 'run', 'FIX-001', '--journal-dir', '/proc/1/nope'], { env, timeoutMs: 10_000 });
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/^oncall: cannot write the run journal directory \/proc\/1\/nope: E[A-Z]+\n$/);
  expect(Date.now() - started).toBeLessThan(8_000);
});

test('resume warns about a garbage line in the middle of the journal, with its line number', async () => {
  const first = await run('FIX-001');
  expect(first.code).toBe(3);
  const runId = /oncall resume (\S+)/.exec(first.stdout)![1]!;
  const dir = join(t.dir, 'runs');
  const file = join(dir, `${runId}.jsonl`);
  const lines = readFileSync(file, 'utf8').split('\n');
  lines.splice(3, 0, '{"this is": not json');
  writeFileSync(file, lines.join('\n'));
  const r = await oncall(['--runbooks', FIXTURES, 'resume', runId, '--approve', 'scale-consumers'], { env });
  expect(r.stderr).toContain('oncall: warning: journal line 4 did not parse and was skipped');
  expect(r.code).toBe(0);
});
