// Output formats for `oncall lint --format`. SARIF is loaded only when asked for.
import type { LintResult } from '../runner.js';
import { formatGithub } from './github.js';
import { formatJson } from './json.js';
import { formatText, type TextOptions } from './text.js';

export type FormatName = 'text' | 'json' | 'github' | 'sarif';
export const FORMATS: readonly FormatName[] = ['text', 'json', 'github', 'sarif'];

export async function format(name: FormatName, result: LintResult, options: TextOptions = {}): Promise<string> {
  switch (name) {
    case 'json':
      return formatJson(result);
    case 'github':
      return formatGithub(result);
    case 'sarif':
      return (await import('./sarif.js')).formatSarif(result);
    case 'text':
      return formatText(result, options);
  }
}
