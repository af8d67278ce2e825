// Lines that fit the terminal. Without this the terminal itself breaks a long
// line at the last column, mid-word, and the continuation starts at column 0
// where it reads like a new event. Here a line breaks at spaces, continuation
// lines are indented under the text after the "[mm:ss] " time prefix, colour
// codes take no width, wide characters take two, and what escapeControls made
// of a control sequence ("\e[31m", "\x07") is one unit that is never split.
import stringWidth from 'string-width';
import { stripVTControlCharacters } from 'node:util';

/** One indivisible piece of a line: a grapheme, an escaped control, or a colour code. */
interface Unit {
  text: string;
  width: number;
  space: boolean;
}

// chalk's colour codes: printed as they are, zero width.
// eslint-disable-next-line no-control-regex
const SGR = /\x1b\[[0-9;]*m/y;
// escapeControls' spellings of control characters, with the sequence an ESC starts.
const ESCAPED = /\\e(?:\[[0-9;?]*[ -/]*[@-~]|\][^\n]*?(?:\\x07|\\e\\\\|$)|.)?|\\x[0-9a-f]{2}/y;
const TIME_PREFIX = /^(?:\[(?:\d+:)?\d\d:\d\d\] )?\s*/;
const TAB_STOP = 8;

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

function units(line: string): Unit[] {
  const out: Unit[] = [];
  let plain = '';
  const flush = (): void => {
    for (const { segment } of graphemes.segment(plain)) out.push({ text: segment, width: stringWidth(segment), space: segment === ' ' });
    plain = '';
  };
  for (let i = 0; i < line.length; ) {
    SGR.lastIndex = i;
    ESCAPED.lastIndex = i;
    const sgr = SGR.exec(line);
    const escaped = sgr ? null : ESCAPED.exec(line);
    const m = sgr ?? escaped;
    if (!m) {
      plain += line[i];
      i++;
      continue;
    }
    flush();
    out.push({ text: m[0], width: sgr ? 0 : m[0].length, space: false });
    i += m[0].length;
  }
  flush();
  return out;
}

/** Tabs as spaces to the next tab stop: the terminal gives a tab up to 8 columns, string-width none. */
function expandTabs(line: string): string {
  if (!line.includes('\t')) return line;
  let col = 0;
  let out = '';
  for (const part of line.split(/(\t)/)) {
    if (part === '\t') {
      const n = TAB_STOP - (col % TAB_STOP);
      out += ' '.repeat(n);
      col += n;
    } else {
      out += part;
      col += stringWidth(part);
    }
  }
  return out;
}

/** Where continuation lines start: under the first character after the time prefix. */
export function hangingIndent(line: string, width: number): number {
  const lead = TIME_PREFIX.exec(stripVTControlCharacters(line))![0].length;
  // A line with no lead still needs its continuations to look like continuations;
  // a narrow terminal keeps at least half its width for the text.
  return Math.min(lead || 2, Math.floor(width / 2));
}

/** One line (no newline in it) as the physical lines of a `width`-column terminal. */
export function wrapLine(input: string, width: number): string[] {
  const line = expandTabs(input);
  if (width <= 0 || stringWidth(line) <= width) return [line];
  const indent = hangingIndent(line, width);
  const pad = ' '.repeat(indent);
  const all = units(line);
  // Words: maximal runs of non-space units; the spaces before each word go with it.
  const words: Array<{ gap: Unit[]; word: Unit[] }> = [];
  let gap: Unit[] = [];
  let word: Unit[] = [];
  for (const u of all) {
    if (u.space) {
      if (word.length) {
        words.push({ gap, word });
        gap = [];
        word = [];
      }
      gap.push(u);
    } else if (u.width === 0 && !word.length) gap.push(u);
    else word.push(u);
  }
  words.push({ gap, word });

  const lines: string[] = [];
  let cur = '';
  let col = 0;
  const sum = (us: Unit[]): number => us.reduce((n, u) => n + u.width, 0);
  const text = (us: Unit[]): string => us.map((u) => u.text).join('');
  const newLine = (): void => {
    lines.push(cur.trimEnd());
    cur = pad;
    col = indent;
  };
  for (const { gap: g, word: w } of words) {
    const gw = sum(g);
    const ww = sum(w);
    if (col + gw + ww <= width) {
      cur += text(g) + text(w);
      col += gw + ww;
      continue;
    }
    // The gap at a break is dropped, its colour codes kept.
    const codes = g.filter((u) => !u.space).map((u) => u.text).join('');
    if (!w.length) {
      cur += codes;
      continue;
    }
    if (ww <= width - indent) {
      newLine();
      cur += codes + text(w);
      col += ww;
      continue;
    }
    // A word longer than a whole line: cut it between units, starting where we are.
    if (col + gw < width) {
      cur += text(g);
      col += gw;
    } else {
      newLine();
      cur += codes;
    }
    for (const u of w) {
      if (col + u.width > width && col > indent) newLine();
      cur += u.text;
      col += u.width;
    }
  }
  lines.push(cur.trimEnd());
  return lines;
}

/** Text of one or more lines, each wrapped; newlines are kept where they were. */
export function wrapText(text: string, width: number | undefined): string {
  if (!width || width <= 0) return text;
  return text
    .split('\n')
    .map((l) => wrapLine(l, width).join('\n'))
    .join('\n');
}
