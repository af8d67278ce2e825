// The score card of a rehearsal, read from its events: which options were
// taken, which of them left resolve failing (the wrong turns), the time to
// mitigation and to recovery on the simulated clock, against the scenario's
// budget and the best path, and what seed 001's game would say of it.
import type { EngineEvent, Outcome } from '../engine/events.js';
import { formatDuration } from '../shared/duration.js';

export interface Attempted {
  option: string;
  /** Resolve steps that did not pass after it; empty when it resolved. */
  failed: string[];
  /** Mitigation steps ended, on the simulated clock. */
  mitigatedMs?: number;
}

export interface ScoreCard {
  outcome: Outcome;
  attempts: Attempted[];
  declined: string[];
  timeToMitigationMs?: number;
  timeToRecoveryMs?: number;
  /** Every step and the time it took on the simulated clock, as the walk went. */
  elapsedMs: number;
}

/** Keeps the events a score card is made of. */
export class ScoreKeeper {
  private readonly attempts: Attempted[] = [];
  private readonly declined: string[] = [];
  private lastMitigateEnd: number | undefined;
  private inResolve = false;
  private outcome: Outcome = 'failed';
  private recoveredMs: number | undefined;
  private endMs = 0;

  readonly observe = (e: EngineEvent): void => {
    this.endMs = e.elapsedMs;
    if (e.type === 'decision-made' && e.decision === 'option') this.attempts.push({ option: e.value, failed: [] });
    if (e.type === 'stage-started') {
      this.inResolve = e.stage === 'resolve';
      if (this.inResolve && this.current) this.current.mitigatedMs = this.lastMitigateEnd;
    }
    if (e.type === 'step-finished' && e.stage === 'mitigate') this.lastMitigateEnd = e.elapsedMs;
    if (e.type === 'step-finished' && this.inResolve && e.status === 'failed' && this.current) this.current.failed.push(e.stepId);
    if (e.type === 'approval-declined' && e.reason !== 'not-approved') this.declined.push(e.stepId);
    if (e.type === 'run-finished') {
      this.outcome = e.outcome;
      if (e.outcome === 'resolved') this.recoveredMs = e.elapsedMs;
    }
  };

  private get current(): Attempted | undefined {
    return this.attempts.at(-1);
  }

  card(): ScoreCard {
    const resolvedBy = this.outcome === 'resolved' ? this.current : undefined;
    return {
      outcome: this.outcome,
      attempts: this.attempts.map((a) => ({ ...a, failed: [...a.failed] })),
      declined: [...this.declined],
      elapsedMs: this.endMs,
      ...(resolvedBy?.mitigatedMs !== undefined ? { timeToMitigationMs: resolvedBy.mitigatedMs } : {}),
      ...(this.recoveredMs !== undefined ? { timeToRecoveryMs: this.recoveredMs } : {}),
    };
  }
}

/** Seed 001: "in high performing teams, mean time to recovery is less than an hour." */
export const GOOD_RECOVERY_MS = 60 * 60_000;

export interface Judged {
  lines: string[];
  withinBudget: boolean;
}

/** The card as the operator reads it at the end. */
export function describeCard(card: ScoreCard, budgetMs: number, best?: { option: string; ms: number }): Judged {
  const lines: string[] = [];
  const ttr = card.timeToRecoveryMs;
  if (ttr === undefined) {
    lines.push(`not recovered (${card.outcome}) after ${formatDuration(card.elapsedMs)} on the simulated clock`);
  } else {
    lines.push(`time to mitigation: ${card.timeToMitigationMs !== undefined ? formatDuration(card.timeToMitigationMs) : '—'}`);
    lines.push(`time to recovery:   ${formatDuration(ttr)} (budget ${formatDuration(budgetMs)}: ${ttr <= budgetMs ? 'within it' : `over by ${formatDuration(ttr - budgetMs)}`})`);
  }
  if (best) {
    const behind = ttr !== undefined ? ttr - best.ms : undefined;
    const yours = card.attempts.at(-1)?.option;
    const vs = behind === undefined ? '' : behind > 0 ? `: ${formatDuration(behind)} faster than yours` : yours === best.option ? ': you took it' : ': yours was as fast';
    lines.push(`best path:          option "${best.option}", ${formatDuration(best.ms)}${vs}`);
  }
  const wrong = card.attempts.filter((a) => a.failed.length);
  for (const a of wrong) lines.push(`wrong turn:         option "${a.option}": resolve did not pass (${a.failed.join(', ')})`);
  for (const d of card.declined) lines.push(`declined:           "${d}"`);
  if (!wrong.length && !card.declined.length && ttr !== undefined) lines.push('wrong turns:        none');
  if (ttr !== undefined) {
    lines.push(ttr < GOOD_RECOVERY_MS ? 'verdict:            recovered in under an hour, as high-performing teams do' : 'verdict:            over an hour to recover: high-performing teams recover in under one');
  }
  return { lines, withinBudget: ttr !== undefined && ttr <= budgetMs };
}
