// Where steps act. Without a backend, a run spawns processes, opens clients
// and sends webhooks (execute.ts, approval.ts, message.ts). With one (a
// rehearsal's scenario), every read, plan, write and post of the run is
// answered by it instead: the engine has no path from a step to a process or
// a socket while a backend is set, whatever the runbook or the scenario says.
import type { Plan } from '../steps/types.js';
import type { Attempt, Ready, RunCore } from './core.js';

export interface PostAnswer {
  ok: boolean;
  status: number;
  response: string;
  summary: string;
  durationMs: number;
  reason?: 'error' | 'timeout';
}

export interface StepBackend {
  /** Said in notes and summaries ("rehearsal"). */
  readonly name: string;
  /** One attempt of a `run` or `check` step. */
  attempt(core: RunCore, r: Ready): Promise<Attempt>;
  /** What a write would change. */
  plan(core: RunCore, r: Ready): Promise<{ plan?: Plan; planError?: string }>;
  /** A message post, approved: answered, never sent. */
  post(core: RunCore, r: Ready): Promise<PostAnswer>;
  /** A manual step the operator confirmed done. */
  settle?(stepId: string): Promise<void>;
  /** What a manual check found when, in the story, it does not pass ("the partner still sees the wallet frozen"). */
  manualFinding?(stepId: string): string | undefined;
}
