// What the run's screen shows, through a real pseudo-terminal replayed by a
// terminal emulator: long lines wrap at the window's width (followed when it
// is resized) at word boundaries, continuations indented under the text;
// output that is not a terminal stays plain; a library's console warning
// (ioredis, given a password the real Redis on 127.0.0.1:6379 does not need)
// is one note of the run, never a raw line.
import { join } from 'node:path';
import { killedAfterEach, spawnPty, type PtySession } from '../support/pty.js';
import { BIN, assertBuilt, FIXTURES, journalEvents, oncall, ROOT } from './helpers.js';
import { tempDir } from '../engine/helpers.js';

const REDIS = 'redis://127.0.0.1:6379';
const WITH_PASSWORD = 'redis://:s3cr3t-pw@127.0.0.1:6379';
const WARNING = "ioredis: This Redis server's `default` user does not require a password, but a password was supplied";
// eslint-disable-next-line no-control-regex
const SGR = /\x1b\[[0-9;]*m/;
// eslint-disable-next-line no-control-regex
const ANY_ESCAPE = /\x1b\[/;
const TITLE = 'A step whose title is long enough that at eighty columns it cannot share one line with its command';

let t: ReturnType<typeof tempDir>;
let env: Record<string, string | undefined>;
const runs = () => join(t.dir, 'runs');
const sessions = killedAfterEach();
beforeAll(() => assertBuilt());
beforeEach(() => {
  t = tempDir();
  env = { ...process.env, ONCALL_STATE_DIR: runs(), REDIS_URL: REDIS, TERM: 'xterm-256color' };
  delete env.NO_COLOR;
  delete env.CI;
});
afterEach(() => t.cleanup());

function start(args: string[], cols: number, extraEnv: Record<string, string> = {}): PtySession {
  const s = spawnPty(process.execPath, [BIN, '--runbooks', FIXTURES, 'run', 'FIX-007', ...args], { cwd: ROOT, env: { ...env, ...extraEnv }, cols });
  sessions.push(s);
  return s;
}

/** The screen rows of the line that starts with `head`: its first row and the continuation rows under it. */
function rowsOf(lines: string[], head: string): string[] {
  const first = lines.findIndex((l) => l.includes(head));
  expect(first).toBeGreaterThanOrEqual(0);
  let end = first + 1;
  while (end < lines.length && /^ {10}\S/.test(lines[end]!)) end++;
  return lines.slice(first, end);
}

test('at 80 columns a long line breaks between words, its continuation indented under the text', async () => {
  const s = start([], 80, { NO_COLOR: '1' });
  expect((await s.exited).exitCode).toBe(0);
  const rows = rowsOf(s.screen(), '… long');
  expect(rows.length).toBeGreaterThan(1);
  for (const r of rows) expect(r.length).toBeLessThanOrEqual(80);
  // Joined at the breaks, the rows are the line: nothing was cut inside a word.
  expect(rows.map((r, i) => (i ? r.trimStart() : r)).join(' ')).toMatch(new RegExp(`^\\[00:0\\d\\]   … long ${TITLE}  test/fixtures/scripts/ok\\.sh the end of a long line$`));
  expect(rows.slice(1).every((r) => /^ {10}\S/.test(r))).toBe(true);
  // NO_COLOR: wrapping adds no colour of its own.
  expect(s.raw()).not.toMatch(SGR);
}, 30_000);

test('after the window is resized, new lines wrap at its new width', async () => {
  const s = start(['--set', 'pause=1.5'], 160);
  await s.waitFor('… pause');
  s.resize(60);
  expect((await s.exited).exitCode).toBe(0);
  const rows = rowsOf(s.screen(), '… long');
  // At 160 columns the line would take two rows; at 60 it takes more, none longer than 60.
  expect(rows.length).toBeGreaterThanOrEqual(3);
  for (const r of rows) expect(r.length).toBeLessThanOrEqual(60);
}, 30_000);

test('output that is not a terminal is not wrapped', async () => {
  const r = await oncall(['--runbooks', FIXTURES, 'run', 'FIX-007', '--non-interactive'], { env: { ...env, COLUMNS: '80' } });
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(new RegExp(`^\\[00:0\\d\\]   … long ${TITLE}  test/fixtures/scripts/ok\\.sh the end of a long line$`, 'm'));
  expect(r.stdout).not.toMatch(ANY_ESCAPE);
});

test('ioredis\'s password warning is one note of the run, journaled, and never raw output', async () => {
  const r = await oncall(['--runbooks', FIXTURES, 'run', 'FIX-007', '--non-interactive'], { env: { ...env, REDIS_URL: WITH_PASSWORD } });
  expect(r.code).toBe(0);
  expect(r.stderr).toBe('');
  expect(r.stdout).not.toContain('[WARN]');
  // Two redis.info steps, two connections, one note.
  expect(r.stdout.split('\n').filter((l) => l.includes('does not require a password'))).toEqual([expect.stringMatching(new RegExp(`^\\[00:0\\d\\]   ⚠ ${WARNING.replace(/[.*+?^${}()|[\]\\`]/g, '\\$&')}$`))]);
  const notes = journalEvents(runs()).filter((e) => e.type === 'note' && String(e.message).startsWith('ioredis:'));
  expect(notes).toEqual([expect.objectContaining({ level: 'warn', message: WARNING })]);
  expect(r.stdout).not.toContain('s3cr3t-pw');
});

test('on a terminal too, the warning shows once, as a note', async () => {
  const s = start([], 120, { REDIS_URL: WITH_PASSWORD });
  expect((await s.exited).exitCode).toBe(0);
  const lines = s.screen();
  expect(lines.filter((l) => l.includes('does not require a password'))).toEqual([expect.stringContaining(`⚠ ${WARNING}`)]);
  expect(s.output()).not.toContain('[WARN]');
}, 30_000);
