// Wrapping the renderer's lines to the terminal: at spaces, continuation lines
// under the text after the time prefix, colour codes of no width, wide
// characters of two, escaped control sequences never split.
import stringWidth from 'string-width';
import { Chalk } from 'chalk';
import { escapeControls } from '../../src/ui/control-chars.js';
import { hangingIndent, wrapLine, wrapText } from '../../src/ui/wrap.js';

// eslint-disable-next-line no-control-regex
const SGR = /\x1b\[[0-9;]*m/g;
const plain = (s: string) => s.replace(SGR, '');

test.each([
  {
    name: 'a line that fits is left alone',
    line: '[00:03]   ✓ lag  exit 0',
    width: 40,
    lines: ['[00:03]   ✓ lag  exit 0'],
  },
  {
    name: 'breaks at spaces, continuation under the text after the time prefix',
    line: '[15:00] ⏰ escalate (15m): Page secondary on-call and tell them what you know so far',
    width: 40,
    lines: ['[15:00] ⏰ escalate (15m): Page', '        secondary on-call and tell them', '        what you know so far'],
  },
  {
    name: 'an indented line (no time prefix) continues under its own text',
    line: '            will run: kubectl -n smp-prod scale deployment/dispatch-engine --replicas=5',
    width: 50,
    lines: ['            will run: kubectl -n smp-prod scale', '            deployment/dispatch-engine', '            --replicas=5'],
  },
  {
    name: 'a line with no lead at all continues two columns in',
    line: 'run INC-007-20261122T041500Z-3f9a  journal /var/lib/oncall/runs/INC-007.jsonl',
    width: 50,
    lines: ['run INC-007-20261122T041500Z-3f9a  journal', '  /var/lib/oncall/runs/INC-007.jsonl'],
  },
  {
    name: 'a word longer than a line is cut, its rest indented',
    line: '[00:01]   │ key=cache:wms:stock:0123456789012345678901234567890123456789',
    width: 40,
    lines: ['[00:01]   │ key=cache:wms:stock:01234567', '          890123456789012345678901234567', '          89'],
  },
  {
    name: 'a long word is cut before an escaped control sequence, not inside it',
    line: `[00:01] ${escapeControls('abcdefghij\x1b[31mxyz')}`,
    width: 20,
    lines: ['[00:01] abcdefghij', '        \\e[31mxyz'],
  },
  {
    name: 'an escaped window-title sequence is one unit',
    line: `[00:01] ${escapeControls('abcdefghij\x1b]0;pwned\x07')}`,
    width: 24,
    lines: ['[00:01] abcdefghij', '        \\e]0;pwned\\x07'],
  },
  {
    name: 'an escaped sequence longer than a line is cut before and after it, not inside',
    line: `[00:01] ${escapeControls('x\x1b[38;5;196;48;5;21;1;4;5;7;9;53mrest')}`,
    width: 30,
    lines: ['[00:01] x', '        \\e[38;5;196;48;5;21;1;4;5;7;9;53m', '        rest'],
  },
  {
    name: 'wide characters take two columns',
    line: '[00:01] 中文中文中文 中文中文中文 中文中文中文',
    width: 33,
    lines: ['[00:01] 中文中文中文 中文中文中文', '        中文中文中文'],
  },
  {
    name: 'tabs become spaces to the next tab stop',
    line: '[00:01]   │ a\tb',
    width: 80,
    lines: ['[00:01]   │ a   b'],
  },
])('$name', ({ line, width, lines }) => {
  const out = wrapLine(line, width);
  expect(out).toEqual(lines);
  // Only a single unit wider than the terminal may stick out.
  for (const l of out) if (l.trim().includes(' ')) expect(stringWidth(l)).toBeLessThanOrEqual(width);
});

test('colour codes take no width and are kept, also across a dropped space', () => {
  const c = new Chalk({ level: 1 });
  const line = `${c.dim('[00:03]')}   ${c.green('✓')} ${c.bold('lag')}  ${c.dim('one two three four five six seven eight nine ten')}`;
  const out = wrapLine(line, 40);
  expect(out.map(plain)).toEqual(['[00:03]   ✓ lag  one two three four five', '          six seven eight nine ten']);
  // Every code is still there, in order: the terminal's colour state is the same as unwrapped.
  expect(out.join('\n').match(SGR)).toEqual(line.match(SGR));
  for (const l of out) expect(stringWidth(l)).toBeLessThanOrEqual(40);
});

test('wrapText keeps newlines and does nothing without a width', () => {
  const text = '[00:01] one two three four\n[00:02] five six seven eight\n';
  expect(wrapText(text, 24)).toBe('[00:01] one two three\n        four\n[00:02] five six seven\n        eight\n');
  expect(wrapText(text, undefined)).toBe(text);
  expect(wrapText(text, 0)).toBe(text);
});

test('a narrow terminal keeps room for the text: the indent gives way', () => {
  expect(hangingIndent('[00:01]             deep', 80)).toBe(20);
  expect(hangingIndent('[00:01]             deep', 30)).toBe(15);
  expect(hangingIndent('[00:01]             deep', 15)).toBe(7);
});
