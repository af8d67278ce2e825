// oncall list [--json]: id, title, severity, alerts.
import { Chalk, type ChalkInstance } from 'chalk';
import { formatDiagnosticLine } from '../runbook/diagnostic.js';
import { loadAll, resolveDir } from './catalog-loader.js';
import { EXIT } from './exit-codes.js';
import { printError, printJson, useColor } from './output.js';

export function listCommand(opts: { runbooks?: string; json?: boolean; color?: boolean }): void {
  const { runbooks, invalid } = loadAll(resolveDir(opts));
  const rows = runbooks.map(({ runbook, file }) => ({
    id: runbook.id,
    title: runbook.title,
    severity: runbook.severity,
    alerts: runbook.alerts.map((a) => a.alertname),
    file,
  }));
  if (opts.json) printJson(rows);
  else {
    const c = new Chalk({ level: useColor(opts) ? 1 : 0 });
    const idWidth = Math.max(2, ...rows.map((r) => r.id.length));
    const titleWidth = Math.max(5, ...rows.map((r) => r.title.length));
    for (const r of rows) {
      process.stdout.write(
        `${c.bold(r.id.padEnd(idWidth))}  ${severityColor(c, r.severity)}  ${r.title.padEnd(titleWidth)}  ${c.dim(r.alerts.join(', '))}\n`,
      );
    }
  }
  for (const loaded of invalid) printError(`invalid runbook: ${formatDiagnosticLine(loaded.diagnostics[0]!)}`);
  if (invalid.length) process.exitCode = EXIT.usage;
}

function severityColor(c: ChalkInstance, severity: string): string {
  if (severity === 'SEV-1') return c.red.bold(severity);
  if (severity === 'SEV-2') return c.yellow(severity);
  return c.cyan(severity);
}
