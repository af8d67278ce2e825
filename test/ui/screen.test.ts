// Lines printed while a prompt is open land above it and survive its redraws;
// the prompt keeps its state (highlighted choice, typed text). Real inquirer
// prompts, drawing on a terminal emulator (test/support/vt.ts) through the
// Screen; keys come in on a stream as a terminal would send them.
import { PassThrough, Writable } from 'node:stream';
import { Screen } from '../../src/ui/screen.js';
import { TerminalPrompter } from '../../src/ui/prompter.js';
import { VirtualTerminal } from '../support/vt.js';

const DOWN = '\x1b[B';
const UP = '\x1b[A';

function terminal(cols: number, rows = 30, isTTY = true) {
  const vt = new VirtualTerminal(cols, rows);
  let raw = '';
  const stream = new Writable({
    write(chunk, _enc, cb) {
      raw += String(chunk);
      // As a terminal's line discipline does (ONLCR): a newline also returns the carriage.
      vt.write(String(chunk).replace(/\n/g, '\r\n'));
      cb();
    },
  }) as unknown as NodeJS.WriteStream;
  Object.assign(stream, { isTTY, columns: cols, rows });
  return { stream, lines: () => vt.lines(), raw: () => raw };
}

async function until<T>(what: string, check: () => T | undefined | false, timeoutMs = 3000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const count = (lines: string[], text: string) => lines.filter((l) => l.includes(text)).length;

function setup(cols = 60) {
  const term = terminal(cols);
  const input = new PassThrough();
  const screen = new Screen(term.stream);
  const prompter = new TerminalPrompter(screen.promptOutput(term.stream), input);
  return { term, input, screen, prompter };
}

test('a line printed while a menu is open goes above it, survives the redraw of a key press, and the highlight stays', async () => {
  const { term, input, screen, prompter } = setup();
  screen.print('[00:00] Mitigate\n');
  const answer = prompter.choose('Which scenario is this?', [
    { value: 'scale', label: 'Scale the consumers' },
    { value: 'restart', label: 'Restart the consumers' },
    { value: 'stop', label: 'Stop here' },
  ]);
  await until('the menu', () => count(term.lines(), 'Restart the consumers'));
  input.write(DOWN);
  await until('the highlight to move', () => term.lines().some((l) => l.startsWith('❯ Restart the consumers')));

  screen.print('[15:00] ⏰ escalate (15m): Page secondary on-call\n');
  let lines = term.lines();
  expect(lines.slice(0, 2)).toEqual(['[00:00] Mitigate', '[15:00] ⏰ escalate (15m): Page secondary on-call']);
  expect(count(lines, 'Which scenario is this?')).toBe(1);
  expect(lines).toContain('❯ Restart the consumers');

  // The prompt's next redraw erases exactly its own lines.
  input.write(UP);
  await until('the highlight to move back', () => term.lines().some((l) => l.startsWith('❯ Scale the consumers')));
  lines = term.lines();
  expect(count(lines, 'escalate (15m): Page secondary on-call')).toBe(1);
  expect(lines.indexOf('[15:00] ⏰ escalate (15m): Page secondary on-call')).toBeLessThan(lines.findIndex((l) => l.includes('Which scenario is this?')));
  expect(count(lines, 'Which scenario is this?')).toBe(1);

  input.write(DOWN);
  input.write('\r');
  await expect(answer).resolves.toBe('restart');
  // Closed: the answer stays, the next line goes under it.
  screen.print('[15:01]   → option restart\n');
  lines = term.lines();
  expect(lines.slice(-2)).toEqual(['✔ Which scenario is this? Restart the consumers', '[15:01]   → option restart']);
  expect(count(lines, 'Page secondary on-call')).toBe(1);
});

test('text typed into an input prompt is kept across a line printed above it', async () => {
  const { term, input, screen, prompter } = setup();
  const typed = prompter.typed('Type "cache:stock:*" to run it');
  await until('the prompt', () => count(term.lines(), 'to run it'));
  input.write('cache:');
  await until('the echo', () => term.lines().some((l) => l.endsWith('to run it cache:')));
  screen.print('[00:04] ⏰ reminder: post a status update (every 2s)\n');
  expect(term.lines().slice(-2)).toEqual(['[00:04] ⏰ reminder: post a status update (every 2s)', '? Type "cache:stock:*" to run it cache:']);
  input.write('stock:*\r');
  await expect(typed).resolves.toBe('cache:stock:*');
  expect(term.lines().slice(-2)).toEqual(['[00:04] ⏰ reminder: post a status update (every 2s)', '✔ Type "cache:stock:*" to run it cache:stock:*']);
});

test('several lines, wrapped, above a confirm prompt; the screen keeps them all in order', async () => {
  const { term, input, screen, prompter } = setup(40);
  const yes = prompter.confirm('Run write step "scale"?');
  await until('the prompt', () => count(term.lines(), 'Run write step'));
  screen.print('[00:01] ⏰ timebox: mitigate has run past its 5m timebox\n[00:02]   ⚠ ioredis: a note\n');
  expect(term.lines()).toEqual(['[00:01] ⏰ timebox: mitigate has run', '        past its 5m timebox', '[00:02]   ⚠ ioredis: a note', '? Run write step "scale"? (y/N)']);
  input.write('y\r');
  await expect(yes).resolves.toBe(true);
});

test('a terminal of unknown width, or output that is not a terminal, gets the text exactly as given', () => {
  const long = `[00:01] ${'word '.repeat(30).trim()}\n`;
  const pipe = terminal(40, 30, false);
  new Screen(pipe.stream).print(long);
  expect(pipe.raw()).toBe(long);
  const unknown = terminal(40);
  Object.assign(unknown.stream, { columns: undefined });
  new Screen(unknown.stream).print(long);
  expect(unknown.raw()).toBe(long);
});
