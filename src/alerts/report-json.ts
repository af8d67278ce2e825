// The machine-readable form of an alert report (`oncall alert --json`):
// plain data, runbooks by id, nothing of the runbook body.
import type { ClosestRunbook } from './match.js';
import type { AlertOutcome, AlertReport, MatchedRunbook } from './resolve.js';
import { everyFiringAlertMatched } from './resolve.js';

export function reportJson(report: AlertReport): Record<string, unknown> {
  const { input } = report;
  return {
    kind: input.kind,
    ...(input.receiver !== undefined ? { receiver: input.receiver } : {}),
    ...(input.groupKey !== undefined ? { groupKey: input.groupKey } : {}),
    ...(input.truncatedAlerts ? { truncatedAlerts: input.truncatedAlerts } : {}),
    matched: everyFiringAlertMatched(report),
    alerts: report.outcomes.map(outcomeJson),
  };
}

function outcomeJson(o: AlertOutcome): Record<string, unknown> {
  return {
    ...o.alert,
    ...(o.ignored ? { ignored: o.ignored } : {}),
    matches: o.matches.map(matchJson),
    ...(o.ignored || o.matches.length ? {} : { closest: o.closest.map(closestJson) }),
  };
}

function matchJson(m: MatchedRunbook): Record<string, unknown> {
  return {
    id: m.runbook.id,
    title: m.runbook.title,
    severity: m.runbook.severity,
    ...(m.file ? { file: m.file } : {}),
    alertname: m.entry.alertname,
    matchedLabels: m.matchedLabels,
    absentLabels: m.absentLabels,
    why: m.why,
    params: m.params.values,
    sources: m.params.sources,
    rejected: m.params.rejected,
    argv: m.argv,
    command: m.command,
  };
}

function closestJson(c: ClosestRunbook): Record<string, unknown> {
  return {
    id: c.runbook.id,
    title: c.runbook.title,
    severity: c.runbook.severity,
    ...(c.file ? { file: c.file } : {}),
    alertname: c.alertname,
    distance: c.distance,
    sharedLabels: c.sharedLabels,
    contradictedLabels: c.contradicted,
    why: c.why,
  };
}

/** JSON text whose C1 control characters are escaped too (JSON.stringify leaves them raw; some terminals obey them). */
export function stringifyForTerminal(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/[\u007f-\u009f\u2028\u2029]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
