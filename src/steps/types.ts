// The contract every step type implements. A step type is one module: its
// input schema (checked by lint), its effect, `run`, and for writes `plan`.
// Heavy clients are imported inside `run`/`plan`, never at module top level,
// so that lint, list and show can load the catalog cheaply.

import type { StepContext } from '../shared/step-context.js';

export { StepError, type StepContext, type WorkDone } from '../shared/step-context.js';

export type Effect = 'read' | 'write';

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
  /** JSON Schema (the same subset) of the `result` that `run` returns on success: what
   *  conditions read, and what a rehearsal scenario's canned result is checked against. */
  resultSchema: Record<string, unknown>;
  run(ctx: StepContext, input: I): Promise<StepResultEnvelope<R>>;
  /** For a step type whose result can be a failure (an HTTP status not expected, a
   *  config value that did not read back): whether this result passes, as `run`'s
   *  `ok` says. A rehearsal judges a scenario's canned result with it, so a drill
   *  never passes what the live run would fail. Without it, every result passes. */
  judge?(input: I, result: Partial<R>): boolean;
  /** Writes only: what would change, without changing it. */
  plan?(ctx: StepContext, input: I): Promise<Plan>;
}

