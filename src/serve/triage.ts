// One alert's triage: the matched runbook's detect and triage stages and the
// mitigation recommendation, as an engine dry-run that nobody is asked in.
// Writes are only ever planned: the engine's dry-run enforces that, whatever
// the runbook says. The run is journaled like any other (with the alert).
import { sha256, openJournal, refuseUnlinted, params } from '../cli/run.js';
import { buildEngine } from '../cli/engine-factory.js';
import { loadRunbookById } from '../cli/catalog-loader.js';
import type { MatchedRunbook } from '../alerts/resolve.js';
import type { AlertParams } from '../alerts/params.js';
import type { IncomingAlert } from '../alerts/payload.js';
import type { Engine } from '../engine/engine.js';
import { journalFile, newRunId } from '../engine/journal.js';
import { NonInteractivePrompter } from '../engine/prompter.js';
import type { Runbook } from '../runbook/types.js';
import { emptyVerdict, verdictCollector, type Verdict } from './verdict.js';

export interface TriageSetup {
  runbooksDir: string;
  stateDir: string;
}

/** The runbook up to the recommendation: mitigation options keep their
 *  `recommend` and `evidence` but run nothing; communicate and resolve go. */
export function triageView(runbook: Runbook): Runbook {
  const { detect, triage, mitigate } = runbook.stages;
  return {
    ...runbook,
    stages: {
      ...(detect ? { detect } : {}),
      ...(triage ? { triage } : {}),
      ...(mitigate ? { mitigate: { ...mitigate, steps: [], options: mitigate.options.map((o) => ({ ...o, steps: [] })) } } : {}),
      resolve: { steps: [] },
    } as Runbook['stages'],
  };
}

// Lint is what catches a mutating command declared `read`; its verdict is kept
// per file content, so a receiver lints each runbook once, not per alert.
const linted = new Map<string, Promise<void>>();

export function lintOnce(file: string, text: string): Promise<void> {
  const key = `${file}\0${sha256(text)}`;
  let p = linted.get(key);
  if (!p) {
    p = refuseUnlinted(file);
    p.catch(() => undefined);
    linted.set(key, p);
  }
  return p;
}

export interface RunningTriage {
  engine?: Engine;
}

/** What a triage needs of the match, as plain data: it crosses to a triage process. */
export interface TriageTarget {
  runbook: { id: string; title: string };
  command: string;
  params: Pick<AlertParams, 'values' | 'rejected'>;
}

export function triageTarget(m: MatchedRunbook): TriageTarget {
  return { runbook: { id: m.runbook.id, title: m.runbook.title }, command: m.command, params: { values: m.params.values, rejected: m.params.rejected } };
}

/** Runs the triage; never throws for a problem of the alert or the runbook (the verdict says it). */
export async function triageAlert(setup: TriageSetup, alert: IncomingAlert, fingerprint: string, match: TriageTarget, running: RunningTriage = {}): Promise<Verdict> {
  const v = emptyVerdict(alert.name, fingerprint);
  v.runbook = { id: match.runbook.id, title: match.runbook.title };
  v.command = match.command;
  if (match.params.rejected.length) {
    v.problem = `${match.params.rejected.map((r) => `${r.param} (${r.source}: ${r.reason})`).join('; ')} did not pass the parameter's check`;
    return v;
  }
  try {
    const { runbook, file, loaded } = loadRunbookById(setup.runbooksDir, match.runbook.id);
    await lintOnce(file, loaded.source.text);
    const p = params(runbook, new Map(Object.entries(match.params.values)), process.env);
    const runId = newRunId(runbook.id, Date.now());
    const ref = { name: alert.name, labels: alert.labels, fingerprint, ...(alert.startsAt ? { startsAt: alert.startsAt } : {}) };
    const engine = await buildEngine(
      { runId, runbook: triageView(runbook), file, source: loaded.source, hash: sha256(loaded.source.text), params: p, stateDir: setup.stateDir, runbooksDir: setup.runbooksDir, prompter: new NonInteractivePrompter() },
      { dryRun: true, nonInteractive: true, approve: [], alert: ref },
    );
    const journal = openJournal(journalFile(setup.stateDir, runId));
    engine.subscribe((e) => journal.write(e), { critical: true });
    engine.subscribe(verdictCollector(v));
    v.runId = runId;
    running.engine = engine;
    try {
      await engine.run();
    } finally {
      journal.close();
    }
    return v;
  } catch (e) {
    v.problem = (e as Error).message.split('\n')[0];
    return v;
  }
}
