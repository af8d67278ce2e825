// Output formats for `oncall lint --format`.
import type { LintResult } from '../runner.js';
import { formatGithub } from './github.js';
import { formatJson } from './json.js';
import { formatText, type TextOptions } from './text.js';

export type FormatName = 'text' | 'json' | 'github';
export const FORMATS: readonly FormatName[] = ['text', 'json', 'github'];

export function format(name: FormatName, result: LintResult, options: TextOptions = {}): string {
  switch (name) {
    case 'json':
      return formatJson(result);
    case 'github':
      return formatGithub(result);
    case 'text':
      return formatText(result, options);
  }
}
