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

/** Control characters and stray bytes would garble the terminal. */
function printable(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    out += (c < 32 && c !== 9) || c === 0x7f || c === 0xfffd ? '·' : ch;
  }
  return out;
}

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
  if (!text.trim()) return [];
  let col = Math.max(1, d.column) - 1;
  let start = 0;
  if (text.length > WIDTH) {
    start = Math.max(0, Math.min(col - 40, text.length - WIDTH));
    text = (start > 0 ? '…' : '') + text.slice(start, start + WIDTH) + (start + WIDTH < text.length ? '…' : '');
    col = col - start + (start > 0 ? 1 : 0);
  }
  const shown = printable(text);
  // Tabs stay tabs under the caret so it lines up whatever the tab width.
  const pad = shown.slice(0, col).replace(/[^\t]/g, ' ');
  return [`  ${shown}`, `  ${pad}^`];
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function formatText(result: LintResult, options: TextOptions = {}): string {
  const c = paint(options.color === true);
  const lines: string[] = [];
  let filesWithProblems = 0;
  for (const f of result.files) {
    if (f.diagnostics.length) filesWithProblems++;
    for (const d of f.diagnostics) {
      const sev = d.severity === 'error' ? c.red('error') : c.yellow('warning');
      lines.push(`${c.bold(`${d.file}:${d.line}:${d.column}:`)} ${sev} ${d.message} ${c.dim(`[${d.ruleId}]`)}`);
      lines.push(...excerpt(f, d).map((l, i) => (i === 1 ? c.red(l) : l)));
    }
  }
  const total = result.errorCount + result.warningCount;
  if (total === 0) return `no problems in ${plural(result.files.length, 'file')}\n`;
  lines.push('');
  const summary = `${plural(total, 'problem')} (${plural(result.errorCount, 'error')}, ${plural(result.warningCount, 'warning')}) in ${plural(filesWithProblems, 'file')}`;
  lines.push(result.errorCount ? c.red(c.bold(summary)) : c.yellow(c.bold(summary)));
  return `${lines.join('\n')}\n`;
}
