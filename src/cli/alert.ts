// oncall alert [FILE|-] [--json]: which runbook an Alertmanager payload, an
// alert, or an alert title belongs to, with the command to run it. Exit 0 when
// every firing alert matched a runbook, 1 when one did not, 2 on bad input.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Chalk, type ChalkInstance } from 'chalk';
import { AlertInputError, parseAlertInput, type IncomingAlert } from '../alerts/payload.js';
import { reportJson, stringifyForTerminal } from '../alerts/report-json.js';
import { everyFiringAlertMatched, matchAlerts, type AlertOutcome, type AlertReport, type MatchedRunbook } from '../alerts/resolve.js';
import { formatDiagnosticLine } from '../runbook/diagnostic.js';
import { escapeControls } from '../ui/control-chars.js';
import { loadAll, resolveDir } from './catalog-loader.js';
import { CliError, EXIT } from './exit-codes.js';
import { printError, useColor } from './output.js';

export interface AlertOptions {
  runbooks?: string;
  json?: boolean;
  color?: boolean;
}

export async function alertCommand(file: string | undefined, opts: AlertOptions): Promise<void> {
  const { text, name } = await readInput(file);
  let input;
  try {
    input = parseAlertInput(text);
  } catch (e) {
    if (e instanceof AlertInputError) {
      const at = e.line !== undefined ? `:${e.line}:${e.column}` : '';
      throw new CliError(`${name}${at}: ${escapeControls(e.message)}`, EXIT.usage);
    }
    throw e;
  }
  const { runbooks, invalid } = loadAll(resolveDir(opts));
  for (const loaded of invalid) printError(`skipped invalid runbook: ${formatDiagnosticLine(loaded.diagnostics[0]!)}`);
  const report = matchAlerts(input, runbooks, opts.runbooks ? { runbooks: resolve(opts.runbooks) } : {});
  if (opts.json) process.stdout.write(`${stringifyForTerminal(reportJson(report))}\n`);
  else process.stdout.write(renderText(report, new Chalk({ level: useColor(opts) ? 1 : 0 })));
  process.exitCode = everyFiringAlertMatched(report) ? EXIT.ok : EXIT.problems;
}

export async function readInput(file: string | undefined): Promise<{ text: string; name: string }> {
  if (file !== undefined && file !== '-') {
    try {
      return { text: readFileSync(file, 'utf8'), name: file };
    } catch (e) {
      throw new CliError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, EXIT.usage);
    }
  }
  // Waiting on a terminal would look like a hang at 3 a.m.
  if (process.stdin.isTTY) {
    throw new CliError('no alert given: pass a FILE, or pipe a payload or an alert title into `oncall alert -`', EXIT.usage);
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return { text: Buffer.concat(chunks).toString('utf8'), name: '<stdin>' };
}

// Alert text is untrusted: every piece reaches the terminal escaped and on one
// line, before any colour is added.
function safe(text: string): string {
  return escapeControls(text).replace(/\n/g, '\\n');
}

function renderText(report: AlertReport, c: ChalkInstance): string {
  const out: string[] = [];
  const { truncatedAlerts } = report.input;
  if (truncatedAlerts) out.push(c.yellow(`note: Alertmanager left ${truncatedAlerts} alert(s) out of this payload (max_alerts)`));
  for (const outcome of report.outcomes) out.push(...renderOutcome(outcome, c));
  return `${out.join('\n')}\n`;
}

function renderOutcome(o: AlertOutcome, c: ChalkInstance): string[] {
  const out = [`${c.bold(safe(o.alert.name))}  ${safe(describeAlert(o.alert))}`];
  if (o.ignored) {
    out.push(c.dim('  resolved: ignored'));
    return out;
  }
  const [best, ...others] = o.matches;
  if (!best) {
    out.push(c.red(safe(`  no runbook matches alertname ${o.alert.name}${o.closest.length ? '; closest:' : ''}`)));
    for (const near of o.closest) out.push(safe(`    ${near.runbook.id} ${near.runbook.title} (${near.runbook.severity}): ${near.why}`));
    return out;
  }
  out.push(...renderMatch(best, c, '  '));
  if (others.length) {
    out.push('  also matches:');
    for (const m of others) out.push(safe(`    ${m.runbook.id} ${m.runbook.title} (${m.runbook.severity}): ${m.why}`), safe(`      ${m.command}`));
  }
  return out;
}

function renderMatch(m: MatchedRunbook, c: ChalkInstance, indent: string): string[] {
  const out = [
    `${indent}${c.bold(safe(m.runbook.id))} ${safe(`${m.runbook.title} (${m.runbook.severity})`)}`,
    `${indent}  ${safe(m.command)}`,
    `${indent}  ${c.dim(safe(`why: ${m.why}`))}`,
  ];
  const filled = Object.entries(m.params.values).map(([k, v]) => `${k}=${v} (${m.params.sources[k]})`);
  if (filled.length) out.push(`${indent}  ${c.dim(safe(`from the alert: ${filled.join(', ')}`))}`);
  for (const r of m.params.rejected) {
    const fallback = m.runbook.params?.[r.param]?.default;
    const then = fallback !== undefined ? `${r.param} stays at its default (${fallback})` : `${r.param} has no value; set it with --set ${r.param}=VALUE`;
    out.push(`${indent}  ${c.yellow(safe(`refused ${r.source}: ${r.reason}; ${then}`))}`);
  }
  return out;
}

function describeAlert(a: IncomingAlert): string {
  const parts: string[] = [a.status];
  if (a.startsAt) parts.push(`since ${a.startsAt}`);
  if (a.environment) parts.push(`environment ${a.environment}`);
  if (a.scope) parts.push(`scope ${a.scope}`);
  // A title's environment and scope are already shown; its labels repeat them.
  const fromTitle = a.environment !== undefined;
  const labels = Object.entries(a.labels).filter(([k]) => k !== 'alertname' && !(fromTitle && (k === 'environment' || k === 'scope')));
  if (labels.length) parts.push(labels.map(([k, v]) => `${k}=${JSON.stringify(v).slice(1, -1)}`).join(' '));
  if (a.fingerprint) parts.push(`fingerprint ${a.fingerprint}`);
  return parts.join('  ');
}
