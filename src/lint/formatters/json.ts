// `--format json`: one array of {file, line, column, severity, ruleId, message}.
import type { LintResult } from '../runner.js';

export function formatJson(result: LintResult): string {
  const all = result.files.flatMap((f) =>
    f.diagnostics.map((d) => ({ file: d.file, line: d.line, column: d.column, severity: d.severity, ruleId: d.ruleId, message: d.message })),
  );
  return `${JSON.stringify(all, null, 2)}\n`;
}
