// oncall rehearse from a script: the first scenario walked along the
// recommended option without a terminal, --json events and a score line,
// and bad input as one line with exit 2 (an unknown runbook, scenario or
// option, a broken scenario file at its line, a runbook with no scenarios).
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../engine/helpers.js';
import { assertBuilt, oncall, ROOT } from '../cli-run/helpers.js';

beforeAll(() => assertBuilt());

test('without a terminal: the first scenario, the recommended option, its writes approved as a script, a score', async () => {
  const r = await oncall(['rehearse', 'INC-007', '--scenario', 'hot-partition']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/^Rehearsal: INC-007 Consumer lag spike — scenario "hot-partition"\n/);
  expect(r.stdout).toMatch(/★ recommended scenario-2: Single partition hot/);
  expect(r.stdout).toMatch(/→ option scenario-2 \(chosen by you\)/);
  expect(r.stdout).toMatch(/✔ approved scalehot by you/);
  expect(r.stdout).toMatch(/✓ WRITE scalehot .* \(5m\)/);
  expect(r.stdout).toMatch(/Score\n {2}time to mitigation: 11m30s\n {2}time to recovery: {3}15m \(budget 45m: within it\)/);
});

test('--option a wrong one: resolve not verified, exit 1, the wrong turn on the card', async () => {
  const r = await oncall(['rehearse', 'INC-007', '--scenario', 'hot-partition', '--option', 'scenario-1']);
  expect(r.code).toBe(1);
  expect(r.stdout).toMatch(/✘ resolve not verified: lagdown, lagtrend did not pass/);
  expect(r.stdout).toMatch(/wrong turn: +option "scenario-1": resolve did not pass \(lagdown, lagtrend\)/);
});

test('--json: one event per line on the simulated clock, then the score', async () => {
  const r = await oncall(['rehearse', 'INC-007', '--scenario', 'hot-partition', '--json']);
  expect(r.code).toBe(0);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(lines[0]).toMatchObject({ type: 'run-started', runId: 'rehearsal-INC-007-hot-partition' });
  expect(lines[0]!.startedAt).toBe('2026-11-22T04:12:00.000Z');
  const score = lines.at(-1)!;
  expect(score).toMatchObject({ type: 'score', scenario: 'hot-partition', outcome: 'resolved', timeToRecoveryMs: 900_000, budgetMs: 2_700_000, withinBudget: true, best: { option: 'scenario-2', ms: 900_000 } });
});

test('a canned result is judged as the live step judges it: an HTTP 503 from the half-open fails the write', async () => {
  const t = tempDir();
  try {
    const dir = join(t.dir, 'runbooks');
    mkdirSync(join(dir, 'scenarios', 'INC-005'), { recursive: true });
    cpSync(join(ROOT, 'runbooks/INC-005-integration-circuit-breaker.yaml'), join(dir, 'INC-005-integration-circuit-breaker.yaml'));
    const story = readFileSync(join(ROOT, 'runbooks/scenarios/INC-005/auth-expired.yaml'), 'utf8');
    const answered503 = story.replace(/(\n {2}halfopen:\n(?: {4}.*\n)*? {6}status: )200/, '$1503');
    expect(answered503).not.toBe(story);
    writeFileSync(join(dir, 'scenarios', 'INC-005', 'auth-expired.yaml'), answered503);
    const r = await oncall(['--runbooks', dir, 'rehearse', 'INC-005', '--scenario', 'auth-expired', '--option', 'a']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/✗ WRITE halfopen {2}failed: .*\(a failure, as http judges this result\)/);
    expect(r.stdout).toMatch(/✘ write step "halfopen" failed/);
    expect(r.stdout).not.toMatch(/✔ resolved/);
  } finally {
    t.cleanup();
  }
});

describe('bad input: one line, exit 2', () => {
  let t: ReturnType<typeof tempDir>;
  let dir: string;
  beforeAll(() => {
    t = tempDir();
    dir = join(t.dir, 'runbooks');
    mkdirSync(join(dir, 'scenarios', 'INC-007'), { recursive: true });
    cpSync(join(ROOT, 'runbooks/INC-007-consumer-lag-spike.yaml'), join(dir, 'INC-007-consumer-lag-spike.yaml'));
    cpSync(join(ROOT, 'runbooks/INC-004-redis-oom.yaml'), join(dir, 'INC-004-redis-oom.yaml'));
    writeFileSync(join(dir, 'scenarios', 'INC-007', 'broken.yaml'), 'runbook: INC-007\ntitle: x\nstory: y\nsteps: {}\nexpect:\n  resolves: [scenario-2]\n  budget: 45 minutes\n');
  });
  afterAll(() => t.cleanup());

  test.each([
    [['rehearse', 'INC-099'], /^oncall: unknown runbook "INC-099"; did you mean INC-00[47]/],
    [['rehearse', 'INC-007', '--scenario', 'nope'], /^oncall: INC-007 has no scenario "nope"; scenarios: broken$/],
    [['rehearse', 'INC-007', '--scenario', 'broken'], /^oncall: invalid scenario: .*broken\.yaml:7:11: expect\.budget "45 minutes" does not match/],
    [['rehearse', 'INC-004'], /^oncall: INC-004 has no scenarios \(.*scenarios\/INC-004\/\*\.yaml\); write one, or make one from a run with oncall scenario from-run RUN_ID$/],
    [['rehearse', 'INC-007', '--scenario', 'broken', '--option', 'nope'], /^oncall: invalid scenario: /],
  ])('%j', async (args, message) => {
    const r = await oncall(['--runbooks', dir, ...args]);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
    expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/);
  });
});
