// What a step and the clients it uses share: the context a step runs in and
// the error that carries a one-line reason. This module imports nothing, so
// src/integrations (below src/steps) can use it without depending upward.

/** Connection settings a step may need; resolved by the engine from params/env. */
export interface StepContext {
  /** Aborted when the step times out or the run is interrupted. */
  signal: AbortSignal;
  /** The step's timeout; clients should set their own connect/request timeouts to it. */
  timeoutMs: number;
  /** Environment variables visible to the step (REDIS_URL, KAFKA_BROKERS, KUBECONFIG…). */
  env: Record<string, string | undefined>;
  /** Progress lines (shown on the terminal, never required for correctness). */
  progress(message: string): void;
  /** A long write reports how much it has done, so that an interruption can
   *  say how far it got ("interrupted after deleting 715,000 of ~1,285,000 keys"). */
  tally?(done: WorkDone): void;
}

/** How far a write got: `{ done: 715000, unit: 'keys', doing: 'deleting' }`. */
export interface WorkDone {
  done: number;
  unit: string;
  doing: string;
}

/** Thrown by step types for expected failures (unreachable peer, refused action):
 *  the engine prints `message` as one line, with no stack trace. */
export class StepError extends Error {
  constructor(message: string, readonly code: string = 'step-failed') {
    super(message);
    this.name = 'StepError';
  }
}
