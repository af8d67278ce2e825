// A live interactive run through a real pseudo-terminal whose first option
// does not resolve: the resolve check fails, detect and triage are read
// again, the menu offers what is left (recommended first, and a stop), the
// operator takes the right option and the run ends resolved, exit 0.
// FIX-008 works on files in a temp dir with real commands (cat, cp, echo).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { killedAfterEach, spawnPty, KEY, type PtySession } from '../support/pty.js';
import { BIN, assertBuilt, journalEvents, readLines, ROOT } from './helpers.js';
import { tempDir } from '../engine/helpers.js';

const RUNBOOKS = join(ROOT, 'test', 'fixtures', 'resolve-retry');

let t: ReturnType<typeof tempDir>;
let env: Record<string, string | undefined>;
const file = (name: string): string => join(t.dir, name);
const put = (name: string, value: unknown): void => writeFileSync(file(name), `${JSON.stringify(value)}\n`);
beforeAll(() => assertBuilt());
beforeEach(() => {
  t = tempDir('oncall-resolve-retry-pty-');
  env = { ...process.env, ONCALL_STATE_DIR: file('runs'), FIX_RETRY_DIR: t.dir, TERM: 'xterm-256color' };
  delete env.NO_COLOR;
  delete env.CI;
  put('service.json', { healthy: false });
  put('diagnosis.json', { cause: 'stuck' });
  put('previous.json', { healthy: true });
});
const sessions = killedAfterEach();
afterEach(() => t.cleanup());

const start = (...args: string[]): PtySession => {
  const s = spawnPty(process.execPath, [BIN, '--runbooks', RUNBOOKS, 'run', ...args], { cwd: ROOT, env });
  sessions.push(s);
  return s;
};

/** Approves the detect write, confirms the manual step, takes the recommended option (restart) and approves it. */
async function wrongOption(s: PtySession): Promise<void> {
  await s.waitFor('Run write step "silence"?');
  s.write(`y${KEY.enter}`);
  await s.waitFor('Manual step: Acknowledge the page');
  s.write(KEY.enter); // Done
  await s.waitFor('? Which mitigation?');
  s.write(KEY.enter); // the recommended option comes first: restart
  await s.waitFor('Run write step "restart-service"?');
  s.write(`y${KEY.enter}`);
}

const RETRY = 'Resolve not verified (healthy did not pass) after "restart". Take another option, or stop?';

test('the wrong option, resolve fails, the retry menu, the right option: resolved, exit 0', async () => {
  const s = start('FIX-008');
  await wrongOption(s);
  await s.waitFor('resolve not verified after option "restart": reading detect and triage again before the next choice');
  const menu = await s.waitForScreen((l) => l.includes(`? ${RETRY}`) && l.some((r) => r.includes('Stop here: the incident is not resolved')));
  // The refreshed evidence is printed above the menu: triage's read again, and the case that matches now.
  expect(menu.filter((r) => /✓ (probe|diagnose) /.test(r))).toHaveLength(4);
  expect(menu.some((r) => r.includes('triage case "config": A bad release'))).toBe(true);
  const at = menu.indexOf(`? ${RETRY}`);
  // On the refreshed evidence the rollback is recommended; the restart, tried, is not offered.
  expect(menu.slice(at + 1, at + 4)).toEqual(['❯ ★ Roll back the release (rollback)', '  Flush the cache (flush)', '  Stop here: the incident is not resolved']);
  s.write(KEY.enter);
  await s.waitFor('Run write step "rollback-release"?');
  s.write(`y${KEY.enter}`);

  const { exitCode } = await s.exited;
  expect(exitCode).toBe(0);
  expect(s.output()).toMatch(/\[\d\d:\d\d\] .*resolved: every resolve check passed/);
  // Each write once (the detect write not repeated), the state healed.
  expect(readLines(file('actions.log'))).toEqual(['silence', 'restart', 'rollback']);
  expect(JSON.parse(readFileSync(file('service.json'), 'utf8'))).toEqual({ healthy: true });

  const events = journalEvents(file('runs'));
  const options = events.filter((e) => e.type === 'decision-made' && e.decision === 'option');
  expect(options.map((e) => [e.value, e.by])).toEqual([
    ['restart', 'operator'],
    ['rollback', 'operator'],
  ]);
  const finished = (id: string) => events.filter((e) => e.type === 'step-finished' && e.stepId === id).map((e) => e.status);
  expect(finished('probe')).toEqual(['ok', 'ok']);
  expect(finished('diagnose')).toEqual(['ok', 'ok']);
  expect(finished('silence')).toEqual(['ok']);
  expect(finished('ack')).toEqual(['ok']);
  expect(finished('healthy')).toEqual(['failed', 'ok']);
  expect(events.at(-1)).toMatchObject({ type: 'run-finished', outcome: 'resolved', exitCode: 0 });
}, 30_000);

test('"Stop here" at the retry menu: not verified, exit 1, the rollback never ran', async () => {
  const s = start('FIX-008');
  await wrongOption(s);
  await s.waitFor(RETRY);
  await s.waitFor('Stop here: the incident is not resolved');
  s.write(`${KEY.down}${KEY.down}${KEY.enter}`);
  const { exitCode } = await s.exited;
  expect(exitCode).toBe(1);
  expect(s.output()).toContain('resolve not verified: healthy did not pass');
  expect(readLines(file('actions.log'))).toEqual(['silence', 'restart']);
}, 30_000);
