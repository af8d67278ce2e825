// Which runbooks an alert belongs to. A runbook matches when one of its
// `alerts[]` has the alert's exact alertname and none of that entry's labels
// contradicts the alert's; more matching labels rank higher, then the more
// severe runbook, then the id. No match: the closest runbooks by alertname
// edit distance and shared labels, so the operator sees what almost fit.
import leven from 'leven';
import type { Alert, Runbook } from '../runbook/types.js';
import { findLabel } from './labels.js';
import type { IncomingAlert } from './payload.js';

export interface CatalogEntry {
  runbook: Runbook;
  file?: string;
}

export interface RunbookMatch {
  runbook: Runbook;
  file?: string;
  /** The runbook's alerts[] entry that matched. */
  entry: Alert;
  /** Runbook labels the alert carries with the same value. */
  matchedLabels: string[];
  /** Runbook labels the alert does not carry at all (neither confirm nor contradict). */
  absentLabels: string[];
  /** "alertname KafkaConsumerGroupLag; label group=dispatch-engine" */
  why: string;
}

export interface ClosestRunbook {
  runbook: Runbook;
  file?: string;
  alertname: string;
  /** Edit distance between the alertnames (case-insensitive). */
  distance: number;
  sharedLabels: string[];
  /** Labels whose values differ, when the alertname is the same. */
  contradicted: string[];
  why: string;
}

export function matchAlert(alert: IncomingAlert, catalog: readonly CatalogEntry[]): RunbookMatch[] {
  const matches: RunbookMatch[] = [];
  for (const { runbook, file } of catalog) {
    let best: RunbookMatch | undefined;
    for (const entry of runbook.alerts ?? []) {
      if (entry.alertname !== alert.name) continue;
      const { matched, absent, contradicted } = compareLabels(entry, alert);
      if (contradicted.length) continue;
      if (best && best.matchedLabels.length >= matched.length) continue;
      best = { runbook, ...(file ? { file } : {}), entry, matchedLabels: matched, absentLabels: absent, why: matchWhy(entry, alert, matched, absent) };
    }
    if (best) matches.push(best);
  }
  return matches.sort(
    (a, b) =>
      b.matchedLabels.length - a.matchedLabels.length ||
      severityRank(a.runbook) - severityRank(b.runbook) ||
      a.runbook.id.localeCompare(b.runbook.id, 'en', { numeric: true }),
  );
}

/** The matches that rank as high as the first, severity aside: the ones an operator has to choose between. */
export function topMatches(ranked: readonly RunbookMatch[]): RunbookMatch[] {
  const first = ranked[0];
  return first ? ranked.filter((m) => m.matchedLabels.length === first.matchedLabels.length) : [];
}

export function closestRunbooks(alert: IncomingAlert, catalog: readonly CatalogEntry[], limit = 3): ClosestRunbook[] {
  const wanted = alert.name.toLowerCase();
  const out: ClosestRunbook[] = [];
  for (const { runbook, file } of catalog) {
    let best: ClosestRunbook | undefined;
    for (const entry of runbook.alerts ?? []) {
      const distance = leven(wanted, entry.alertname.toLowerCase());
      const { matched, contradicted } = compareLabels(entry, alert);
      const sameName = entry.alertname === alert.name;
      const candidate: ClosestRunbook = {
        runbook,
        ...(file ? { file } : {}),
        alertname: entry.alertname,
        distance,
        sharedLabels: matched,
        contradicted: sameName ? contradicted : [],
        why: closestWhy(entry, alert, distance, matched, sameName ? contradicted : []),
      };
      if (!best || closer(candidate, best) < 0) best = candidate;
    }
    if (best) out.push(best);
  }
  return out
    .sort((a, b) => closer(a, b) || a.runbook.id.localeCompare(b.runbook.id, 'en', { numeric: true }))
    .slice(0, limit);
}

function closer(a: ClosestRunbook, b: ClosestRunbook): number {
  return a.distance - b.distance || b.sharedLabels.length - a.sharedLabels.length;
}

function compareLabels(entry: Alert, alert: IncomingAlert): { matched: string[]; absent: string[]; contradicted: string[] } {
  const matched: string[] = [];
  const absent: string[] = [];
  const contradicted: string[] = [];
  for (const [key, value] of Object.entries(entry.labels ?? {})) {
    const actual = findLabel(alert.labels, key)?.value;
    if (actual === undefined) absent.push(key);
    else if (actual === String(value)) matched.push(key);
    else contradicted.push(key);
  }
  return { matched, absent, contradicted };
}

function matchWhy(entry: Alert, alert: IncomingAlert, matched: string[], absent: string[]): string {
  const labels = entry.labels ?? {};
  const carrier = (k: string) => findLabel(alert.labels, k)!.label;
  return [
    `alertname ${entry.alertname}`,
    ...matched.map((k) => `label ${k}=${labels[k]}${carrier(k) === k ? '' : ` (as ${carrier(k)})`}`),
    ...absent.map((k) => `label ${k} not on the alert (runbook expects ${labels[k]})`),
  ].join('; ');
}

function closestWhy(entry: Alert, alert: IncomingAlert, distance: number, shared: string[], contradicted: string[]): string {
  const labels = entry.labels ?? {};
  const parts: string[] = [];
  if (contradicted.length) {
    parts.push(
      `alertname ${entry.alertname} matches, but ${contradicted.map((k) => {
        const found = findLabel(alert.labels, k)!;
        return `label ${found.label}=${found.value} is not ${labels[k]}`;
      }).join(', ')}`,
    );
  } else if (distance === 0) parts.push(`alertname ${entry.alertname} differs only in case`);
  else parts.push(`alertname ${entry.alertname} is ${distance} edit${distance === 1 ? '' : 's'} away`);
  if (shared.length) parts.push(`shares ${shared.map((k) => `${k}=${labels[k]}`).join(', ')}`);
  return parts.join('; ');
}

function severityRank(runbook: Runbook): number {
  const n = Number(/^SEV-(\d)$/.exec(runbook.severity)?.[1]);
  return Number.isFinite(n) ? n : 9;
}
