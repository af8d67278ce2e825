// The contract every step type implements. A step type is one module: its
// input schema (checked by lint), its effect, `run`, and for writes `plan`.
// Heavy clients are imported inside `run`/`plan`, never at module top level,
// so that lint, list and show can load the catalog cheaply.

export type Effect = 'read' | 'write';

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

/** What a write would change, shown by dry-run and in the approval prompt. */
export interface Plan {
  /** One line: "would delete 550,098 keys matching cache:wms:stock:*". */
  summary: string;
  /** The target the operator must recognise (context/namespace, key pattern, group). */
  target?: string;
  /** Optional detail lines (per partition, per prefix…). */
  details?: string[];
  /** How much the write would do, in the unit its tally uses (keys to delete…). */
  amount?: number;
}

/** The outcome of a step, the same shape for success and failure. */
export interface StepResultEnvelope<R = unknown> {
  ok: boolean;
  result: R;
  /** One-line human summary ("3/3 pods ready, 0 restarts"). */
  summary: string;
}

export interface StepType<I = Record<string, unknown>, R = unknown> {
  /** Name used in runbooks: `check: k8s.pods`. */
  name: string;
  description: string;
  effect: Effect;
  /** When the effect depends on the input (http: GET/HEAD read, other methods write);
   *  `effect` is then the effect of the default input. */
  effectOf?(input: I): Effect;
  /** JSON Schema (draft 2020-12 subset) of `with:`. */
  inputSchema: Record<string, unknown>;
  run(ctx: StepContext, input: I): Promise<StepResultEnvelope<R>>;
  /** Writes only: what would change, without changing it. */
  plan?(ctx: StepContext, input: I): Promise<Plan>;
}

/** Thrown by step types for expected failures (unreachable peer, refused action):
 *  the engine prints `message` as one line, with no stack trace. */
export class StepError extends Error {
  constructor(message: string, readonly code: string = 'step-failed') {
    super(message);
    this.name = 'StepError';
  }
}
