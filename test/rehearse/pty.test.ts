// An interactive rehearsal through a real pseudo-terminal, as a person plays
// it: the story, the evidence and a recommendation; a wrong option first,
// whose resolve does not pass; back to mitigation with the evidence read
// again; the recommended option; the score with the wrong turn on it.
import { killedAfterEach, spawnPty, KEY, type PtySession } from '../support/pty.js';
import { BIN, assertBuilt, ROOT } from '../cli-run/helpers.js';

beforeAll(() => assertBuilt());
const sessions = killedAfterEach();

function start(...args: string[]): PtySession {
  const env: Record<string, string | undefined> = { ...process.env, TERM: 'xterm-256color' };
  delete env.NO_COLOR;
  delete env.CI;
  const s = spawnPty(process.execPath, [BIN, 'rehearse', ...args], { cwd: ROOT, env });
  sessions.push(s);
  return s;
}

test('a wrong option first: resolve fails, back to mitigation, the right option, then the score', async () => {
  const s = start('INC-007', '--scenario', 'hot-partition');
  await s.waitFor('dispatch-engine is 18,000');
  await s.waitFor('Which scenario is this?');
  // Recommended first (scenario-2), then runbook order: scenario-1 (slow consumer code), scenario-3, scenario-4.
  s.write(`${KEY.down}${KEY.enter}`);
  // Its only step is manual: checking the downstream dependencies.
  await s.waitFor('Is it done?');
  s.write(KEY.enter);
  await s.waitFor('resolve not verified after option "scenario-1"');
  await s.waitFor('Take another option, or stop?');
  s.write(KEY.enter); // the recommended one, first again on the refreshed evidence
  await s.waitFor('Run write step "scalehot"');
  s.write(`y${KEY.enter}`);
  await s.waitFor('Is it done?');
  s.write(KEY.enter);
  await s.waitFor('Score');
  const { exitCode } = await s.exited;
  const out = s.output();
  expect(exitCode).toBe(0);
  expect(out).toMatch(/resolved: every resolve check passed/);
  expect(out).toMatch(/wrong turn: +option "scenario-1": resolve did not pass \(lagdown, lagtrend\)/);
  // The wrong turn cost its 15-minute downstream check and resolve's 15-minute wait: over the budget.
  expect(out).toMatch(/time to recovery: +48m \(budget 45m: over by 3m\)/);
  expect(out).toMatch(/best path: +option "scenario-2", 15m: [0-9ms]+ faster than yours/);
  // The simulated clock, not the wall clock: the escalation matrix fired on it.
  expect(out).toMatch(/\[15:00\] ⏰ escalate \(15m\): Page secondary on-call/);
}, 30_000);

test('declining the only write of the path stops there: nothing resolved, the score says so', async () => {
  const s = start('INC-007', '--scenario', 'hot-partition');
  await s.waitFor('Which scenario is this?');
  s.write(KEY.enter);
  await s.waitFor('Run write step "scalehot"');
  s.write(`n${KEY.enter}`);
  await s.waitFor('Take another option, or stop?');
  s.write(`${KEY.down}${KEY.down}${KEY.down}${KEY.enter}`); // past scenario-1, -3, -4: stop
  const { exitCode } = await s.exited;
  expect(exitCode).toBe(3);
  expect(s.output()).toMatch(/declined: +"scalehot"/);
  expect(s.output()).toMatch(/not recovered \(stopped\)/);
}, 30_000);
