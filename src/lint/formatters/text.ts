// The default output: `file:line:col: severity message [rule-id]`, the source
// line and a caret under the column, then a summary line.
import type { Diagnostic } from '../../runbook/diagnostic.js';
import type { FileResult, LintResult } from '../runner.js';

export interface TextOptions {
  color?: boolean;
}

const WIDTH = 120;

function paint(on: boolean) {
  const wrap = (open: number, close: number) => (s: string) => (on ? `\u001b[${open}m${s}\u001b[${close}m` : s);
  return { red: wrap(31, 39), yellow: wrap(33, 39), dim: wrap(2, 22), bold: wrap(1, 22) };
}

/**
 * Control characters (C0 but tab, DEL, C1), U+FFFD (what invalid UTF-8 decodes
 * to) and bidi overrides: a line with any of them is not shown, since echoing
 * it would garble the terminal or show something other than the file holds.
 */
function isText(line: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || (c >= 0x7f && c <= 0x9f) || c === 0xfffd || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)) return false;
  }
  return true;
}

/** NUL never occurs in text: a binary file (the "file is binary" diagnostic) gets no excerpts at all. */
const isBinary = (text: string) => text.slice(0, 8192).includes('\u0000');

/** Line `n` (1-based) of `text`, without its line break. */
function lineOf(text: string, n: number): string {
  let start = 0;
  for (let i = 1; i < n; i++) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) return '';
    start = nl + 1;
  }
  const end = text.indexOf('\n', start);
  return text.slice(start, end < 0 ? text.length : end).replace(/\r$/, '');
}

/** The source line (cut to a window around the column) and the caret under it. */
function excerpt(f: FileResult, d: Diagnostic): string[] {
  let text = lineOf(f.text, d.line);
  if (!text.trim() || !isText(text)) return [];
  let col = Math.max(1, d.column) - 1;
  let start = 0;
  if (text.length > WIDTH) {
    start = Math.max(0, Math.min(col - 40, text.length - WIDTH));
    text = (start > 0 ? '…' : '') + text.slice(start, start + WIDTH) + (start + WIDTH < text.length ? '…' : '');
    col = col - start + (start > 0 ? 1 : 0);
  }
  // Tabs stay tabs under the caret so it lines up whatever the tab width.
  const pad = text.slice(0, col).replace(/[^\t]/g, ' ');
  return [`  ${text}`, `  ${pad}^`];
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function formatText(result: LintResult, options: TextOptions = {}): string {
  const c = paint(options.color === true);
  const lines: string[] = [];
  let filesWithProblems = 0;
  for (const f of result.files) {
    if (f.diagnostics.length) filesWithProblems++;
    const binary = isBinary(f.text);
    for (const d of f.diagnostics) {
      const sev = d.severity === 'error' ? c.red('error') : c.yellow('warning');
      lines.push(`${c.bold(`${d.file}:${d.line}:${d.column}:`)} ${sev} ${d.message} ${c.dim(`[${d.ruleId}]`)}`);
      if (!binary) lines.push(...excerpt(f, d).map((l, i) => (i === 1 ? c.red(l) : l)));
    }
  }
  const total = result.errorCount + result.warningCount;
  if (total === 0) return `no problems in ${plural(result.files.length, 'file')}\n`;
  lines.push('');
  const summary = `${plural(total, 'problem')} (${plural(result.errorCount, 'error')}, ${plural(result.warningCount, 'warning')}) in ${plural(filesWithProblems, 'file')}`;
  lines.push(result.errorCount ? c.red(c.bold(summary)) : c.yellow(c.bold(summary)));
  return `${lines.join('\n')}\n`;
}
