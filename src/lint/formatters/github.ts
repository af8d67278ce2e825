// `--format github`: workflow commands that GitHub Actions turns into
// annotations on the pull request's diff.
// https://docs.github.com/actions/reference/workflow-commands-for-github-actions
import type { LintResult } from '../runner.js';

/** Message text: %, CR and LF are escaped. */
function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Property values additionally escape the separators ":" and ",". */
function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function formatGithub(result: LintResult): string {
  const lines: string[] = [];
  for (const f of result.files) {
    for (const d of f.diagnostics) {
      const props = `file=${escapeProperty(d.file)},line=${d.line},col=${d.column},title=${escapeProperty(`oncall ${d.ruleId}`)}`;
      lines.push(`::${d.severity === 'error' ? 'error' : 'warning'} ${props}::${escapeData(`${d.message} [${d.ruleId}]`)}`);
    }
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}
