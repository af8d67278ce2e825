// Reading a journal back into what a resumed run needs: which steps finished
// (their results restore conditions), which writes started and never reported
// back (their outcome is unknown), the option chosen, reminders already given.
import type { Runbook } from '../runbook/types.js';
import type { EngineEvent, EventOf, Outcome, RunbookRef, RunOptionsRecord } from './events.js';
import { digestMatches } from './fingerprint.js';
import type { JournalContents } from './journal.js';
import type { ResolvedParams } from './params.js';
import { MASK } from './redact.js';

export interface ResumeState {
  runId: string;
  /** When the original run started (ms since epoch): the run clock goes on from there. */
  startedAt: number;
  runbook: RunbookRef;
  /** Parameters as journaled (secret ones are "***" and must be supplied again). */
  params: Record<string, unknown>;
  paramSources: Record<string, string>;
  secretDigests: Record<string, string>;
  options: RunOptionsRecord;
  /** The last step-finished of each step. */
  finished: Map<string, EventOf<'step-finished'>>;
  /** Writes that started and have no finished entry: their outcome is unknown. */
  inDoubt: Set<string>;
  /** In-doubt writes that were interrupted part-way, with how far they got
   *  ("interrupted after deleting 715,000 of ~1,285,000 keys"). */
  partWay: Map<string, string>;
  /** The process group each in-doubt write was started as, when the journal has it. */
  inDoubtPids: Map<string, number>;
  option?: string;
  /** Reminders already given (kind + message). */
  reminders: Set<string>;
  lastSeq: number;
  lastOutcome?: Outcome;
  torn: boolean;
  bad: number;
  /** Their line numbers in the journal. */
  badLines: number[];
}

export class JournalError extends Error {}

/** A resume that would not act on the values the run started with. */
export class ResumeRefused extends Error {}

export function reminderKey(kind: string, message: string, after?: string): string {
  return `${kind}:${after ?? ''}:${message}`;
}

export function resumeStateFrom(contents: JournalContents): ResumeState {
  const events = contents.events;
  const start = events.find((e): e is EventOf<'run-started'> => e.type === 'run-started');
  if (!start) throw new JournalError('the journal has no run-started entry');
  const finished = new Map<string, EventOf<'step-finished'>>();
  const startedWrites = new Map<string, number>();
  const spawned = new Map<string, number>();
  const finishedAt = new Map<string, number>();
  const partWay = new Map<string, string>();
  const reminders = new Set<string>();
  let option: string | undefined;
  let lastOutcome: Outcome | undefined;
  let lastSeq = 0;
  const options = start.options;
  events.forEach((e: EngineEvent, i) => {
    lastSeq = Math.max(lastSeq, e.seq ?? 0);
    switch (e.type) {
      case 'step-started':
        if (e.effect === 'write') startedWrites.set(e.stepId, i);
        break;
      case 'step-spawned':
        spawned.set(e.stepId, e.pid);
        break;
      case 'step-finished':
        // A step the operator stopped at is asked again on resume, like one interrupted.
        if (e.status === 'interrupted' || e.status === 'stopped') {
          if (hasProgress(e.result)) partWay.set(e.stepId, e.summary);
          break;
        }
        finished.set(e.stepId, e);
        finishedAt.set(e.stepId, i);
        break;
      case 'decision-made':
        if (e.decision === 'option') option = e.value;
        break;
      case 'reminder':
        reminders.add(reminderKey(e.kind, e.message, e.after));
        break;
      case 'run-finished':
        lastOutcome = e.outcome;
        break;
      default:
        break;
    }
  });
  const inDoubt = new Set<string>();
  for (const [id, i] of startedWrites) {
    if ((finishedAt.get(id) ?? -1) < i) {
      inDoubt.add(id);
      finished.delete(id);
    }
  }
  return {
    runId: start.runId,
    startedAt: Date.parse(start.startedAt ?? start.at),
    runbook: start.runbook,
    params: start.params,
    paramSources: start.paramSources ?? {},
    secretDigests: start.secretDigests ?? {},
    options,
    finished,
    inDoubt,
    partWay: new Map([...partWay].filter(([id]) => inDoubt.has(id))),
    inDoubtPids: new Map([...inDoubt].filter((id) => spawned.has(id)).map((id) => [id, spawned.get(id)!])),
    option,
    reminders,
    lastSeq,
    lastOutcome,
    torn: contents.torn,
    bad: contents.bad,
    badLines: contents.badLines ?? [],
  };
}

function hasProgress(result: unknown): boolean {
  return typeof result === 'object' && result !== null && typeof (result as { progress?: unknown }).progress === 'object';
}

/**
 * The parameter values a resumed run uses: those the journal holds, plus what
 * `--set` supplies that the journal cannot hold (secrets) or never had. A
 * `--set` never rewrites a value the run already used.
 */
export function resumedParamSets(state: ResumeState, runbook: Runbook, sets: Iterable<[string, string]>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(state.params)) {
    if (v === MASK || !runbook.params?.[k]) continue;
    out.set(k, String(v));
  }
  for (const [k, v] of sets) {
    const journaled = state.params[k];
    if (journaled !== undefined && journaled !== MASK && String(journaled) !== v) {
      throw new ResumeRefused(`parameter "${k}" was "${journaled}" in run ${state.runId}; a resumed run keeps its values (start a new run to change it)`);
    }
    out.set(k, v);
  }
  return out;
}

/**
 * Secrets are journaled as keyed fingerprints: a resumed run must act on the
 * very values the original run showed and had approved, not on a default.
 */
export function checkResumedSecrets(state: ResumeState, runbook: Runbook, p: ResolvedParams, key: Buffer): void {
  const runId = state.runId;
  for (const name of p.secretNames) {
    const how = `--set ${name}=…${runbook.params?.[name]?.env ? ` or env ${runbook.params[name]!.env}` : ''}`;
    const digest = state.secretDigests[name];
    const now = p.sources[name] === 'unset' ? undefined : String(p.values[name]);
    if (digest === undefined) {
      if (state.params[name] === MASK && now === undefined) {
        throw new ResumeRefused(`secret parameter "${name}" is not in the journal; give it again with ${how} to resume`);
      }
      continue;
    }
    if (now !== undefined && digestMatches(digest, runId, now, key)) continue;
    const was = state.paramSources[name] === 'default' ? 'its default' : `a value given by ${state.paramSources[name] === 'env' ? 'env' : '--set'}`;
    throw new ResumeRefused(
      now === undefined || p.sources[name] === 'default'
        ? `secret parameter "${name}" had ${was} when run ${runId} started; give the same value again with ${how} to resume`
        : `secret parameter "${name}" is not the value run ${runId} started with; resume with the same value (${how})`,
    );
  }
}
