// Loading runbooks for the read-only commands (list, show), with invalid
// files reported as one-line file:line:col errors.
import { formatDiagnosticLine } from '../runbook/diagnostic.js';
import { asProcess, asRunbook, loadFile, type LoadedFile } from '../runbook/load.js';
import { findRunbook, listRunbookFiles, processFile, runbooksDir, UnknownRunbookError } from '../runbook/registry.js';
import type { Process, Runbook } from '../runbook/types.js';
import { CliError, EXIT } from './exit-codes.js';

export function resolveDir(opts: { runbooks?: string }): string {
  return runbooksDir(opts.runbooks);
}

function readOrFail(file: string): LoadedFile {
  try {
    return loadFile(file);
  } catch (e) {
    throw new CliError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, EXIT.usage);
  }
}

export function invalidRunbookError(loaded: LoadedFile): CliError {
  const first = loaded.diagnostics[0]!;
  const more = loaded.diagnostics.length > 1 ? ` (+${loaded.diagnostics.length - 1} more; run oncall lint)` : '';
  return new CliError(`invalid runbook: ${formatDiagnosticLine(first)}${more}`, EXIT.usage);
}

export function loadRunbookById(dir: string, id: string): { runbook: Runbook; file: string; loaded: LoadedFile } {
  let entry;
  try {
    entry = findRunbook(dir, id);
  } catch (e) {
    if (e instanceof UnknownRunbookError) throw new CliError(`${e.message} (runbooks in ${dir})`, EXIT.usage);
    throw new CliError(`cannot read runbook directory ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const loaded = readOrFail(entry.file);
  if (loaded.diagnostics.length) throw invalidRunbookError(loaded);
  return { runbook: asRunbook(loaded), file: entry.file, loaded };
}

export function loadProcess(dir: string): Process | undefined {
  const file = processFile(dir);
  if (!file) return undefined;
  const loaded = readOrFail(file);
  if (loaded.diagnostics.length) throw invalidRunbookError(loaded);
  return asProcess(loaded);
}

export function loadAll(dir: string): { runbooks: Array<{ runbook: Runbook; file: string }>; invalid: LoadedFile[] } {
  let entries;
  try {
    entries = listRunbookFiles(dir);
  } catch (e) {
    throw new CliError(`cannot read runbook directory ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const runbooks: Array<{ runbook: Runbook; file: string }> = [];
  const invalid: LoadedFile[] = [];
  for (const entry of entries) {
    const loaded = readOrFail(entry.file);
    if (loaded.diagnostics.length) invalid.push(loaded);
    else runbooks.push({ runbook: asRunbook(loaded), file: entry.file });
  }
  return { runbooks, invalid };
}
