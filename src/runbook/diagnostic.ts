// One problem found in a runbook file, pointing at a line and column (1-based).
import type { DocPath } from './source.js';

export type DiagnosticSeverity = 'error' | 'warning';

export interface Diagnostic {
  file: string;
  line: number;
  column: number;
  /** Where the problem ends (the column just after it), when known. */
  endLine?: number;
  endColumn?: number;
  /** The node in the document (Spectral's `path`); absent for YAML syntax and file problems. */
  path?: DocPath;
  severity: DiagnosticSeverity;
  ruleId: string;
  message: string;
}

/** `file:line:col: message [rule-id]`: the one-line form used for errors outside lint. */
export function formatDiagnosticLine(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.column}: ${d.message} [${d.ruleId}]`;
}
