// The terminal Prompter, on inquirer. Loaded only when a run is interactive.
// Ctrl-C at a prompt surfaces as PromptInterrupted, which the engine turns
// into an interrupted (resumable) run.
import { escapeControlsDeep } from './control-chars.js';
import type { ManualAnswer, PromptChoice, Prompter } from '../engine/prompter.js';
import { PromptInterrupted } from '../engine/prompter.js';
import type { PromptSurface } from './prompt-surface.js';

type PromptModule = (questions: unknown) => Promise<Record<string, unknown>>;

export class TerminalPrompter implements Prompter {
  readonly interactive = true;
  private module: PromptModule | undefined;

  /** `output` is normally the Screen's PromptSurface, so lines printed meanwhile land above the prompt. */
  constructor(
    private readonly output: PromptSurface | NodeJS.WritableStream = process.stdout,
    private readonly input: NodeJS.ReadableStream = process.stdin,
  ) {}

  private async prompt<T>(asked: Record<string, unknown>): Promise<T> {
    const question = escapeControlsDeep(asked);
    if (!this.module) {
      const inquirer = (await import('inquirer')).default;
      this.module = inquirer.createPromptModule({ input: this.input as NodeJS.ReadStream, output: this.output as NodeJS.WriteStream }) as unknown as PromptModule;
    }
    try {
      const answers = await this.module({ name: 'answer', ...question });
      return answers.answer as T;
    } catch (e) {
      if ((e as Error)?.name === 'ExitPromptError' || (e as Error)?.name === 'AbortPromptError') throw new PromptInterrupted();
      throw e;
    }
  }

  confirm(message: string): Promise<boolean> {
    return this.prompt<boolean>({ type: 'confirm', message, default: false });
  }

  typed(message: string): Promise<string> {
    return this.prompt<string>({ type: 'input', message });
  }

  choose(message: string, choices: PromptChoice[]): Promise<string> {
    return this.prompt<string>({
      type: 'select',
      message,
      choices: choices.map((c) => ({ name: c.label, value: c.value, ...(c.hint ? { description: c.hint } : {}) })),
      loop: false,
      pageSize: Math.min(Math.max(choices.length, 3), 15),
    });
  }

  manual(instruction: string): Promise<ManualAnswer> {
    return this.prompt<ManualAnswer>({
      type: 'select',
      message: `Manual step: ${instruction}\n  Is it done?`,
      choices: [
        { name: 'Done', value: 'done' },
        { name: 'Skip it (not done)', value: 'skip' },
        { name: 'Stop the run here', value: 'stop' },
      ],
      loop: false,
    });
  }
}
