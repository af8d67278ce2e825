// `oncall lint [PATH...] [--format text|json|github|sarif]`: exit 0 when clean (or
// warnings only), 1 when errors were found, 2 when a path cannot be linted.
import type * as Machinery from '../lint/machinery.js';
import { CliError, EXIT } from './exit-codes.js';
import { useColor } from './output.js';

export interface LintCommandOptions {
  format?: string;
  runbooks?: string;
  color?: boolean;
}

export async function lintCommand(paths: string[], opts: LintCommandOptions = {}): Promise<void> {
  const { FORMATS, format, lintPaths, LintPathError } = await import('../lint/machinery.js');
  const name = (opts.format ?? 'text') as Machinery.FormatName;
  if (!FORMATS.includes(name)) throw new CliError(`unknown format "${opts.format}"; use ${FORMATS.join(', ')}`, EXIT.usage);
  // The registry (and its suggestion library) only when no path was given.
  const targets = paths.length ? paths : [(await import('../runbook/registry.js')).runbooksDir(opts.runbooks)];
  let result;
  try {
    result = await lintPaths(targets);
  } catch (e) {
    if (e instanceof LintPathError) throw new CliError(e.message, EXIT.usage);
    throw e;
  }
  process.stdout.write(await format(name, result, { color: useColor(opts) }));
  process.exitCode = result.errorCount > 0 ? EXIT.problems : EXIT.ok;
}
