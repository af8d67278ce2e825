// What every part of a run shares: the options, the event bus, the scope that
// conditions read, the clock, the abort signal and prompts that yield to it,
// the approving user, and the tallies the final outcome is made of. The
// modules that prepare, approve, execute and judge steps take a RunCore
// instead of being methods of one large class; the types they pass between
// them live here too.
import { userInfo } from 'node:os';
import { stringify } from '../runbook/expressions.js';
import type { DocPath } from '../runbook/source.js';
import type { StageName, Step } from '../runbook/types.js';
import { defined } from '../shared/defined.js';
import type { Plan, StepType } from '../steps/types.js';
import { realClock, type Clock } from './clock.js';
import type { EngineOptions } from './engine.js';
import {
  EventBus,
  type EngineEventBody,
  type FailureReason,
  type Outcome,
  type PeerRef,
  type RunbookRef,
  type RunOptionsRecord,
  type StepEffect,
  type StepKind,
  type StepStatus,
} from './events.js';
import { PromptInterrupted } from './prompter.js';
import type { PreparedPost } from './message.js';
import { Redactor } from './redact.js';
import type { RenderedCommand } from './render.js';
import { Scope } from './scope.js';
import { listSteps, type StepLocation } from './walk.js';
import type { WriteProgress } from './write-progress.js';

/** Timeout of steps that declare none. */
export const DEFAULT_TIMEOUT_MS = 60_000;

/** Where a step stands in the walk: its stage, and the option or triage case it belongs to. */
export interface Ctx {
  stage: StageName;
  optionId?: string;
  caseId?: string;
  /** Warnings of the chosen option, shown before each of its writes. */
  optionWarnings?: string[];
}

/** What a prepared step will do, rendered with the real values. */
export type Action =
  | { type: 'run'; cmd: RenderedCommand; target?: string; programs: string[] }
  | { type: 'check'; name: string; stepType: StepType; input: Record<string, unknown>; target?: string }
  | { type: 'manual'; text: string }
  | { type: 'message'; message: { channel: string; text: string; translation?: string }; post?: PreparedPost };

/** A step ready to run: rendered, its real effect judged. */
export interface Ready {
  step: Step;
  ctx: Ctx;
  path: DocPath;
  kind: StepKind;
  effect: StepEffect;
  action: Action;
  timeoutMs: number;
  /** A write's plan, once made: its amount is the total an interruption is measured against. */
  plan?: Plan;
}

/** One try of a step. */
export interface Attempt {
  ok: boolean;
  result?: unknown;
  summary: string;
  reason?: FailureReason;
  excerpt?: string[];
  interrupted?: boolean;
  /** How far a write got before it stopped. */
  progress?: WriteProgress;
}

/** How a step ended, as its step-finished event reports it. */
export interface Finished {
  status: StepStatus;
  summary: string;
  result?: unknown;
  reason?: FailureReason;
  excerpt?: string[];
  attempts: number;
  plan?: Plan;
  planError?: string;
}

/** Ends the run with this outcome (thrown through the walk). */
export class Stop extends Error {
  constructor(
    readonly outcome: Outcome,
    readonly exitCode: number,
    message: string,
    readonly approveHint?: string,
  ) {
    super(message);
  }
}

/** A write the operator declined (interactive): mitigation offers the other options. */
export class Declined extends Error {
  constructor(readonly stepId: string) {
    super(`declined "${stepId}"`);
  }
}

type StepRef = { stepId: string; stage: StageName; optionId?: string; caseId?: string };

/** The fields that place a step event: step, stage, option and triage case. */
export function stepRef(stepId: string, ctx: Ctx): StepRef {
  return { stepId, stage: ctx.stage, ...defined({ optionId: ctx.optionId, caseId: ctx.caseId }) };
}

/** The same without the triage case: progress, spawn and approval answers
 *  have always been placed by step, stage and option only. */
export function optionRef(stepId: string, ctx: Ctx): StepRef {
  return { stepId, stage: ctx.stage, ...defined({ optionId: ctx.optionId }) };
}

/** `a = 1, b = "x"`: the values a condition read, for messages. */
export function describeValues(values: Record<string, unknown>): string {
  return Object.entries(values)
    .map(([k, v]) => `${k} = ${typeof v === 'string' ? JSON.stringify(v) : stringify(v)}`)
    .join(', ');
}

function currentUser(env: Record<string, string | undefined>): string {
  try {
    return userInfo().username || env.USER || 'unknown';
  } catch {
    return env.USER || env.LOGNAME || 'unknown';
  }
}

