// The typed events the engine emits. The terminal UI, the --json writer and
// the journal subscribe to the same redacted stream; the engine itself never
// touches a terminal.
import type { StageName } from '../runbook/types.js';
import type { Plan } from '../steps/types.js';
import type { Redactor } from './redact.js';

/** The alert a run answers, as journaled. */
export interface AlertRef {
  name: string;
  labels: Record<string, string>;
  startsAt?: string;
  fingerprint?: string;
}

export type StepStatus = 'ok' | 'failed' | 'skipped' | 'planned' | 'interrupted' | 'stopped';
export type StepKind = 'run' | 'check' | 'manual' | 'message';
export type StepEffect = 'read' | 'write' | 'none';
/** Why a step failed, when it is more specific than "failed". */
export type FailureReason = 'unreachable' | 'unreadable' | 'timeout' | 'expect' | 'until' | 'exit' | 'expression' | 'error' | 'declined' | 'interrupted';
export type Outcome = 'resolved' | 'rehearsed' | 'failed' | 'not-verified' | 'stopped' | 'interrupted';

export interface RunbookRef {
  id: string;
  title: string;
  severity: string;
  file: string;
  /** sha256 of the runbook file's text, "sha256:<hex>". */
  hash: string;
}

export interface RunOptionsRecord {
  dryRun: boolean;
  option?: string;
  approve: string[];
  nonInteractive: boolean;
  interactive: boolean;
}

export interface Choice {
  id: string;
  title: string;
  recommended: boolean;
  lastResort?: boolean;
  /** The option's `evidence`, interpolated with the real results. */
  evidence?: string;
  /** The values the `recommend` condition read, e.g. {"steps.lag.result.share": 0.83}. */
  values?: Record<string, unknown>;
  recommend?: string;
  warnings?: string[];
}

/** A message post as the journal keeps it: the URL and credentials masked, the body as sent (redacted). */
export interface PostRecord {
  type: 'slack' | 'webhook';
  method: string;
  url: string;
  headers?: Record<string, string>;
  body: unknown;
  /** The answer, once sent: HTTP status (0: none came) and its first bytes. */
  status?: number;
  response?: string;
}

/** A peer a step needed and that did not answer (see peer.ts): the same key, the same peer. */
export interface PeerRef {
  kind: 'kafka' | 'kubernetes' | 'redis' | 'http';
  key: string;
  /** "Kafka at localhost:9092", "kubeconfig", "kubernetes API at https://… (context c)". */
  name: string;
  /** "connection refused", "KUBECONFIG=/x does not exist". */
  cause: string;
  /** What to set: "set KAFKA_BROKERS or --set brokers=…". */
  hint?: string;
}

interface StepRef {
  stepId: string;
  stage: StageName;
  optionId?: string;
  caseId?: string;
}

