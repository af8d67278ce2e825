// Interactive runs through a real pseudo-terminal: the operator's answers
// decide what runs. "No" stops before the write (exit 3, never spawned),
// "yes" runs it exactly once, a high-risk write needs the target typed,
// and the mitigation option is chosen from the menu. Reminders that come due
// while a prompt is open stay on the screen; a second run of a runbook that
// has a live one says so and asks.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { killedAfterEach, spawnPty, KEY, type PtySession } from '../support/pty.js';
import { BIN, assertBuilt, FIXTURES, ROOT, readLines } from './helpers.js';
import { tempDir } from '../engine/helpers.js';

let t: ReturnType<typeof tempDir>;
let env: Record<string, string | undefined>;
const log = () => join(t.dir, 'writes.log');
beforeAll(() => assertBuilt());
beforeEach(() => {
  t = tempDir();
  env = { ...process.env, ONCALL_STATE_DIR: join(t.dir, 'runs'), ONCALL_TEST_WRITE_LOG: log(), TERM: 'xterm-256color' };
  delete env.NO_COLOR;
  delete env.CI;
});
const sessions = killedAfterEach();
afterEach(() => t.cleanup());

const start = (...args: string[]) => {
  const s = spawnPty(process.execPath, [BIN, '--runbooks', FIXTURES, 'run', ...args], { cwd: ROOT, env });
  sessions.push(s);
  return s;
};

test('answering no to the write stops the run before it: exit 3, the script never ran', async () => {
  const s = start('FIX-001');
  await s.waitFor('Which scenario is this?');
  s.write(KEY.enter); // the recommended option comes first
  await s.waitFor('will run: test/fixtures/scripts/write.sh scale smp-prod');
  await s.waitFor('Run write step "scale-consumers"?');
  s.write(`n${KEY.enter}`);
  await s.waitFor('Take another option, or stop?');
  s.write(`${KEY.down}${KEY.enter}`); // restart, then stop
  const { exitCode } = await s.exited;
  expect(exitCode).toBe(3);
  expect(s.output()).toContain('stopped before write step "scale-consumers": declined by');
  expect(readLines(log())).toEqual([]);
});

test('answering yes runs it exactly once', async () => {
  const s = start('FIX-001');
  await s.waitFor('Which scenario is this?');
  s.write(KEY.enter);
  await s.waitFor('Run write step "scale-consumers"?');
  s.write(`y${KEY.enter}`);
  const { exitCode } = await s.exited;
  expect(exitCode).toBe(0);
  expect(readLines(log())).toEqual(['scale smp-prod']);
  expect(s.output()).toMatch(/\[\d\d:\d\d\] .*resolved: every resolve check passed/);
});

test('the operator picks another option from the menu', async () => {
  const s = start('FIX-001');
  await s.waitFor('Which scenario is this?');
  await s.waitFor('Restart the consumers (restart)');
  s.write(`${KEY.down}${KEY.enter}`);
  await s.waitFor('Run write step "restart-consumers"?');
  s.write(`y${KEY.enter}`);
  expect((await s.exited).exitCode).toBe(0);
  expect(readLines(log())).toEqual(['restart smp-prod']);
});

test('a high-risk write needs the target typed: "y" is refused, the pattern is accepted', async () => {
  const refused = start('FIX-002');
  await refused.waitFor('Stop here');
  refused.write(KEY.enter);
  await refused.waitFor('to confirm, type: cache:wms:stock:*');
  await refused.waitFor('Type "cache:wms:stock:*" to run it');
  refused.write(`y${KEY.enter}`);
  expect((await refused.exited).exitCode).toBe(3);
  expect(refused.output()).toContain('typed text did not match "cache:wms:stock:*": not approved');
  expect(readLines(log())).toEqual([]);

  const accepted = start('FIX-002');
  await accepted.waitFor('Stop here');
  accepted.write(KEY.enter);
  await accepted.waitFor('Type "cache:wms:stock:*" to run it');
  accepted.write(`cache:wms:stock:*${KEY.enter}`);
  expect((await accepted.exited).exitCode).toBe(0);
  expect(readLines(log())).toEqual(['delete cache:wms:stock:*']);
});

test('Ctrl-C at a prompt interrupts: exit 130 and the resume command', async () => {
  const s = start('FIX-001');
  await s.waitFor('Which scenario is this?');
  s.write(KEY.ctrlC);
  expect((await s.exited).exitCode).toBe(130);
  expect(s.output()).toMatch(/continue with: oncall resume FIX-001-\d{8}T\d{6}Z-[0-9a-f]{4}/);
  expect(readLines(log())).toEqual([]);
});

/** Rows of the screen that contain `text`. */
const rowsWith = (lines: string[], text: string) => lines.filter((l) => l.includes(text));
const rowOf = (lines: string[], text: string) => lines.findIndex((l) => l.includes(text));

