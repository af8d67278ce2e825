// The stream inquirer draws its prompts on, so that lines arriving while a
// prompt is open (a reminder, a timebox overrun, a note) are printed above the
// prompt and stay in the scrollback.
//
// Inquirer redraws a prompt by moving up over the lines it drew last and
// erasing them. Anything written to the terminal in between is taken for part
// of the prompt and erased by the next key press. Two ways out were weighed:
//  - close the prompt (its AbortSignal), print, open it again: only public
//    API, but the re-opened prompt loses what the operator had typed (half a
//    typed confirmation), the highlighted choice is not readable from outside,
//    and keys pressed in the gap land nowhere;
//  - sit between inquirer and the terminal: remember the last frame inquirer
//    drew and where its cursor is in it; to print, clear the frame, write the
//    lines, draw the same frame again. The prompt never notices: its state,
//    typed text and cursor stay, and its next redraw erases exactly its own
//    lines again.
// The second is what this does. It reads the frames of @inquirer/core's
// screen manager (erase, content, cursor up N, cursor to column C); a write it
// does not recognise leaves it with no frame, and lines then go straight out,
// as they did before.
import { EventEmitter } from 'node:events';

const ESC = '\u001b[';
// cursorDown(extra lines under the prompt), then eraseLines(height of the last frame).
// eslint-disable-next-line no-control-regex
const ERASE_PREFIX = /^(?:\x1b\[\d+B)?(?:(?:\x1b\[2K\x1b\[1A)*\x1b\[2K\x1b\[G)?/;
// A frame leaves the cursor at the input: up from the bottom, then to a column.
// eslint-disable-next-line no-control-regex
const CURSOR_PARK = /(?:\x1b\[(\d+)A)?\x1b\[\d+G$/;
// eslint-disable-next-line no-control-regex
const COLUMN_ONLY = /^\x1b\[\d+G$/;
const CURSOR_SHOW = '\x1b[?25h';

export class PromptSurface extends EventEmitter {
  /** Legacy Stream.pipe (inquirer's MuteStream) writes only while this is true. */
  readonly writable = true;
  /** The last frame drawn, as drawn after its erase; undefined when no prompt shows. */
  private frame: string | undefined;
  /** A later cursor move within the frame (typing in an input prompt). */
  private column = '';
  /** Rows from the frame's first line down to the cursor. */
  private rowsAbove = 0;

  constructor(readonly tty: NodeJS.WriteStream) {
    super();
  }

  // readline and inquirer size the prompt from these.
  get isTTY(): boolean {
    return this.tty.isTTY === true;
  }
  get columns(): number {
    return this.tty.columns;
  }
  get rows(): number {
    return this.tty.rows;
  }

  /** Whether a prompt is on the screen now. */
  get open(): boolean {
    return this.frame !== undefined;
  }

  write(chunk: string | Uint8Array, encoding?: BufferEncoding | ((err?: Error | null) => void), cb?: (err?: Error | null) => void): boolean {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString(typeof encoding === 'string' ? encoding : 'utf8');
    this.track(text);
    this.tty.write(text);
    (typeof encoding === 'function' ? encoding : cb)?.();
    return true;
  }

  /** Each prompt ends its MuteStream, which ends the pipe's destination: this stays usable. */
  end(): this {
    this.frame = undefined;
    return this;
  }

  private track(text: string): void {
    if (COLUMN_ONLY.test(text)) {
      if (this.frame !== undefined) this.column = text;
      return;
    }
    if (text.endsWith(CURSOR_SHOW)) {
      // The prompt is done: answered, aborted or cancelled.
      this.frame = undefined;
      return;
    }
    const body = text.replace(ERASE_PREFIX, '');
    const park = CURSOR_PARK.exec(body);
    if (!park) {
      this.frame = undefined;
      return;
    }
    const lines = body.split('\n').length;
    this.rowsAbove = lines - 1 - Number(park[1] ?? 0);
    this.frame = body;
    this.column = '';
  }

  /** Runs `print` (which writes whole lines) above the open prompt, then draws the prompt again. */
  above(print: () => void): void {
    if (this.frame === undefined || this.rowsAbove < 0) {
      print();
      return;
    }
    this.tty.write(`\r${this.rowsAbove > 0 ? `${ESC}${this.rowsAbove}A` : ''}${ESC}J`);
    print();
    this.tty.write(this.frame + this.column);
  }
}