export type EngineEventBody =
  | {
      type: 'run-started';
      v: 1;
      runbook: RunbookRef;
      params: Record<string, unknown>;
      /** Where each value came from: set, env, default, unset. */
      paramSources?: Record<string, string>;
      /** Fingerprints of secret values (see secretDigest), so resume can demand the same ones. */
      secretDigests?: Record<string, string>;
      options: RunOptionsRecord;
      user: string;
      startedAt: string;
      /** The alert the run was started from (`run --alert`): reports measure the detection gap from its startsAt. */
      alert?: AlertRef;
    }
  | {
      type: 'run-resumed';
      runbook: RunbookRef;
      hashChanged: boolean;
      options: RunOptionsRecord;
      user: string;
      restored: string[];
      inDoubt: string[];
    }
  | { type: 'stage-started'; stage: StageName; timebox?: string; notes?: string[] }
  | (StepRef & {
      type: 'step-started';
      kind: StepKind;
      effect: StepEffect;
      title?: string;
      /** Rendered command (run steps), redacted. */
      command?: string;
      /** Native check name and its interpolated input. */
      check?: string;
      input?: Record<string, unknown>;
      target?: string;
      warnings?: string[];
      parallel?: boolean;
    })
  | (StepRef & { type: 'step-progress'; message: string })
  /** A `run:` step's child process: it leads process group `pid`, which may outlive a killed oncall. */
  | (StepRef & { type: 'step-spawned'; pid: number })
  | (StepRef & {
      type: 'step-finished';
      kind: StepKind;
      effect: StepEffect;
      status: StepStatus;
      summary: string;
      durationMs: number;
      attempts: number;
      reason?: FailureReason;
      title?: string;
      command?: string;
      check?: string;
      target?: string;
      plan?: Plan;
      /** Lines worth showing (error-looking lines of long output). */
      excerpt?: string[];
      /** Bounded copy of the result, enough to restore conditions on resume. */
      result?: unknown;
      message?: { channel: string; text: string; translation?: string };
      /** A message step's post (planned, sent or failed). */
      post?: PostRecord;
      instruction?: string;
      /** Native check input (interpolated), for planned writes. */
      input?: Record<string, unknown>;
      /** Why a planned write has no plan (its target did not answer, a value is unknown). */
      planError?: string;
      /** Keys of `input` whose value is unknown (a planned write that needs a failed step's result): shown as written. */
      unknown?: string[];
      /** The peer that did not answer, when that is why the step failed (or its plan is unavailable). */
      peer?: PeerRef;
    })
  | (StepRef & {
      type: 'approval-needed';
      effect: 'write';
      title?: string;
      /** Exactly what will run: the rendered command, or the native action and its input. */
      action: string;
      target?: string;
      plan?: Plan;
      planError?: string;
      warnings: string[];
      highRisk: boolean;
      /** What the operator must type for a high-risk step. */
      confirmText?: string;
      /** A write that started before a crash and never reported back. */
      inDoubt?: boolean;
    })
  | (StepRef & { type: 'approval-given'; approver: string; via: 'prompt' | 'typed' | 'flag' })
  | (StepRef & {
      type: 'approval-declined';
      approver: string;
      reason: 'declined' | 'typed-mismatch' | 'not-approved';
      /** The flag that would approve it (non-interactive runs). */
      hint?: string;
    })
  | { type: 'decision-needed'; decision: 'option'; question: string; choices: Choice[] }
  | {
      type: 'decision-made';
      decision: 'option' | 'triage-case' | 'manual';
      value: string;
      by: 'operator' | 'flag' | 'auto-selected: recommended' | 'rehearsal' | 'condition' | 'resume';
      approver?: string;
      stepId?: string;
    }
  | { type: 'reminder'; kind: 'escalation' | 'status-update' | 'timebox'; message: string; after?: string; elapsedMinutes: number }
  | { type: 'note'; level: 'info' | 'warn'; message: string; stepId?: string }
  | {
      type: 'run-finished';
      outcome: Outcome;
      exitCode: number;
      message: string;
      /** For stopped and interrupted runs: how to continue. */
      resume?: string;
      approveHint?: string;
    };

export type EngineEvent = EngineEventBody & {
  runId: string;
  seq: number;
  /** ISO time on the run clock. */
  at: string;
  elapsedMs: number;
};

export type EventType = EngineEvent['type'];
export type EventOf<T extends EventType> = Extract<EngineEvent, { type: T }>;

export interface Subscriber {
  (event: EngineEvent): void;
}

/** Fans events out to subscribers, redacting first. A subscriber that throws
 *  is reported once and dropped, except critical ones (the journal): their
 *  errors stop the run, because a run that cannot record must not go on. */
export class EventBus {
  private subs: Array<{ fn: Subscriber; critical: boolean }> = [];
  private seq = 0;

  constructor(
    readonly runId: string,
    private readonly redactor: Redactor,
    private readonly now: () => number,
    private readonly startedAt: number,
    private readonly onSubscriberError: (e: unknown) => void = () => {},
  ) {}

  subscribe(fn: Subscriber, opts: { critical?: boolean } = {}): void {
    this.subs.push({ fn, critical: opts.critical ?? false });
  }

  setSeq(seq: number): void {
    this.seq = seq;
  }

  emit(body: EngineEventBody): EngineEvent {
    const t = this.now();
    const event = this.redactor.value({
      ...body,
      runId: this.runId,
      seq: ++this.seq,
      at: new Date(t).toISOString(),
      elapsedMs: Math.max(0, t - this.startedAt),
    } as EngineEvent);
    for (const sub of [...this.subs]) {
      try {
        sub.fn(event);
      } catch (e) {
        if (sub.critical) throw e;
        this.subs = this.subs.filter((s) => s !== sub);
        this.onSubscriberError(e);
      }
    }
    return event;
  }
}
