// The operator of a scripted rehearsal (`--non-interactive`, `oncall test`):
// takes the given option (or the recommended one), approves every write of
// the path, types what a high-risk step asks for, confirms manual steps, and
// stops when resolve fails instead of trying another option: one path per walk.
import type { ManualAnswer, PromptChoice, Prompter } from '../engine/prompter.js';

export class PathPrompter implements Prompter {
  readonly interactive = true;
  private chose = false;

  constructor(private readonly option?: string) {}

  async confirm(): Promise<boolean> {
    return true;
  }

  async typed(_message: string, expected: string): Promise<string> {
    return expected;
  }

  async choose(_message: string, choices: PromptChoice[]): Promise<string> {
    // The first choice is the mitigation; a second one is "another option?" after a failed resolve or a decline.
    if (this.chose) return '__stop';
    this.chose = true;
    if (this.option) return this.option;
    return choices.find((c) => c.label.startsWith('★'))?.value ?? '__stop';
  }

  async manual(): Promise<ManualAnswer> {
    return 'done';
  }
}
