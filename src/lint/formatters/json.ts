// `--format json`: one array of {file, line, column, endLine, endColumn, path,
// severity, ruleId, message}. `path` is the node in the document
// (stages.detect.steps[0].run), null for problems that are not at a node
// (YAML syntax, unreadable or oversized files).
import { docPathText } from '../doc-path.js';
import type { LintResult } from '../runner.js';

export function formatJson(result: LintResult): string {
  const all = result.files.flatMap((f) =>
    f.diagnostics.map((d) => ({
      file: d.file,
      line: d.line,
      column: d.column,
      endLine: d.endLine,
      endColumn: d.endColumn,
      path: d.path ? docPathText(d.path) : null,
      severity: d.severity,
      ruleId: d.ruleId,
      message: d.message,
    })),
  );
  return `${JSON.stringify(all, null, 2)}\n`;
}
