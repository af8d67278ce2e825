// Reading one runbook file: YAML with positions, then the schema.
import { readFileSync } from 'node:fs';
import type { Diagnostic } from './diagnostic.js';
import { validateAgainstSchema, type SchemaName } from './schema.js';
import { decodeUtf8, parseSource, type SourceFile } from './source.js';
import type { Process, Runbook } from './types.js';

export interface LoadedFile {
  file: string;
  kind: SchemaName;
  source: SourceFile;
  /** Present when the YAML parsed; trust it only when `diagnostics` is empty. */
  value: unknown;
  diagnostics: Diagnostic[];
}

export interface LoadedRunbook extends LoadedFile {
  kind: 'runbook';
  runbook: Runbook;
}

export function kindOf(value: unknown): SchemaName {
  if (!value || typeof value !== 'object') return 'runbook';
  const v = value as { kind?: unknown; runbook?: unknown; expect?: unknown };
  if (v.kind === 'process') return 'process';
  // A rehearsal scenario names its runbook and what to expect (schemas/scenario.schema.json).
  if (typeof v.runbook === 'string' && v.expect !== undefined) return 'scenario';
  return 'runbook';
}

export function loadText(file: string, text: string): LoadedFile {
  const { source, errors, value } = parseSource(file, text);
  if (errors.length) return { file, kind: 'runbook', source, value: undefined, diagnostics: errors };
  const kind = kindOf(value);
  return { file, kind, source, value, diagnostics: validateAgainstSchema(kind, value, source) };
}

/** Throws only for unreadable files (the caller reports those as usage errors). */
export function loadFile(file: string): LoadedFile {
  const decoded = decodeUtf8(readFileSync(file));
  if ('text' in decoded) return loadText(file, decoded.text);
  const { source } = parseSource(file, '');
  return { file, kind: 'runbook', source, value: undefined, diagnostics: [{ file, line: decoded.line, column: decoded.column, severity: 'error', ruleId: 'yaml-syntax', message: decoded.message }] };
}

export function asRunbook(loaded: LoadedFile): Runbook {
  return loaded.value as Runbook;
}

export function asProcess(loaded: LoadedFile): Process {
  return loaded.value as Process;
}
