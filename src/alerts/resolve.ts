// From alert input to runbooks: every firing alert ranked against the
// catalog, with the parameters it fills and the command to run. `oncall
// alert` prints this; `oncall run --alert` and `oncall serve` take one choice.
import { commandLine, runArgv, type RunCommandOptions } from './command.js';
import { closestRunbooks, matchAlert, topMatches, type CatalogEntry, type ClosestRunbook, type RunbookMatch } from './match.js';
import { paramsFromAlert, type AlertParams } from './params.js';
import { parseAlertInput, type AlertInput, type IncomingAlert } from './payload.js';

export interface MatchedRunbook extends RunbookMatch {
  params: AlertParams;
  /** `oncall run ID --set k=v …` with the values that passed their checks. */
  argv: string[];
  command: string;
}

export interface AlertOutcome {
  alert: IncomingAlert;
  /** Resolved alerts are listed, not matched. */
  ignored?: 'resolved';
  /** Best first. */
  matches: MatchedRunbook[];
  /** Only when a firing alert matched nothing. */
  closest: ClosestRunbook[];
}

export interface AlertReport {
  input: AlertInput;
  outcomes: AlertOutcome[];
}

export function matchAlerts(input: AlertInput, catalog: readonly CatalogEntry[], opts: RunCommandOptions = {}): AlertReport {
  const outcomes = input.alerts.map((alert): AlertOutcome => {
    if (alert.status === 'resolved') return { alert, ignored: 'resolved', matches: [], closest: [] };
    const matches = matchAlert(alert, catalog).map((m) => withParams(m, alert, opts));
    return { alert, matches, closest: matches.length ? [] : closestRunbooks(alert, catalog) };
  });
  return { input, outcomes };
}

/** Parses and matches; throws AlertInputError on input that is not an alert. */
export function alertReport(text: string, catalog: readonly CatalogEntry[], opts: RunCommandOptions = {}): AlertReport {
  return matchAlerts(parseAlertInput(text), catalog, opts);
}

export function everyFiringAlertMatched(report: AlertReport): boolean {
  return report.outcomes.every((o) => o.ignored || o.matches.length > 0);
}

export interface AlertChoice {
  alert: IncomingAlert;
  match: MatchedRunbook;
}

/** What `run --alert` starts: exactly one runbook with its values, or a list to choose from. */
export type RunbookChoice =
  | { kind: 'one'; choice: AlertChoice; report: AlertReport }
  | { kind: 'several'; choices: AlertChoice[]; report: AlertReport }
  | { kind: 'none'; report: AlertReport }
  | { kind: 'nothing-firing'; report: AlertReport };

/**
 * The runbook to run for this input. Candidates are, for every firing alert,
 * the matches that rank first on labels (severity only orders them); the same
 * runbook with the same values from several alerts counts once. Throws
 * AlertInputError on bad input.
 */
export function chooseRunbookForAlert(text: string, catalog: readonly CatalogEntry[], opts: RunCommandOptions = {}): RunbookChoice {
  const report = alertReport(text, catalog, opts);
  const firing = report.outcomes.filter((o) => !o.ignored);
  if (firing.length === 0) return { kind: 'nothing-firing', report };
  const seen = new Set<string>();
  const choices: AlertChoice[] = [];
  for (const outcome of firing) {
    const top = topMatches(outcome.matches) as MatchedRunbook[];
    for (const match of top) {
      const key = JSON.stringify([match.runbook.id, Object.entries(match.params.values).sort()]);
      if (seen.has(key)) continue;
      seen.add(key);
      choices.push({ alert: outcome.alert, match });
    }
  }
  if (choices.length === 0) return { kind: 'none', report };
  if (choices.length === 1) return { kind: 'one', choice: choices[0]!, report };
  return { kind: 'several', choices, report };
}

function withParams(m: RunbookMatch, alert: IncomingAlert, opts: RunCommandOptions): MatchedRunbook {
  const params = paramsFromAlert(m.runbook, alert);
  const argv = runArgv(m.runbook.id, params.values, opts);
  return { ...m, params, argv, command: commandLine(argv) };
}
