// How the engine asks the operator. The terminal implementation (inquirer)
// lives in src/ui; the engine only sees this interface, so tests and future
// rehearsal scenarios answer without a TTY.

export interface PromptChoice {
  value: string;
  label: string;
  /** Shown dimmed beside the label: evidence, "last resort". */
  hint?: string;
}

export type ManualAnswer = 'done' | 'skip' | 'stop';

export interface Prompter {
  /** False: the engine never calls the methods below, and writes need --approve. */
  readonly interactive: boolean;
  /** Yes/no, default No. */
  confirm(message: string): Promise<boolean>;
  /** The operator types `expected` to confirm; returns what was typed. */
  typed(message: string, expected: string): Promise<string>;
  /** Pick one of `choices`; returns its value. */
  choose(message: string, choices: PromptChoice[]): Promise<string>;
  /** A manual step: done, skip it, or stop the run. */
  manual(instruction: string): Promise<ManualAnswer>;
}

/** The operator pressed Ctrl-C at a prompt. */
export class PromptInterrupted extends Error {
  constructor() {
    super('interrupted at a prompt');
    this.name = 'PromptInterrupted';
  }
}

/** No TTY or --non-interactive: nobody to ask. */
export class NonInteractivePrompter implements Prompter {
  readonly interactive = false;
  private fail(): never {
    throw new Error('non-interactive run: nobody to ask (the engine should not prompt here)');
  }
  confirm(): Promise<boolean> {
    this.fail();
  }
  typed(): Promise<string> {
    this.fail();
  }
  choose(): Promise<string> {
    this.fail();
  }
  manual(): Promise<ManualAnswer> {
    this.fail();
  }
}

export type ScriptedAnswer =
  | { confirm: boolean }
  | { typed: string }
  | { choose: string }
  | { manual: ManualAnswer };

/** Answers from a list, in order; records every question. For tests and
 *  canned rehearsals. Running out of answers is an error, so a test notices
 *  an unexpected prompt. */
export class ScriptedPrompter implements Prompter {
  readonly interactive = true;
  readonly asked: Array<{ kind: string; message: string; choices?: PromptChoice[]; expected?: string }> = [];

  constructor(private readonly answers: ScriptedAnswer[]) {}

  private next<K extends 'confirm' | 'typed' | 'choose' | 'manual'>(kind: K, message: string): unknown {
    const a = this.answers.shift();
    if (!a) throw new Error(`unexpected prompt (${kind}): ${message}`);
    if (!(kind in a)) throw new Error(`expected a ${Object.keys(a)[0]} prompt, got ${kind}: ${message}`);
    return (a as Record<string, unknown>)[kind];
  }

  async confirm(message: string): Promise<boolean> {
    this.asked.push({ kind: 'confirm', message });
    return this.next('confirm', message) as boolean;
  }
  async typed(message: string, expected: string): Promise<string> {
    this.asked.push({ kind: 'typed', message, expected });
    return this.next('typed', message) as string;
  }
  async choose(message: string, choices: PromptChoice[]): Promise<string> {
    this.asked.push({ kind: 'choose', message, choices });
    return this.next('choose', message) as string;
  }
  async manual(instruction: string): Promise<ManualAnswer> {
    this.asked.push({ kind: 'manual', message: instruction });
    return this.next('manual', instruction) as ManualAnswer;
  }

  get remaining(): number {
    return this.answers.length;
  }
}
