// The run's terminal: every line the renderer (or --json) prints goes through
// print(), which wraps it to the terminal's width and, while a prompt is open,
// puts it above the prompt (see prompt-surface.ts). Output that is not a
// terminal, or a terminal of unknown width, gets the text exactly as given.
import { PromptSurface } from './prompt-surface.js';
import { wrapText } from './wrap.js';

export class Screen {
  private surface: PromptSurface | undefined;

  constructor(private readonly out: NodeJS.WriteStream) {}

  /** The stream prompts draw on: `stream` itself, watched. One per screen. */
  promptOutput(stream: NodeJS.WriteStream): PromptSurface {
    if (this.surface?.tty !== stream) this.surface = new PromptSurface(stream);
    return this.surface;
  }

  /** Columns to wrap at, read at each print so a resized window (SIGWINCH) is followed. */
  private width(): number | undefined {
    return this.out.isTTY && this.out.columns > 0 ? this.out.columns : undefined;
  }

  print(text: string, opts: { wrap?: boolean } = {}): void {
    const shown = opts.wrap === false ? text : wrapText(text, this.width());
    // Output to a pipe or file cannot disturb a prompt on the terminal.
    if (!this.surface?.open || !this.out.isTTY || !this.surface.isTTY) {
      this.out.write(shown);
      return;
    }
    this.surface.above(() => this.out.write(shown.endsWith('\n') ? shown : `${shown}\n`));
  }
}

let processScreen: Screen | undefined;

/** This process's stdout as a Screen, shared by the renderer and the prompter. */
export function terminalScreen(): Screen {
  processScreen ??= new Screen(process.stdout);
  return processScreen;
}