test('reminders and a timebox overrun that come due while the menu is open are printed above it and survive its redraws', async () => {
  const s = start('FIX-006');
  await s.waitFor('? Which scenario is this?'); // the menu itself, not the list printed before it
  // FIX-006: the mitigate timebox (1s) runs out, then the escalation (3s) comes due, the menu still open.
  await s.waitFor('escalate (3s): Page secondary on-call', 15_000);
  s.write(KEY.down); // a key press redraws the prompt
  const lines = await s.waitForScreen((l) => l.some((r) => r.startsWith('❯ Flush the stock cache')));
  expect(rowsWith(lines, 'escalate (3s)')).toEqual([expect.stringMatching(/^\[00:0\d\] ⏰ escalate \(3s\): Page secondary on-call$/)]);
  expect(rowsWith(lines, 'timebox: mitigate')).toEqual([expect.stringMatching(/^\[00:0\d\] ⏰ timebox: mitigate has run past its 1s timebox$/)]);
  // Above the prompt, which shows once, whole.
  expect(rowsWith(lines, '? Which scenario is this?')).toHaveLength(1);
  const prompt = rowOf(lines, '? Which scenario is this?');
  expect(rowOf(lines, 'escalate (3s)')).toBeLessThan(prompt);
  expect(rowOf(lines, 'timebox: mitigate')).toBeLessThan(prompt);
  expect(lines.slice(prompt + 1, prompt + 4)).toEqual(['  ★ Scale the consumers (scale)', '❯ Flush the stock cache (flush)', '  Stop here: no mitigation']);
  s.write(KEY.ctrlC);
  expect((await s.exited).exitCode).toBe(130);
  // Still there after the prompt closed and the run ended: in the scrollback.
  expect(rowsWith(s.screen(), 'escalate (3s): Page secondary on-call')).toHaveLength(1);
}, 30_000);

test('what the operator half-typed at a high-risk prompt is kept when a reminder is printed above it', async () => {
  const s = start('FIX-006');
  await s.waitFor('Which scenario is this?');
  s.write(`${KEY.down}${KEY.enter}`);
  await s.waitFor('Type "cache:stock:*" to run it');
  s.write('cache:');
  await s.waitFor('to run it cache:');
  // A status-update reminder comes every 2s (FIX-006): one arrives after the typing.
  await s.waitFor('reminder: post a status update', 15_000);
  const lines = await s.waitForScreen((l) => l.some((r) => r.endsWith('to run it cache:')));
  const lastReminder = lines.map((l) => l.includes('reminder: post a status update')).lastIndexOf(true);
  expect(lastReminder).toBeGreaterThan(rowOf(lines, 'HIGH-RISK WRITE flush-cache'));
  expect(lastReminder).toBeLessThan(rowOf(lines, 'to run it cache:'));
  s.write(`stock:*${KEY.enter}`);
  expect((await s.exited).exitCode).toBe(0);
  expect(readLines(log())).toEqual(['flush cache:stock:*']);
  expect(s.output()).toContain('approved flush-cache by');
}, 30_000);

function journals(): string[] {
  const dir = join(t.dir, 'runs');
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort() : [];
}

/** A first FIX-001 run, parked at its menu: it holds the runbook's live-run lock. */
async function liveRun(): Promise<PtySession> {
  const first = start('FIX-001');
  await first.waitFor('Which scenario is this?');
  expect(journals()).toHaveLength(1);
  return first;
}

const LIVE = (pid: number) => new RegExp(`FIX-001 already has a live run: FIX-001-\\d{8}T\\d{6}Z-[0-9a-f]{4} \\(pid ${pid} on [^,]+, started [^,]+, at stage mitigate\\)`);

test('a second interactive run of a runbook with a live run says which, and answered no, starts nothing', async () => {
  const first = await liveRun();
  try {
    const second = start('FIX-001');
    await second.waitFor(LIVE(first.pid));
    await second.waitFor('Start a second run of FIX-001 anyway?');
    second.write(`n${KEY.enter}`);
    expect((await second.exited).exitCode).toBe(3);
    expect(second.output()).toContain('oncall: not started: another run is live');
    expect(second.output()).not.toContain('Detect');
    expect(journals()).toHaveLength(1);
  } finally {
    first.write(KEY.ctrlC);
    await first.exited;
  }
  expect(readLines(log())).toEqual([]);
}, 30_000);

test('answered yes, the second run starts with its own journal while the first stays live', async () => {
  const first = await liveRun();
  const [firstJournal] = journals();
  try {
    const second = start('FIX-001');
    await second.waitFor(LIVE(first.pid));
    await second.waitFor('Start a second run of FIX-001 anyway?');
    second.write(`y${KEY.enter}`);
    await second.waitFor('Which scenario is this?');
    const both = journals();
    expect(both).toHaveLength(2);
    expect(both).toContain(firstJournal);
    second.write(KEY.ctrlC);
    expect((await second.exited).exitCode).toBe(130);
  } finally {
    first.write(KEY.ctrlC);
    expect((await first.exited).exitCode).toBe(130);
  }
}, 30_000);
