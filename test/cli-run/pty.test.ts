// Interactive runs through a real pseudo-terminal: the operator's answers
// decide what runs. "No" stops before the write (exit 3, never spawned),
// "yes" runs it exactly once, a high-risk write needs the target typed,
// and the mitigation option is chosen from the menu.
import { join } from 'node:path';
import { spawnPty, KEY } from '../support/pty.js';
import { BIN, ensureBuilt, FIXTURES, ROOT, readLines } from './helpers.js';
import { tempDir } from '../engine/helpers.js';

let t: ReturnType<typeof tempDir>;
let env: Record<string, string | undefined>;
const log = () => join(t.dir, 'writes.log');
beforeAll(() => ensureBuilt());
beforeEach(() => {
  t = tempDir();
  env = { ...process.env, ONCALL_STATE_DIR: join(t.dir, 'runs'), ONCALL_TEST_WRITE_LOG: log(), TERM: 'xterm-256color' };
  delete env.NO_COLOR;
  delete env.CI;
});
afterEach(() => t.cleanup());

const start = (...args: string[]) => spawnPty(process.execPath, [BIN, '--runbooks', FIXTURES, 'run', ...args], { cwd: ROOT, env });

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
