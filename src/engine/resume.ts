// Reading a journal back into what a resumed run needs: which steps finished
// (their results restore conditions), which writes started and never reported
// back (their outcome is unknown), the option chosen, reminders already given.
import type { EngineEvent, EventOf, Outcome, RunbookRef, RunOptionsRecord } from './events.js';
import type { JournalContents } from './journal.js';

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
