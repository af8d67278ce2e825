// What finished steps mean: the step-finished event and the scope entry
// conditions read, the failure policy (which failures stop the run), and the
// run's final outcome from the tallies. One module, so that "what counts as
// resolved" is read in one place.
import type { Step } from '../runbook/types.js';
import { defined } from '../shared/defined.js';
import { boundResult } from './bound.js';
import { peerOf, peerTally } from './peer.js';
import { LocatedError, type StepState } from './scope.js';
import { Stop, type Ctx, type Finished, type Ready, type RunCore, stepRef } from './core.js';
import type { EngineEventBody, EventOf, Outcome, StepEffect, StepKind } from './events.js';

export interface RunOutcome {
  outcome: Outcome;
  exitCode: number;
  message: string;
  /** The flag that would let a stopped run go on ("--approve STEP"). */
  approveHint?: string;
}

/** Records how a step ended: in the scope, as an event, and in the tallies. */
export function finish(
  core: RunCore,
  step: Step,
  ctx: Ctx,
  kind: StepKind,
  effect: StepEffect,
  f: Finished,
  durationMs: number,
  extra: Partial<EventOf<'step-finished'>> = {},
): StepState {
  // The result is data: kept whatever its value, unless there is none.
  const result = f.result !== undefined ? { result: f.result } : {};
  const state: StepState = { status: f.status, ...result };
  core.scope.setStep(step.id, state);
  // A failure (or a plan) that is a peer not answering names the peer, so a rehearsal can say it once.
  const why = f.status === 'failed' ? f.summary : f.status === 'planned' ? f.planError : undefined;
  const peer = why ? peerOf(step, why, core.o.runbook.params, core.env) : undefined;
  if (peer) {
    const seen = core.peers.get(peer.key) ?? { peer, steps: [] };
    seen.steps.push(step.id);
    core.peers.set(peer.key, seen);
  }
  core.emit({
    type: 'step-finished',
    ...stepRef(step.id, ctx),
    kind,
    effect,
    status: f.status,
    summary: f.summary,
    durationMs,
    attempts: f.attempts,
    ...defined({ title: step.title, reason: f.reason, excerpt: f.excerpt, plan: f.plan, planError: f.planError }),
    ...(f.result !== undefined ? { result: boundResult(f.result) } : {}),
    ...extra,
    ...defined({ peer }),
  } as EngineEventBody);
  if (f.status === 'failed' && effect !== 'write' && !peer) core.failedReads.push(step.id);
  return state;
}

/** The failure policy: what a finished step means for the rest of the run. */
export function policy(core: RunCore, r: Pick<Ready, 'step' | 'ctx' | 'effect'>, f: Finished): void {
  if (f.status === 'interrupted') throw new Stop('interrupted', 130, `interrupted during "${r.step.id}"`);
  if (f.status !== 'failed' || core.o.dryRun) return;
  // A message that did not post is shown and journaled; the run goes on.
  if (r.step.message) return;
  const what = `${r.effect === 'write' ? 'write ' : ''}step "${r.step.id}" failed: ${f.summary}`;
  if (r.effect === 'write') throw new Stop('failed', 1, what);
  switch (r.ctx.stage) {
    case 'detect':
    case 'triage':
    case 'communicate':
      return;
    case 'resolve':
      core.notVerified.push(r.step.id);
      return;
    case 'mitigate':
      throw new Stop('failed', 1, what);
  }
}

/** A walk that reached the end: rehearsed, resolved, or not verified. */
export function finalOutcome(core: RunCore): RunOutcome {
  if (core.o.dryRun) {
    // Peers are counted, not the steps that needed them: one missing kubeconfig is one thing to fix.
    const peers = [...core.peers.values()].map((p) => peerTally(p.peer, p.steps.length));
    const unreachable = peers.length ? `; unreachable: ${peers.join(', ')}` : '';
    const failed = core.failedReads.length ? `; ${core.failedReads.length} read(s) failed: ${core.failedReads.join(', ')}` : '';
    return { outcome: 'rehearsed', exitCode: 0, message: `rehearsal complete: every stage walked, ${core.plannedWrites} write(s) shown and not run${unreachable}${failed}` };
  }
  // A message that did not post is said, not counted against the resolve: the checks decide.
  const unposted = core.unposted.length ? `; not posted: ${core.unposted.join(', ')}` : '';
  if (core.notVerified.length) {
    return { outcome: 'not-verified', exitCode: 1, message: `resolve not verified: ${core.notVerified.join(', ')} did not pass${unposted}` };
  }
  return { outcome: 'resolved', exitCode: 0, message: `resolved: every resolve check passed${unposted}` };
}

/** A walk that threw: a Stop carries its outcome; anything else failed the run. */
export function stoppedOutcome(e: unknown): RunOutcome {
  if (e instanceof Stop) return { outcome: e.outcome, exitCode: e.exitCode, message: e.message, ...defined({ approveHint: e.approveHint }) };
  return { outcome: 'failed', exitCode: 1, message: e instanceof LocatedError ? e.message : `internal error: ${(e as Error)?.message ?? e}` };
}

/** The run-finished event: resumable runs say how to continue. */
export function runFinished(core: RunCore, r: RunOutcome): EngineEventBody {
  const resumable = r.outcome === 'interrupted' || r.outcome === 'stopped' || r.outcome === 'failed';
  const hint = r.approveHint ? ` ${r.approveHint}` : '';
  return {
    type: 'run-finished',
    outcome: r.outcome,
    exitCode: r.exitCode,
    message: r.message,
    ...defined({
      resume: resumable && !core.o.dryRun ? `oncall resume ${core.runId}${core.o.resumeFlags ?? ''}${hint}` : undefined,
      approveHint: r.approveHint,
    }),
  };
}
