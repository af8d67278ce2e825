// oncall scenario from-run: a real run's journal becomes a drill that
// oncall test then runs. Its answers are what the run observed, secrets
// stay out, an existing scenario is not replaced without --force, and runs
// that cannot teach anything (a dry-run, an unresolved run) are refused.
import { cpSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../engine/helpers.js';
import { assertBuilt, FIXTURES, oncall } from '../cli-run/helpers.js';

let t: ReturnType<typeof tempDir>;
let dir: string;
let env: Record<string, string | undefined>;
beforeAll(() => assertBuilt());
beforeEach(() => {
  t = tempDir();
  dir = join(t.dir, 'runbooks');
  cpSync(FIXTURES, dir, { recursive: true });
  env = { ...process.env, ONCALL_STATE_DIR: join(t.dir, 'runs'), ONCALL_TEST_WRITE_LOG: join(t.dir, 'writes.log') };
});
afterEach(() => t.cleanup());

const runIdOf = (stdout: string): string => stdout.match(/journal: .*\/(FIX-\d{3}-\d{8}T\d{6}Z-[0-9a-f]{4})\.jsonl/)![1]!;

test('a resolved run becomes a scenario that oncall test passes: the taken option resolves it, the other does not', async () => {
  const run = await oncall(['--runbooks', dir, 'run', 'FIX-001', '--non-interactive', '--option', 'scale', '--approve', 'scale-consumers'], { env });
  expect(run.code).toBe(0);
  const id = runIdOf(run.stdout);
  const made = await oncall(['--runbooks', dir, 'scenario', 'from-run', id, '--name', 'drill'], { env });
  expect(made.stderr).toBe('');
  expect(made.code).toBe(0);
  const file = join(dir, 'scenarios', 'FIX-001', 'drill.yaml');
  const text = readFileSync(file, 'utf8');
  expect(text).toMatch(/^# yaml-language-server: \$schema=/);
  // What the run observed, as answers.
  expect(text).toContain('{"totalLag": 15000, "share": 0.8}');
  expect(text).toMatch(/after:\n {2}- ran: scale-consumers/);
  expect(text).toMatch(/expect:\n {2}recommended: scale\n {2}resolves:\n {4}- scale\n {2}budget: \d+m/);
  const tested = await oncall(['--runbooks', dir, 'test', file], { env });
  expect(tested.code).toBe(0);
  expect(tested.stdout).toMatch(/✓ FIX-001\/drill .* 2 paths, resolved by scale, best \d+s via scale/);
  // A second time: refused, the first kept; --force replaces it.
  const again = await oncall(['--runbooks', dir, 'scenario', 'from-run', id, '--name', 'drill'], { env });
  expect(again.code).toBe(2);
  expect(again.stderr).toMatch(/drill\.yaml exists; choose another --name, or --force to replace it/);
  const forced = await oncall(['--runbooks', dir, 'scenario', 'from-run', id, '--name', 'drill', '--force'], { env });
  expect(forced.code).toBe(0);
});

test('secrets of the run are in no answer of the scenario', async () => {
  const secret = 'tok_Sup3rSecretValue';
  const run = await oncall(['--runbooks', dir, 'run', 'FIX-004', '--non-interactive', '--approve', 'rotate-token', '--set', `token=${secret}`, '--set', 'password=hunter2hunter2'], { env });
  const id = runIdOf(run.stdout);
  // FIX-004's resolve check passes: the run resolved.
  expect(run.code).toBe(0);
  const made = await oncall(['--runbooks', dir, 'scenario', 'from-run', id, '--name', 'secrets'], { env });
  expect(made.code).toBe(0);
  const text = readFileSync(join(dir, 'scenarios', 'FIX-004', 'secrets.yaml'), 'utf8');
  expect(text).not.toContain(secret);
  expect(text).not.toContain('hunter2hunter2');
  expect(text).not.toContain('changeme');
  expect(text).toContain('token=***');
});

test('a dry-run, an unresolved run, an unknown run: one line, exit 2, nothing written', async () => {
  const dry = await oncall(['--runbooks', dir, 'run', 'FIX-001', '--dry-run', '--non-interactive'], { env });
  const dryId = runIdOf(dry.stdout);
  const r1 = await oncall(['--runbooks', dir, 'scenario', 'from-run', dryId], { env });
  expect(r1.code).toBe(2);
  expect(r1.stderr).toMatch(/was a dry-run: its writes never ran/);
  const stopped = await oncall(['--runbooks', dir, 'run', 'FIX-001', '--non-interactive', '--option', 'scale'], { env });
  expect(stopped.code).toBe(3);
  const r2 = await oncall(['--runbooks', dir, 'scenario', 'from-run', runIdOf(stopped.stdout)], { env });
  expect(r2.code).toBe(2);
  expect(r2.stderr).toMatch(/ended stopped: a scenario needs a run whose resolve passed/);
  const r3 = await oncall(['--runbooks', dir, 'scenario', 'from-run', 'FIX-001-20260101T000000Z-abcd'], { env });
  expect(r3.code).toBe(2);
  expect(r3.stderr.trim().split('\n')).toHaveLength(1);
  expect(existsSync(join(dir, 'scenarios'))).toBe(false);
});
