// One problem found in a runbook file, pointing at a line and column (1-based).

export type DiagnosticSeverity = 'error' | 'warning';

export interface Diagnostic {
  file: string;
  line: number;
  column: number;
  severity: DiagnosticSeverity;
  ruleId: string;
  message: string;
}

/** `file:line:col: message [rule-id]`: the one-line form used for errors outside lint. */
export function formatDiagnosticLine(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.column}: ${d.message} [${d.ruleId}]`;
}
