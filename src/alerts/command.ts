// The `oncall run` command an alert leads to, as argv and as a line to paste.
// Only values that passed their parameter's check get here; quoting still
// makes every value one literal shell word whatever it holds.
import { shellQuote } from '../runbook/argv.js';

export interface RunCommandOptions {
  /** The --runbooks directory the operator gave, so the command finds the same runbooks. */
  runbooks?: string;
}

export function runArgv(id: string, values: Record<string, string>, opts: RunCommandOptions = {}): string[] {
  return [
    'oncall',
    ...(opts.runbooks ? ['--runbooks', opts.runbooks] : []),
    'run',
    id,
    ...Object.entries(values).flatMap(([k, v]) => ['--set', `${k}=${v}`]),
  ];
}

export function commandLine(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}
