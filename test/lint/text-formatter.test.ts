// The text format's excerpts: the source line and a caret, except for lines
// that are not text (binary files, control characters), which would garble the terminal.
import { formatText } from '../../src/lint/formatters/text.js';
import { combine, lintTexts } from '../../src/lint/runner.js';
import type { LintDiagnostic } from '../../src/lint/types.js';

const at = (line: number, column: number, message = 'something'): LintDiagnostic => ({ file: 'f.yaml', line, column, endLine: line, endColumn: column + 1, severity: 'error', ruleId: 'x', message });

test('the source line and a caret under the column', () => {
  const out = formatText(combine([{ file: 'f.yaml', text: 'id: INC-001\n\ttitle: x\n', diagnostics: [at(1, 5), at(2, 2)] }]));
  expect(out).toBe('f.yaml:1:5: error something [x]\n  id: INC-001\n      ^\nf.yaml:2:2: error something [x]\n  \ttitle: x\n  \t^\n\n2 problems (2 errors, 0 warnings) in 1 file\n');
});

test('a binary file: the diagnostic alone, no bytes echoed', async () => {
  const bytes = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256));
  const result = await lintTexts([{ file: 'bin.yaml', text: bytes.toString('utf8') }], { catalog: null });
  expect(formatText(result)).toBe('bin.yaml:1:1: error file is binary, not UTF-8 YAML text [yaml-syntax]\n\n1 problem (1 error, 0 warnings) in 1 file\n');
});

test.each([
  ['an escape sequence', 'title: "\u001b[2J"'],
  ['a backspace', 'title: a\bb'],
  ['a C1 control', 'title: \u009bx'],
  ['invalid UTF-8', 'title: caf\ufffd'],
  ['a bidi override', 'title: \u202eevil'],
  ['a bare carriage return', 'a: 1\rb: 2'],
])('a line with %s is not shown', (_, line) => {
  const out = formatText(combine([{ file: 'f.yaml', text: `ok: 1\n${line}\n`, diagnostics: [at(1, 1), at(2, 1)] }]));
  expect(out).toBe('f.yaml:1:1: error something [x]\n  ok: 1\n  ^\nf.yaml:2:1: error something [x]\n\n2 problems (2 errors, 0 warnings) in 1 file\n');
});

test('text with non-ASCII letters and a CRLF line end is shown', () => {
  const out = formatText(combine([{ file: 'f.yaml', text: 'title: Café — 東京\r\n', diagnostics: [at(1, 8)] }]));
  expect(out).toContain('\n  title: Café — 東京\n         ^\n');
});
