// A real incident becomes a drill: a scenario written from a run's journal.
// Each step's journaled result (already redacted) becomes its answer and its
// duration the time it takes; what the steps answered after the chosen
// option's last write becomes that write's `after`, so resolve passes after
// it and, as in the incident, not before. The run's recommendation, option
// and time to recovery become the expectation.
import type { EngineEvent, EventOf } from '../engine/events.js';
import { MASK } from '../shared/mask-url.js';
import type { Answer, Scenario, StepAnswers } from './scenario.js';

export class FromRunError extends Error {}

/** "45s", "3m", "1h": whole seconds at least, in the largest unit that is exact. */
export function durationText(ms: number): string {
  const s = Math.max(1, Math.round(ms / 1000));
  if (s % 3600 === 0) return `${s / 3600}h`;
  if (s % 60 === 0) return `${s / 60}m`;
  return `${s}s`;
}

function answerOf(e: EventOf<'step-finished'>): StepAnswers | undefined {
  const takes = durationText(e.durationMs);
  if (e.kind === 'manual' || e.kind === 'message') return { takes };
  if (e.status === 'failed' && (e.reason === 'unreachable' || e.reason === 'timeout' || e.result === undefined)) return { takes, fails: e.summary };
  if (e.status !== 'ok' && e.status !== 'failed') return undefined;
  if (e.kind === 'run') {
    const r = (e.result ?? {}) as { exitCode?: number | null; stdout?: string; stderr?: string };
    const a: Answer = { takes, exit: typeof r.exitCode === 'number' ? r.exitCode : 1 };
    if (r.stdout) a.stdout = r.stdout;
    if (r.stderr) a.stderr = r.stderr;
    return a;
  }
  return { takes, ...(e.result !== undefined ? { result: e.result } : {}), summary: e.summary };
}

export interface FromRun {
  scenario: Scenario;
  /** The run's id, for the story and the file name. */
  runId: string;
}

export function scenarioFromEvents(events: EngineEvent[], runId: string): FromRun {
  const started = events.find((e): e is EventOf<'run-started'> => e.type === 'run-started');
  if (!started) throw new FromRunError(`run ${runId} has no run-started event: its journal lost its first line`);
  const finished = [...events].reverse().find((e): e is EventOf<'run-finished'> => e.type === 'run-finished');
  if (!finished) throw new FromRunError(`run ${runId} has not finished (or was killed): a scenario needs a run that ended`);
  if (started.options.dryRun) throw new FromRunError(`run ${runId} was a dry-run: its writes never ran, so nothing in it shows what fixed the incident`);
  if (finished.outcome !== 'resolved') throw new FromRunError(`run ${runId} ended ${finished.outcome}: a scenario needs a run whose resolve passed, to know which option resolves it`);
  const chosen = [...events].reverse().find((e): e is EventOf<'decision-made'> => e.type === 'decision-made' && e.decision === 'option')?.value;
  const needed = events.find((e): e is EventOf<'decision-needed'> => e.type === 'decision-needed');
  const recommended = needed ? (needed.choices.find((c) => c.recommended)?.id ?? null) : undefined;

  // The last write of the chosen option: what changed the world.
  const finishes = events.filter((e): e is EventOf<'step-finished'> => e.type === 'step-finished');
  const lastWrite = [...finishes].reverse().find((e) => e.stage === 'mitigate' && e.status === 'ok' && (e.effect === 'write' || e.kind === 'manual') && (!chosen || e.optionId === chosen));
  const turn = lastWrite ? finishes.indexOf(lastWrite) : -1;
  const before: Record<string, StepAnswers> = {};
  const after: Record<string, StepAnswers> = {};
  finishes.forEach((e, i) => {
    const a = answerOf(e);
    if (!a) return;
    // What was seen only after the fix is known only after it: before, those reads have no answer (and fail).
    if (turn >= 0 && i > turn) after[e.stepId] = a;
    else before[e.stepId] = a;
  });
  // The values the operator gave (--set, env); defaults come from the runbook; secrets stay out (they are masked anyway).
  const given = (k: string): boolean => ['set', 'env'].includes(started.paramSources?.[k] ?? '');
  const plain = (v: unknown): boolean => (typeof v === 'string' && !v.includes(MASK) && v !== '***') || typeof v === 'number' || typeof v === 'boolean';
  const publicParams = Object.fromEntries(Object.entries(started.params).filter(([k, v]) => given(k) && plain(v))) as Record<string, string | number | boolean>;
  const start = Date.parse(started.startedAt);
  const recoveredMs = Math.max(60_000, finished.elapsedMs);
  const budget = `${Math.ceil((recoveredMs * 1.25) / 300_000) * 5}m`;
  const alert = started.alert ? ` Alert: ${started.alert.name}${started.alert.startsAt ? `, firing since ${started.alert.startsAt}` : ''}.` : '';
  const scenario: Scenario = {
    runbook: started.runbook.id,
    title: `Run ${runId}`,
    story: `A replay of run ${runId} (${started.runbook.title}), started ${started.startedAt} by ${started.user}.${alert} Every answer is what that run observed.`,
    startsAt: new Date(Math.floor(start / 60_000) * 60_000).toISOString().replace(/\.000Z$/, 'Z'),
    ...(Object.keys(publicParams).length ? { params: publicParams } : {}),
    steps: before,
    ...(lastWrite && Object.keys(after).length ? { after: [{ ran: lastWrite.stepId, steps: after }] } : {}),
    expect: {
      ...(recommended !== undefined ? { recommended } : {}),
      resolves: chosen ? [chosen] : [],
      budget,
    },
  };
  if (!chosen) throw new FromRunError(`run ${runId} chose no mitigation option: there is nothing for a drill to choose`);
  return { scenario, runId };
}
