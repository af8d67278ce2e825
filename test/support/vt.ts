// A small terminal emulator for tests: it replays what a program wrote to a
// terminal (cursor moves, erases, auto-wrap at the last column, scrolling into
// the scrollback) and returns what a person would see, scrollback included.
// Collecting the raw output is not enough for a prompt: a line written and then
// erased by the prompt's redraw is in the raw output but not on the screen.
// It knows the sequences inquirer and oncall use; others are ignored.
import stringWidth from 'string-width';

export type TerminalInput = string | { resize: { cols: number; rows?: number } };

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

export class VirtualTerminal {
  private screen: string[][] = [];
  private readonly scrollback: string[][] = [];
  private row = 0;
  /** May equal `cols`: the cursor waits past the last column until the next character wraps. */
  private col = 0;
  private saved: [number, number] = [0, 0];

  constructor(
    private cols: number,
    private rows: number,
  ) {
    this.screen = Array.from({ length: rows }, () => this.blank());
  }

  private blank(): string[] {
    return Array.from({ length: this.cols }, () => ' ');
  }

  resize(cols: number, rows = this.rows): void {
    // Like xterm: no reflow; rows are cut or padded.
    const fit = (line: string[]): string[] => (line.length >= cols ? line.slice(0, cols) : [...line, ...Array.from({ length: cols - line.length }, () => ' ')]);
    this.cols = cols;
    this.screen = this.screen.map(fit);
    while (this.screen.length > rows) {
      this.scrollback.push(this.screen.shift()!);
      this.row = Math.max(0, this.row - 1);
    }
    while (this.screen.length < rows) this.screen.push(this.blank());
    this.rows = rows;
    this.col = Math.min(this.col, cols - 1);
  }

  private lineFeed(): void {
    if (this.row < this.rows - 1) this.row++;
    else {
      this.scrollback.push(this.screen.shift()!);
      this.screen.push(this.blank());
    }
  }

  private put(g: string): void {
    const w = stringWidth(g);
    if (w === 0) return;
    if (this.col + w > this.cols) {
      this.col = 0;
      this.lineFeed();
    }
    const line = this.screen[this.row]!;
    line[this.col] = g;
    if (w === 2 && this.col + 1 < this.cols) line[this.col + 1] = '';
    this.col += w;
  }

  private clampCol(): void {
    this.col = Math.max(0, Math.min(this.col, this.cols - 1));
  }

  private csi(params: string, final: string): void {
    if (params.startsWith('?') || params.startsWith('>')) return; // modes: cursor shown/hidden, …
    const ns = params.split(';').map((p) => (p === '' ? NaN : Number(p)));
    const n = (i: number, dflt = 1): number => (Number.isNaN(ns[i] ?? NaN) ? dflt : ns[i]!);
    const line = this.screen[this.row]!;
    switch (final) {
      case 'A':
        this.row = Math.max(0, this.row - n(0));
        this.clampCol();
        break;
      case 'B':
        this.row = Math.min(this.rows - 1, this.row + n(0));
        this.clampCol();
        break;
      case 'C':
        this.col = Math.min(this.cols - 1, this.col + n(0));
        break;
      case 'D':
        this.clampCol();
        this.col = Math.max(0, this.col - n(0));
        break;
      case 'G':
        this.col = Math.min(this.cols - 1, n(0) - 1);
        break;
      case 'H':
      case 'f':
        this.row = Math.min(this.rows - 1, n(0) - 1);
        this.col = Math.min(this.cols - 1, n(1) - 1);
        break;
      case 'K': {
        const mode = n(0, 0);
        const c = Math.min(this.col, this.cols - 1);
        for (let i = 0; i < this.cols; i++) if (mode === 2 || (mode === 0 && i >= c) || (mode === 1 && i <= c)) line[i] = ' ';
        break;
      }
      case 'J': {
        const mode = n(0, 0);
        this.csi(String(mode === 0 ? 0 : mode === 1 ? 1 : 2), 'K');
        for (let r = 0; r < this.rows; r++) if ((mode === 0 && r > this.row) || (mode === 1 && r < this.row) || mode >= 2) this.screen[r] = this.blank();
        break;
      }
      default:
      // colours (m) and the rest change nothing we compare
    }
  }

  write(data: string): void {
    let i = 0;
    let text = '';
    const flush = (): void => {
      for (const { segment } of graphemes.segment(text)) this.put(segment);
      text = '';
    };
    while (i < data.length) {
      const ch = data[i]!;
      if (ch === '\x1b') {
        flush();
        const next = data[i + 1];
        if (next === '[') {
          // eslint-disable-next-line no-control-regex
          const m = /^\x1b\[([0-9;?>]*)[ -/]*([@-~])/.exec(data.slice(i));
          if (!m) break;
          this.csi(m[1]!, m[2]!);
          i += m[0].length;
        } else if (next === ']') {
          // eslint-disable-next-line no-control-regex
          const end = data.slice(i).search(/\x07|\x1b\\/);
          if (end < 0) break;
          i += end + (data[i + end] === '\x07' ? 1 : 2);
        } else if (next === '7') {
          this.saved = [this.row, this.col];
          i += 2;
        } else if (next === '8') {
          [this.row, this.col] = this.saved;
          i += 2;
        } else if (next === '(' || next === ')') i += 3;
        else i += 2;
        continue;
      }
      if (ch === '\r' || ch === '\n' || ch === '\b' || ch === '\t' || ch === '\x07') {
        flush();
        if (ch === '\r') this.col = 0;
        else if (ch === '\n') {
          this.clampCol();
          this.lineFeed();
        } else if (ch === '\b') {
          this.clampCol();
          this.col = Math.max(0, this.col - 1);
        } else if (ch === '\t') this.col = Math.min(this.cols - 1, (Math.floor(this.col / 8) + 1) * 8);
        i++;
        continue;
      }
      text += ch;
      i++;
    }
    flush();
  }

  /** The scrollback and the screen, one string per row, trailing blanks cut. */
  lines(): string[] {
    const all = [...this.scrollback, ...this.screen].map((cells) => cells.join('').trimEnd());
    while (all.length && all[all.length - 1] === '') all.pop();
    return all;
  }
}

/** What a terminal of `cols` × `rows` shows after `inputs`, as lines. */
export function renderTerminal(inputs: readonly TerminalInput[], cols: number, rows: number): string[] {
  const vt = new VirtualTerminal(cols, rows);
  for (const input of inputs) {
    if (typeof input === 'string') vt.write(input);
    else vt.resize(input.resize.cols, input.resize.rows);
  }
  return vt.lines();
}