export class RunCore {
  readonly runId: string;
  readonly clock: Clock;
  readonly env: Record<string, string | undefined>;
  readonly startedAt: number;
  readonly redactor: Redactor;
  /** Who approves and decides. */
  readonly user: string;
  readonly bus: EventBus;
  readonly scope: Scope;
  /** Where each step stands in the runbook, by id. */
  readonly paths = new Map<string, StepLocation>();
  private readonly aborter = new AbortController();
  /** Resume: detect/triage reads to run again rather than restore (--refresh). */
  readonly refreshing = new Set<string>();
  /** Resume: how old the restored evidence is ("8m"), shown beside it. */
  evidenceAge: string | undefined;

  // The tallies the final outcome is made of.
  readonly notVerified: string[] = [];
  readonly failedReads: string[] = [];
  /** Peers that did not answer, by key, and the steps that needed them. */
  readonly peers = new Map<string, { peer: PeerRef; steps: string[] }>();
  plannedWrites = 0;
  /** Messages that were to be posted and were not (failed, no URL): said at the end. */
  readonly unposted: string[] = [];

  constructor(readonly o: EngineOptions) {
    this.runId = o.runId;
    this.clock = o.clock ?? realClock;
    this.env = o.env ?? process.env;
    this.startedAt = o.resume?.startedAt ?? this.clock.now();
    this.redactor = o.redactor ?? new Redactor(o.params.secretValues);
    this.user = o.user ?? currentUser(this.env);
    this.bus = new EventBus(o.runId, this.redactor, () => this.clock.now(), this.startedAt);
    if (o.resume) this.bus.setSeq(o.resume.lastSeq);
    this.scope = new Scope(
      o.params.values,
      this.env,
      () => this.clock.now() - this.startedAt,
      o.source,
      o.file,
      new Set(Object.keys(o.params.sources).filter((name) => o.params.sources[name] === 'unset')),
    );
    for (const loc of listSteps(o.runbook)) this.paths.set(loc.step.id, loc);
  }

  get runbookRef(): RunbookRef {
    const rb = this.o.runbook;
    return { id: rb.id, title: rb.title, severity: rb.severity, file: this.o.file, hash: this.o.hash };
  }

  /** The run's options, as run-started and run-resumed record them. */
  get optionsRecord(): RunOptionsRecord {
    const o = this.o;
    return { dryRun: !!o.dryRun, ...defined({ option: o.option }), approve: o.approve ?? [], nonInteractive: !!o.nonInteractive, interactive: o.prompter.interactive };
  }

  emit(body: EngineEventBody): void {
    this.bus.emit(body);
  }

  note(message: string, level: 'info' | 'warn' = 'info', stepId?: string): void {
    this.emit({ type: 'note', level, message, ...defined({ stepId }) });
  }

  /** Whole minutes since the run started, as reminders report them. */
  elapsedMinutes(): number {
    return Math.floor((this.clock.now() - this.startedAt) / 60_000);
  }

  pathOf(step: Step): DocPath {
    return this.paths.get(step.id)?.path ?? [];
  }

  /** Aborted by Ctrl-C or a signal; running steps and waits listen to it. */
  get signal(): AbortSignal {
    return this.aborter.signal;
  }

  interrupt(cause: string): void {
    if (!this.aborter.signal.aborted) this.aborter.abort(new Stop('interrupted', 130, `interrupted (${cause})`));
  }

  checkInterrupted(): void {
    if (this.aborter.signal.aborted) throw new Stop('interrupted', 130, 'interrupted');
  }

  /** Waits for a prompt unless Ctrl-C (or a signal) comes first. */
  async ask<T>(p: Promise<T>): Promise<T> {
    this.checkInterrupted();
    const signal = this.aborter.signal;
    try {
      return await new Promise<T>((resolve, reject) => {
        const onAbort = (): void => reject(new Stop('interrupted', 130, 'interrupted'));
        signal.addEventListener('abort', onAbort, { once: true });
        p.then(
          (v) => {
            signal.removeEventListener('abort', onAbort);
            resolve(v);
          },
          (e) => {
            signal.removeEventListener('abort', onAbort);
            reject(e);
          },
        );
      });
    } catch (e) {
      if (e instanceof PromptInterrupted || (e as Error)?.name === 'ExitPromptError') {
        this.interrupt('Ctrl-C');
        throw new Stop('interrupted', 130, 'interrupted');
      }
      throw e;
    }
  }
}
