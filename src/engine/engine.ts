// The execution engine: walks Detect → Triage → Mitigate → Communicate →
// Resolve, runs steps, asks for approval before every write, and reports
// everything as events. It knows no terminal: the UI, the --json writer and
// the journal subscribe; prompts come in through a Prompter.
import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import { describeFindings, judgeRendered } from '../commands/rendered.js';
import { maskUrl } from '../commands/words.js';
import { stringify } from '../runbook/expressions.js';
import type { DocPath, SourceFile } from '../runbook/source.js';
import type { Escalation, MitigationOption, Runbook, StageName, Step } from '../runbook/types.js';
import { runCommand, errorExcerpt, type CommandResult } from '../steps/command.js';
import { errorReply } from '../steps/error-replies.js';
import { StepError, type Plan, type StepContext, type StepType, type WorkDone } from '../steps/types.js';
import { boundResult } from './bound.js';
import { realClock, type Clock } from './clock.js';
import { formatDuration, parseDuration } from './duration.js';
import {
  EventBus,
  type Choice,
  type EngineEventBody,
  type EventOf,
  type FailureReason,
  type Outcome,
  type RunbookRef,
  type StepEffect,
  type StepKind,
  type StepStatus,
  type Subscriber,
} from './events.js';
import { publicParams, secretDigests, type ResolvedParams } from './params.js';
import { PromptInterrupted, type PromptChoice, type Prompter } from './prompter.js';
import { Redactor } from './redact.js';
import { scheduleReminders } from './reminders.js';
import { renderCommand, type RenderedCommand } from './render.js';
import type { ResumeState } from './resume.js';
import { LocatedError, Scope, type StepState } from './scope.js';
import { batches, listSteps, type StepLocation } from './walk.js';
import { stoppedPartWay, type WriteProgress } from './write-progress.js';

export const DEFAULT_TIMEOUT_MS = 60_000;

export interface EngineOptions {
  runId: string;
  runbook: Runbook;
  /** The runbook file (for messages and the journal). */
  file: string;
  /** The parsed YAML, so expression errors point at file:line:col. */
  source?: SourceFile;
  /** "sha256:<hex>" of the file's text. */
  hash: string;
  params: ResolvedParams;
  dryRun?: boolean;
  /** --option: the mitigation option to take without asking. */
  option?: string;
  /** --approve: write steps approved in advance. */
  approve?: string[];
  nonInteractive?: boolean;
  prompter: Prompter;
  /** Native step types by name (the catalog, or fixtures in tests). */
  stepTypes?: (name: string) => StepType | undefined;
  clock?: Clock;
  env?: Record<string, string | undefined>;
  cwd?: string;
  escalation?: Escalation[];
  statusUpdateEvery?: string;
  /** Timeout of steps that declare none (default 60s). */
  defaultTimeoutMs?: number;
  /** Delay between retries (default 1s, on the run clock). */
  retryDelayMs?: number;
  /** Reads of one batch running at once (default 8). */
  maxParallel?: number;
  /** Who approves (default: the OS user). */
  user?: string;
  redactor?: Redactor;
  /** Continue a journaled run. */
  resume?: ResumeState;
  /** Resume: run detect and triage's reads again instead of restoring their results. */
  refresh?: boolean;
  /** Flags the printed `oncall resume` command needs to find this run again (" --journal-dir DIR"). */
  resumeFlags?: string;
  /** Approvals given on the `oncall resume` command line (the only ones that cover in-doubt writes). */
  resumeApprove?: string[];
  hashChanged?: boolean;
  /** Key of the journal directory's secret fingerprints (without one, a fresh key: not verifiable later). */
  fingerprintKey?: Buffer;
}

export interface RunResult {
  runId: string;
  outcome: Outcome;
  exitCode: number;
  message: string;
}

interface Ctx {
  stage: StageName;
  optionId?: string;
  caseId?: string;
  /** Warnings of the chosen option, shown before each of its writes. */
  optionWarnings?: string[];
}

type Action =
  | { type: 'run'; cmd: RenderedCommand; target?: string; programs: string[] }
  | { type: 'check'; name: string; stepType: StepType; input: Record<string, unknown>; target?: string }
  | { type: 'manual'; text: string }
  | { type: 'message'; message: { channel: string; text: string; translation?: string } };

interface Ready {
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

interface Attempt {
  ok: boolean;
  result?: unknown;
  summary: string;
  reason?: FailureReason;
  excerpt?: string[];
  interrupted?: boolean;
  /** How far a write got before it stopped. */
  progress?: WriteProgress;
}

interface Finished {
  status: StepStatus;
  summary: string;
  result?: unknown;
  reason?: FailureReason;
  excerpt?: string[];
  attempts: number;
  plan?: Plan;
  planError?: string;
}

class Stop extends Error {
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
class Declined extends Error {
  constructor(readonly stepId: string) {
    super(`declined "${stepId}"`);
  }
}

const RESTORABLE_FAILED_STAGES: StageName[] = ['detect', 'triage', 'communicate'];

function kindOf(step: Step): StepKind {
  if (step.run !== undefined) return 'run';
  if (step.check !== undefined) return 'check';
  if (step.manual !== undefined) return 'manual';
  return 'message';
}

/** The first lines a write printed, each cut, for the screen and the journal. */
function outputExcerpt(lines: readonly string[], max = 8): string[] {
  const shown = lines.slice(0, max).map((l) => (l.length > 200 ? `${l.slice(0, 200)}…` : l));
  return lines.length > max ? [...shown, `… ${lines.length - max} more lines (the result keeps them)`] : shown;
}

function oneLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim()) ?? text;
  return line.trim().length > 300 ? `${line.trim().slice(0, 300)}…` : line.trim();
}

function describeValues(values: Record<string, unknown>): string {
  const parts = Object.entries(values).map(([k, v]) => `${k} = ${typeof v === 'string' ? JSON.stringify(v) : stringify(v)}`);
  return parts.length ? parts.join(', ') : '';
}

function currentUser(env: Record<string, string | undefined>): string {
  try {
    return userInfo().username || env.USER || 'unknown';
  } catch {
    return env.USER || env.LOGNAME || 'unknown';
  }
}

const UNREACHABLE = /unreachable|ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|did not answer|connection refused|timed? ?out/i;

export class Engine {
  readonly bus: EventBus;
  readonly runId: string;
  readonly redactor: Redactor;
  private readonly clock: Clock;
  private readonly scope: Scope;
  private readonly env: Record<string, string | undefined>;
  private readonly startedAt: number;
  private readonly aborter = new AbortController();
  private readonly paths = new Map<string, StepLocation>();
  private readonly user: string;
  private readonly notVerified: string[] = [];
  private readonly failedReads: string[] = [];
  private plannedWrites = 0;
  private mitigateCommonDone = false;
  /** Resume: detect/triage reads to run again rather than restore (--refresh). */
  private readonly refreshing = new Set<string>();
  /** Resume: how old the restored evidence is ("8m"), shown beside it. */
  private evidenceAge: string | undefined;

  constructor(private readonly o: EngineOptions) {
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

  subscribe(fn: Subscriber, opts?: { critical?: boolean }): void {
    this.bus.subscribe(fn, opts);
  }

  /** Ctrl-C or a signal: abort the running step (its process group is killed) and stop.
   *  `cause` names what arrived, so the operator reads "SIGTERM", not a Ctrl-C they never pressed. */
  interrupt(cause = 'Ctrl-C'): void {
    if (!this.aborter.signal.aborted) this.aborter.abort(new Stop('interrupted', 130, `interrupted (${cause})`));
  }

  get interrupted(): boolean {
    return this.aborter.signal.aborted;
  }

  private emit(body: EngineEventBody): void {
    this.bus.emit(body);
  }

  private note(message: string, level: 'info' | 'warn' = 'info', stepId?: string): void {
    this.emit({ type: 'note', level, message, ...(stepId ? { stepId } : {}) });
  }

  private checkInterrupted(): void {
    if (this.aborter.signal.aborted) throw new Stop('interrupted', 130, 'interrupted');
  }

  /** Waits for a prompt unless Ctrl-C (or a signal) comes first. */
  private async ask<T>(p: Promise<T>): Promise<T> {
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
        this.interrupt();
        throw new Stop('interrupted', 130, 'interrupted');
      }
      throw e;
    }
  }

  private get runbookRef(): RunbookRef {
    const rb = this.o.runbook;
    return { id: rb.id, title: rb.title, severity: rb.severity, file: this.o.file, hash: this.o.hash };
  }

  private get optionsRecord(): EventOf<'run-started'>['options'] {
    return {
      dryRun: !!this.o.dryRun,
      ...(this.o.option ? { option: this.o.option } : {}),
      approve: this.o.approve ?? [],
      nonInteractive: !!this.o.nonInteractive,
      interactive: this.o.prompter.interactive,
    };
  }

  async run(): Promise<RunResult> {
    const resume = this.o.resume;
    if (resume) {
      for (const [id, f] of resume.finished) {
        if (this.restorable(id, f)) this.scope.setStep(id, { status: f.status, result: f.result });
      }
      this.emit({
        type: 'run-resumed',
        runbook: this.runbookRef,
        hashChanged: !!this.o.hashChanged,
        options: this.optionsRecord,
        user: this.user,
        restored: [...this.scope.steps.keys()],
        inDoubt: [...resume.inDoubt],
      });
      if (this.o.hashChanged) this.note(`the runbook changed since this run started (${resume.runbook.hash} → ${this.o.hash}); steps are matched by id`, 'warn');
      await this.refreshEvidence(resume);
      for (const id of resume.inDoubt) {
        const partWay = resume.partWay.get(id);
        this.note(
          partWay
            ? `write step "${id}" was ${partWay}; it will not run again without a fresh approval, and its plan counts what is left`
            : `write step "${id}" started before the run stopped and never reported back: its outcome is unknown; it will not run again without a fresh approval`,
          'warn',
          id,
        );
      }
    } else {
      this.emit({
        type: 'run-started',
        v: 1,
        runbook: this.runbookRef,
        params: publicParams(this.o.params),
        paramSources: this.o.params.sources,
        secretDigests: secretDigests(this.runId, this.o.params, this.o.fingerprintKey ?? randomBytes(32)),
        options: this.optionsRecord,
        user: this.user,
        startedAt: new Date(this.startedAt).toISOString(),
      });
    }
    const cancelReminders = scheduleReminders({
      clock: this.clock,
      startedAt: this.startedAt,
      escalation: this.o.escalation ?? this.o.runbook.escalation ?? [],
      statusUpdateEvery: this.o.statusUpdateEvery ?? this.o.runbook.reminders?.statusUpdateEvery,
      fired: resume?.reminders,
      emit: (kind, message, after) =>
        this.emit({ type: 'reminder', kind, message, ...(after ? { after } : {}), elapsedMinutes: Math.floor((this.clock.now() - this.startedAt) / 60_000) }),
    });
    let result: Omit<RunResult, 'runId'>;
    let approveHint: string | undefined;
    try {
      await this.walk();
      result = this.finalOutcome();
    } catch (e) {
      if (e instanceof Stop) {
        result = { outcome: e.outcome, exitCode: e.exitCode, message: e.message };
        approveHint = e.approveHint;
      } else {
        result = { outcome: 'failed', exitCode: 1, message: e instanceof LocatedError ? e.message : `internal error: ${(e as Error)?.message ?? e}` };
      }
    } finally {
      cancelReminders();
      this.cancelTimebox?.();
    }
    const resumable = result.outcome === 'interrupted' || result.outcome === 'stopped' || result.outcome === 'failed';
    this.emit({
      type: 'run-finished',
      outcome: result.outcome,
      exitCode: result.exitCode,
      message: result.message,
      ...(resumable && !this.o.dryRun ? { resume: `oncall resume ${this.runId}${this.o.resumeFlags ?? ''}${approveHint ? ` ${approveHint}` : ''}` } : {}),
      ...(approveHint ? { approveHint } : {}),
    });
    return { runId: this.runId, ...result };
  }

  private finalOutcome(): Omit<RunResult, 'runId'> {
    if (this.o.dryRun) {
      const unreachable = this.failedReads.length ? `; ${this.failedReads.length} read(s) failed or unreachable: ${this.failedReads.join(', ')}` : '';
      return { outcome: 'rehearsed', exitCode: 0, message: `rehearsal complete: every stage walked, ${this.plannedWrites} write(s) shown and not run${unreachable}` };
    }
    if (this.notVerified.length) {
      return { outcome: 'not-verified', exitCode: 1, message: `resolve not verified: ${this.notVerified.join(', ')} did not pass` };
    }
    return { outcome: 'resolved', exitCode: 0, message: 'resolved: every resolve check passed' };
  }

  /** Restored detect/triage reads are evidence of a past moment: say how old it
   *  is and, before a mitigation choice, offer to measure again (`--refresh`). */
  private async refreshEvidence(resume: ResumeState): Promise<void> {
    const evidence = [...resume.finished.values()].filter(
      (f) => (f.stage === 'detect' || f.stage === 'triage') && f.effect === 'read' && this.scope.steps.has(f.stepId),
    );
    if (!evidence.length) return;
    const ageMs = this.clock.now() - Math.min(...evidence.map((f) => Date.parse(f.at)));
    const age = formatDuration(Math.max(0, ageMs));
    let refresh = !!this.o.refresh;
    if (!refresh && resume.option === undefined && this.o.runbook.stages.mitigate) {
      if (this.o.prompter.interactive) {
        refresh = await this.ask(this.o.prompter.confirm(`The evidence from detect and triage was measured ${age} ago. Run detect and triage again before choosing a mitigation?`));
      } else {
        this.note(`the evidence from detect and triage was measured ${age} ago; resume with --refresh to measure again`, 'warn');
      }
    }
    if (!refresh) {
      this.evidenceAge = age;
      return;
    }
    for (const f of evidence) this.refreshing.add(f.stepId);
    this.note(`running detect and triage again: the evidence was measured ${age} ago`);
  }

  private restorable(id: string, f: EventOf<'step-finished'>): boolean {
    if (f.status !== 'failed') return true;
    const loc = this.paths.get(id);
    return f.effect !== 'write' && !!loc && RESTORABLE_FAILED_STAGES.includes(loc.stage);
  }

  // ── the walk ────────────────────────────────────────────────────────────

  private async walk(): Promise<void> {
    const { detect, triage, mitigate, communicate, resolve } = this.o.runbook.stages;
    await this.stage('detect', detect);
    if (triage) {
      await this.stage('triage', triage);
      await this.triageCases();
    }
    if (mitigate) await this.mitigate();
    if (communicate) await this.stage('communicate', communicate);
    await this.stage('resolve', resolve);
  }

  private async stage(name: StageName, stage: { timebox?: string; notes?: string[]; steps?: Step[] } | undefined): Promise<void> {
    if (!stage) return;
    this.checkInterrupted();
    this.emit({ type: 'stage-started', stage: name, ...(stage.timebox ? { timebox: stage.timebox } : {}), ...(stage.notes?.length ? { notes: stage.notes } : {}) });
    this.watchTimebox(name, stage.timebox);
    await this.steps(stage.steps ?? [], { stage: name });
  }

  private cancelTimebox: (() => void) | undefined;

  /** Says once, on the run clock, when a stage runs past its timebox (the next stage cancels it). */
  private watchTimebox(stage: StageName, timebox: string | undefined): void {
    this.cancelTimebox?.();
    this.cancelTimebox = undefined;
    if (!timebox) return;
    let ms: number;
    try {
      ms = parseDuration(timebox);
    } catch {
      return;
    }
    const elapsedMinutes = () => Math.floor((this.clock.now() - this.startedAt) / 60_000);
    this.cancelTimebox = this.clock.setTimer(ms, () =>
      this.emit({ type: 'reminder', kind: 'timebox', message: `${stage} has run past its ${timebox} timebox`, after: timebox, elapsedMinutes: elapsedMinutes() }),
    );
  }

  private async triageCases(): Promise<void> {
    const cases = this.o.runbook.stages.triage?.cases ?? [];
    for (const [ci, c] of cases.entries()) {
      this.checkInterrupted();
      let matches = true;
      if (c.when) {
        try {
          const r = this.scope.condition(c.when, ['stages', 'triage', 'cases', ci, 'when']);
          if (r.note) this.note(`triage case "${c.id}": ${r.note}`, 'warn');
          matches = r.value;
        } catch (e) {
          this.note((e as Error).message, 'warn');
          matches = false;
        }
      }
      if (!matches) continue;
      const notes = c.notes?.length ? `\n${c.notes.map((n) => `· ${n}`).join('\n')}` : '';
      if (c.when) {
        this.emit({ type: 'decision-made', decision: 'triage-case', value: c.id, by: 'condition' });
        this.note(`triage case "${c.id}": ${c.title} (${c.when})${notes}`);
      } else {
        this.note(`triage case "${c.id}": ${c.title} (no condition: the operator judges)${notes}`);
      }
      await this.steps(c.steps ?? [], { stage: 'triage', caseId: c.id });
    }
  }

  private recommendations(): Choice[] {
    const mitigate = this.o.runbook.stages.mitigate!;
    const choices: Choice[] = mitigate.options.map((opt, oi) => {
      const base = ['stages', 'mitigate', 'options', oi];
      let recommended = false;
      let values: Record<string, unknown> | undefined;
      if (opt.recommend) {
        try {
          const r = this.scope.condition(opt.recommend, [...base, 'recommend']);
          recommended = r.value;
          if (r.note) this.note(`option "${opt.id}": ${r.note}`, 'warn');
          values = this.scope.values(opt.recommend);
        } catch (e) {
          this.note(`option "${opt.id}" cannot be evaluated: ${(e as Error).message}`, 'warn');
        }
      }
      const notes: string[] = [];
      const measured = recommended && opt.evidence ? this.scope.interpolateText(opt.evidence, [...base, 'evidence'], notes) : undefined;
      const evidence = measured && this.evidenceAge ? `${measured}, measured ${this.evidenceAge} ago` : measured;
      notes.forEach((n) => this.note(n, 'warn'));
      return {
        id: opt.id,
        title: opt.title,
        recommended,
        ...(opt.lastResort ? { lastResort: true } : {}),
        ...(evidence ? { evidence } : {}),
        ...(values && Object.keys(values).length ? { values } : {}),
        ...(opt.recommend ? { recommend: opt.recommend } : {}),
        ...(opt.warnings?.length ? { warnings: opt.warnings } : {}),
      };
    });
    // Recommended first, last resorts last, runbook order otherwise.
    const rank = (c: Choice): number => (c.recommended ? 0 : c.lastResort ? 2 : 1);
    return choices.map((c, i) => ({ c, i })).sort((a, b) => rank(a.c) - rank(b.c) || a.i - b.i).map((x) => x.c);
  }

  private promptChoices(choices: Choice[], exclude: string[] = []): PromptChoice[] {
    return choices
      .filter((c) => !exclude.includes(c.id))
      .map((c) => ({
        value: c.id,
        label: `${c.recommended ? '★ ' : ''}${c.title} (${c.id})${c.lastResort ? ' — last resort' : ''}`,
        ...(c.recommended ? { hint: [c.evidence, c.values ? describeValues(c.values) : ''].filter(Boolean).join(' — ') } : {}),
      }));
  }

  private async mitigate(): Promise<void> {
    const mitigate = this.o.runbook.stages.mitigate!;
    this.checkInterrupted();
    this.emit({
      type: 'stage-started',
      stage: 'mitigate',
      ...(mitigate.timebox ? { timebox: mitigate.timebox } : {}),
      ...(mitigate.notes?.length ? { notes: mitigate.notes } : {}),
    });
    this.watchTimebox('mitigate', mitigate.timebox);
    const choices = this.recommendations();
    const question = mitigate.choose ?? 'Which mitigation?';
    const byId = new Map(mitigate.options.map((o) => [o.id, o]));
    const validIds = mitigate.options.map((o) => o.id).join(', ');
    this.emit({ type: 'decision-needed', decision: 'option', question, choices });

    const interactive = this.o.prompter.interactive;
    let chosen: string | undefined;
    const restored = this.o.resume?.option;
    if (restored && byId.has(restored)) {
      chosen = restored;
      this.note(`continuing with option "${restored}" chosen before the restart`);
    } else if (this.o.option) {
      if (!byId.has(this.o.option)) throw new Stop('failed', 2, `unknown option "${this.o.option}"; valid: ${validIds}`);
      chosen = this.o.option;
      this.emit({ type: 'decision-made', decision: 'option', value: chosen, by: 'flag', approver: this.user });
    } else if (this.o.dryRun && !interactive) {
      // A rehearsal without a choice walks every option, so every write is seen.
      for (const c of choices) {
        this.emit({ type: 'decision-made', decision: 'option', value: c.id, by: 'rehearsal' });
        await this.runOption(byId.get(c.id)!);
      }
      return;
    } else if (!interactive) {
      const top = choices.find((c) => c.recommended);
      if (!top) {
        throw new Stop('stopped', 3, `no mitigation option is recommended by the evidence; choose one with --option ID (valid: ${validIds})`, '--option ID');
      }
      chosen = top.id;
      this.emit({ type: 'decision-made', decision: 'option', value: chosen, by: 'auto-selected: recommended' });
    } else {
      const extra: PromptChoice[] = [];
      if (this.o.dryRun) extra.push({ value: '__all', label: 'Rehearse every option' });
      extra.push({ value: '__stop', label: 'Stop here: no mitigation' });
      const answer = await this.ask(this.o.prompter.choose(this.redactor.string(question), [...this.promptChoices(choices), ...extra]));
      if (answer === '__stop') throw new Stop('stopped', 3, 'stopped by the operator before mitigation');
      if (answer === '__all') {
        for (const c of choices) {
          this.emit({ type: 'decision-made', decision: 'option', value: c.id, by: 'rehearsal', approver: this.user });
          await this.runOption(byId.get(c.id)!);
        }
        return;
      }
      chosen = answer;
      this.emit({ type: 'decision-made', decision: 'option', value: chosen, by: 'operator', approver: this.user });
    }

    const tried: string[] = [];
    for (;;) {
      try {
        await this.runOption(byId.get(chosen)!);
        return;
      } catch (e) {
        if (!(e instanceof Declined)) throw e;
        tried.push(chosen);
        const others = this.promptChoices(choices, tried);
        const answer = await this.ask(
          this.o.prompter.choose(`Declined "${e.stepId}". Take another option, or stop?`, [
            ...others,
            { value: '__stop', label: `Stop here (resume later with oncall resume ${this.runId}${this.o.resumeFlags ?? ''})` },
          ]),
        );
        if (answer === '__stop') throw new Stop('stopped', 3, `stopped before write step "${e.stepId}": declined by ${this.user}`);
        chosen = answer;
        this.emit({ type: 'decision-made', decision: 'option', value: chosen, by: 'operator', approver: this.user });
      }
    }
  }

  private async runOption(option: MitigationOption): Promise<void> {
    const mitigate = this.o.runbook.stages.mitigate!;
    const ctx: Ctx = { stage: 'mitigate', optionId: option.id, ...(option.warnings?.length ? { optionWarnings: option.warnings } : {}) };
    for (const n of option.notes ?? []) this.note(`${option.id}: ${n}`);
    if (!this.mitigateCommonDone && mitigate.steps?.length) {
      await this.steps(mitigate.steps, { ...ctx, optionId: undefined });
      this.mitigateCommonDone = true;
    }
    await this.steps(option.steps, ctx);
  }

  // ── steps ───────────────────────────────────────────────────────────────

  private isParallelRead = (step: Step): boolean => {
    if (step.effect !== 'read' || step.highRisk || step.until) return false;
    if (step.run !== undefined) return true;
    if (step.check !== undefined) {
      const type = this.o.stepTypes?.(step.check);
      // A type whose effect depends on its (interpolated) input never batches.
      return !!type && type.effect === 'read' && !(type as StepType & { effectOf?: unknown }).effectOf;
    }
    return false;
  };

  private async steps(steps: Step[], ctx: Ctx): Promise<void> {
    for (const batch of batches(steps, this.isParallelRead)) {
      this.checkInterrupted();
      if (batch.length === 1) await this.one(batch[0]!, ctx);
      else await this.batch(batch, ctx);
    }
  }

  private pathOf(step: Step): DocPath {
    return this.paths.get(step.id)?.path ?? [];
  }

  private timeoutOf(step: Step): number {
    if (step.timeout) {
      try {
        return parseDuration(step.timeout);
      } catch {
        /* schema rejects it; fall back */
      }
    }
    return this.o.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** when → skip; render the action. Returns undefined when the step is
   *  already settled (restored, skipped, or failed to render). */
  private prepare(step: Step, ctx: Ctx): Ready | undefined {
    const resume = this.o.resume;
    if (resume && this.scope.steps.has(step.id) && !resume.inDoubt.has(step.id) && !this.refreshing.has(step.id)) return undefined;
    const path = this.pathOf(step);
    const kind = kindOf(step);
    const settle = (effect: StepEffect, f: Finished): undefined => {
      this.finish(step, ctx, kind, effect, f, 0);
      return undefined;
    };
    const declaredEffect: StepEffect = kind === 'manual' || kind === 'message' ? 'none' : (step.effect ?? 'write');
    try {
      if (step.when) {
        const r = this.scope.condition(step.when, [...path, 'when']);
        if (r.note) this.note(`${step.id}: when ${r.note}`, 'warn', step.id);
        if (!r.value) return settle(declaredEffect, { status: 'skipped', summary: `skipped: when "${step.when}" is false`, attempts: 0 });
      }
      let action: Action;
      let effect = declaredEffect;
      if (kind === 'run') {
        const cmd = renderCommand(step, path, this.scope);
        // Judged right before it would spawn, on the real values: a read step
        // whose command writes, or cannot be shown to read, is a write.
        const judged = judgeRendered(cmd, this.env);
        action = { type: 'run', cmd, programs: judged.programs, ...(judged.target ? { target: judged.target } : {}) };
        const why = effect === 'read' ? describeFindings(judged.findings) : undefined;
        if (why) {
          effect = 'write';
          this.note(`step "${step.id}" is declared read, but its command ${why}: treated as a write, approval needed`, 'warn', step.id);
        }
        const unverified = [...new Set(judged.findings.filter((f) => f.kind === 'unverified').map((f) => f.what))];
        if (effect === 'read' && unverified.length) {
          this.note(`step "${step.id}": unverified: ${unverified.join(', ')} run on the runbook's word (oncall cannot show ${unverified.length === 1 ? 'it' : 'them'} to only read)`, 'warn', step.id);
        }
      } else if (kind === 'check') {
        const stepType = this.o.stepTypes?.(step.check!);
        if (!stepType) {
          return settle(declaredEffect, { status: 'failed', reason: 'error', summary: `unknown step type "${step.check}"`, attempts: 0 });
        }
        const input = (this.scope.interpolateDeep(step.with ?? {}, [...path, 'with']) ?? {}) as Record<string, unknown>;
        const dyn = (stepType as StepType & { effectOf?: (i: Record<string, unknown>) => 'read' | 'write' }).effectOf;
        const typeEffect = dyn ? dyn(input) : stepType.effect;
        // The stricter of the declared and the real effect wins.
        effect = typeEffect === 'write' || step.effect === 'write' ? 'write' : 'read';
        const target = inputTarget(input);
        action = { type: 'check', name: step.check!, stepType, input, ...(target ? { target } : {}) };
      } else if (kind === 'manual') {
        const notes: string[] = [];
        action = { type: 'manual', text: this.scope.interpolateText(step.manual!, [...path, 'manual'], notes) };
        notes.forEach((n) => this.note(n, 'warn', step.id));
      } else {
        const m = step.message!;
        const notes: string[] = [];
        const text = this.scope.interpolateText(m.text, [...path, 'message', 'text'], notes);
        const translation = m.translation ? this.scope.interpolateText(m.translation, [...path, 'message', 'translation'], notes) : undefined;
        notes.forEach((n) => this.note(n, 'warn', step.id));
        action = { type: 'message', message: { channel: m.channel, text, ...(translation ? { translation } : {}) } };
      }
      return { step, ctx, path, kind, effect, action, timeoutMs: this.timeoutOf(step) };
    } catch (e) {
      if (e instanceof LocatedError) {
        const isWrite = declaredEffect === 'write' || (kind === 'check' && this.o.stepTypes?.(step.check!)?.effect === 'write');
        if (this.o.dryRun && isWrite) {
          // A rehearsal still shows the write, as written, when a value it needs is unknown.
          this.plannedWrites++;
          const template = kind === 'run' ? (Array.isArray(step.run) ? step.run.join(' ') : step.run!) : `${step.check} ${JSON.stringify(step.with ?? {})}`;
          this.finish(step, ctx, kind, 'write', { status: 'planned', summary: `would run: ${template}`, attempts: 0, planError: `not rendered: ${e.message}` }, 0, {
            ...(kind === 'run' ? { command: template } : { check: step.check!, input: step.with ?? {} }),
          });
          return undefined;
        }
        const failed: Finished = { status: 'failed', reason: 'expression', summary: e.message, attempts: 0 };
        settle(declaredEffect, failed);
        // A step that cannot be rendered failed like any other: a write stops the run.
        this.policy({ step, ctx, effect: isWrite ? 'write' : declaredEffect }, failed);
        return undefined;
      }
      throw e;
    }
  }

  private startedEvent(r: Ready, parallel = false): EngineEventBody {
    const { step, ctx, action } = r;
    return {
      type: 'step-started',
      stepId: step.id,
      stage: ctx.stage,
      ...(ctx.optionId ? { optionId: ctx.optionId } : {}),
      ...(ctx.caseId ? { caseId: ctx.caseId } : {}),
      kind: r.kind,
      effect: r.effect,
      ...(step.title ? { title: step.title } : {}),
      ...(action.type === 'run' ? { command: action.cmd.display } : {}),
      ...(action.type === 'check' ? { check: action.name, input: action.input } : {}),
      ...((action.type === 'run' || action.type === 'check') && action.target ? { target: action.target } : {}),
      ...(step.warnings?.length ? { warnings: step.warnings } : {}),
      ...(parallel ? { parallel: true } : {}),
    };
  }

  private finish(step: Step, ctx: Ctx, kind: StepKind, effect: StepEffect, f: Finished, durationMs: number, extra: Partial<EventOf<'step-finished'>> = {}): StepState {
    const state: StepState = { status: f.status, ...(f.result !== undefined ? { result: f.result } : {}) };
    this.scope.setStep(step.id, state);
    this.emit({
      type: 'step-finished',
      stepId: step.id,
      stage: ctx.stage,
      ...(ctx.optionId ? { optionId: ctx.optionId } : {}),
      ...(ctx.caseId ? { caseId: ctx.caseId } : {}),
      kind,
      effect,
      status: f.status,
      summary: f.summary,
      durationMs,
      attempts: f.attempts,
      ...(step.title ? { title: step.title } : {}),
      ...(f.reason ? { reason: f.reason } : {}),
      ...(f.excerpt?.length ? { excerpt: f.excerpt } : {}),
      ...(f.plan ? { plan: f.plan } : {}),
      ...(f.planError ? { planError: f.planError } : {}),
      ...(f.result !== undefined ? { result: boundResult(f.result) } : {}),
      ...extra,
    } as EngineEventBody);
    if (f.status === 'failed' && effect !== 'write') this.failedReads.push(step.id);
    return state;
  }

  private finishedExtra(r: Ready): Partial<EventOf<'step-finished'>> {
    const a = r.action;
    if (a.type === 'run') return { command: a.cmd.display, ...(a.target ? { target: a.target } : {}) };
    if (a.type === 'check') return { check: a.name, ...(r.effect === 'write' ? { input: a.input } : {}), ...(a.target ? { target: a.target } : {}) };
    if (a.type === 'message') return { message: a.message };
    return { instruction: a.text };
  }

  /** The failure policy: what a finished step means for the rest of the run. */
  private policy(r: Pick<Ready, 'step' | 'ctx' | 'effect'>, f: Finished): void {
    if (f.status === 'interrupted') throw new Stop('interrupted', 130, `interrupted during "${r.step.id}"`);
    if (f.status !== 'failed' || this.o.dryRun) return;
    const what = `${r.effect === 'write' ? 'write ' : ''}step "${r.step.id}" failed: ${f.summary}`;
    if (r.effect === 'write') throw new Stop('failed', 1, what);
    switch (r.ctx.stage) {
      case 'detect':
      case 'triage':
      case 'communicate':
        return;
      case 'resolve':
        this.notVerified.push(r.step.id);
        return;
      case 'mitigate':
        throw new Stop('failed', 1, what);
    }
  }

  private async one(step: Step, ctx: Ctx): Promise<void> {
    const r = this.prepare(step, ctx);
    if (r) await this.runPrepared(r);
  }

  private async runPrepared(r: Ready): Promise<void> {
    const { step, ctx } = r;
    if (r.kind === 'message') {
      this.emit(this.startedEvent(r));
      this.finish(step, ctx, r.kind, r.effect, { status: 'ok', summary: `${r.action.type === 'message' ? r.action.message.channel : ''}`, attempts: 1 }, 0, this.finishedExtra(r));
      return;
    }
    if (r.kind === 'manual') return this.manual(r);
    if (r.effect === 'write') {
      const planned = await this.approveOrPlan(r);
      if (planned) {
        this.plannedWrites++;
        this.finish(step, ctx, r.kind, r.effect, planned, 0, this.finishedExtra(r));
        return;
      }
    }
    this.emit(this.startedEvent(r));
    const t0 = performance.now();
    const f = await this.execute(r);
    this.finish(step, ctx, r.kind, r.effect, f, Math.round(performance.now() - t0), this.finishedExtra(r));
    this.policy(r, f);
  }

  private async batch(steps: Step[], ctx: Ctx): Promise<void> {
    // Settled steps (skipped, restored) report as they are prepared, in order.
    const prepared = steps.map((s) => this.prepare(s, ctx)).filter((r): r is Ready => r !== undefined);
    // A read whose rendered command turned out to mutate leaves the batch: it
    // goes through approval (or is only planned in a dry-run) on its own, after.
    const ready = prepared.filter((r) => r.effect === 'read');
    const writes = prepared.filter((r) => r.effect !== 'read');
    if (!ready.length) {
      for (const r of writes) await this.runPrepared(r);
      return;
    }
    for (const r of ready) this.emit(this.startedEvent(r, ready.length > 1));
    const run = limiter(Math.max(1, this.o.maxParallel ?? 8));
    const pending = ready.map((r) =>
      run(async () => {
        const t0 = performance.now();
        const f = await this.execute(r);
        return { f, ms: Math.round(performance.now() - t0) };
      }),
    );
    // Finished events in runbook order, whatever order the reads end in.
    const finished: Array<[Ready, Finished]> = [];
    for (const [i, r] of ready.entries()) {
      const { f, ms } = await pending[i]!;
      this.finish(r.step, ctx, r.kind, r.effect, f, ms, this.finishedExtra(r));
      finished.push([r, f]);
    }
    for (const [r, f] of finished) this.policy(r, f);
    for (const r of writes) await this.runPrepared(r);
  }

  private async manual(r: Ready): Promise<void> {
    const text = r.action.type === 'manual' ? r.action.text : '';
    this.emit(this.startedEvent(r));
    const extra = this.finishedExtra(r);
    if (this.o.dryRun) {
      this.finish(r.step, r.ctx, r.kind, r.effect, { status: 'planned', summary: 'manual step (the operator would confirm it)', attempts: 0 }, 0, extra);
      return;
    }
    if (!this.o.prompter.interactive) {
      this.note(`manual step "${r.step.id}" cannot be confirmed in a non-interactive run; do it by hand: ${text}`, 'warn', r.step.id);
      this.finish(r.step, r.ctx, r.kind, r.effect, { status: 'skipped', summary: 'not confirmed (non-interactive run)', attempts: 0 }, 0, extra);
      return;
    }
    const t0 = performance.now();
    const answer = await this.ask(this.o.prompter.manual(this.redactor.string(text)));
    const ms = Math.round(performance.now() - t0);
    this.emit({ type: 'decision-made', decision: 'manual', value: answer, by: 'operator', approver: this.user, stepId: r.step.id });
    if (answer === 'stop') {
      this.finish(r.step, r.ctx, r.kind, r.effect, { status: 'stopped', summary: `stopped here by ${this.user}`, attempts: 1 }, ms, extra);
      throw new Stop('stopped', 3, `stopped by ${this.user} at manual step "${r.step.id}"`);
    }
    this.finish(
      r.step,
      r.ctx,
      r.kind,
      r.effect,
      answer === 'done' ? { status: 'ok', summary: `done (confirmed by ${this.user})`, attempts: 1 } : { status: 'skipped', summary: `skipped by ${this.user}`, attempts: 1 },
      ms,
      extra,
    );
  }

  // ── approvals and dry-run ───────────────────────────────────────────────

  /** Why a write of a resumed run needs an approval given now (not one from the original command line). */
  private freshApproval(id: string): string | undefined {
    const r = this.o.resume;
    if (!r) return undefined;
    const partWay = r.partWay.get(id);
    if (partWay) return `this step was ${partWay} before the run stopped; the plan counts what is left`;
    if (r.inDoubt.has(id)) return 'this step started before the run stopped and never reported back: its outcome is unknown; check the target before running it again';
    const f = r.finished.get(id);
    if (f?.status === 'failed' && f.effect === 'write') return `this step failed before the restart (${f.summary}); check the target before running it again`;
    return undefined;
  }

  private async planOf(r: Ready): Promise<{ plan?: Plan; planError?: string }> {
    const a = r.action;
    if (a.type === 'run') return { plan: { summary: `would run: ${a.cmd.display}`, ...(a.target ? { target: a.target } : {}) } };
    if (a.type !== 'check') return {};
    if (!a.stepType.plan) return { plan: { summary: `would run ${a.name} with ${JSON.stringify(a.input)}`, ...(a.target ? { target: a.target } : {}) } };
    const out = await this.withTimeout(r, (ctx) => a.stepType.plan!(ctx, a.input));
    if (out.ok) return { plan: { ...out.value, ...(out.value.target || !a.target ? {} : { target: a.target }) } };
    return { planError: out.message };
  }

  /** Dry-run: returns the planned outcome. Live: asks, and returns undefined when approved. */
  private async approveOrPlan(r: Ready): Promise<Finished | undefined> {
    const { step, ctx } = r;
    const fresh = this.freshApproval(step.id);
    const inDoubt = fresh !== undefined;
    const { plan, planError } = await this.planOf(r);
    r.plan = plan;
    this.checkInterrupted();
    const target = plan?.target ?? (r.action.type === 'run' || r.action.type === 'check' ? r.action.target : undefined);
    if (this.o.dryRun) {
      return {
        status: 'planned',
        summary: plan?.summary ?? `would run ${r.action.type === 'check' ? `${r.action.name} ${JSON.stringify(r.action.input)}` : step.id}`,
        attempts: 0,
        ...(plan ? { plan } : {}),
        ...(planError ? { planError } : {}),
      };
    }
    let confirmText: string | undefined;
    if (step.highRisk) {
      if (step.confirm) {
        try {
          confirmText = stringify(this.scope.interpolate(step.confirm, [...r.path, 'confirm']));
        } catch (e) {
          this.note((e as Error).message, 'warn', step.id);
        }
      }
      confirmText ||= plan?.target || step.id;
    }
    const action = r.action.type === 'run' ? r.action.cmd.display : r.action.type === 'check' ? `${r.action.name} ${JSON.stringify(r.action.input)}` : step.id;
    const warnings = [...(ctx.optionWarnings ?? []), ...(step.warnings ?? [])];
    if (fresh) warnings.unshift(fresh);
    this.emit({
      type: 'approval-needed',
      stepId: step.id,
      stage: ctx.stage,
      ...(ctx.optionId ? { optionId: ctx.optionId } : {}),
      ...(ctx.caseId ? { caseId: ctx.caseId } : {}),
      effect: 'write',
      ...(step.title ? { title: step.title } : {}),
      action,
      ...(target ? { target } : {}),
      ...(plan ? { plan } : {}),
      ...(planError ? { planError } : {}),
      warnings,
      highRisk: !!step.highRisk,
      ...(confirmText ? { confirmText } : {}),
      ...(inDoubt ? { inDoubt: true } : {}),
    });
    const ref = { stepId: step.id, stage: ctx.stage, ...(ctx.optionId ? { optionId: ctx.optionId } : {}) };
    // An in-doubt write needs an approval given now, not one from the original command line.
    const flags = inDoubt ? (this.o.resumeApprove ?? []) : (this.o.approve ?? []);
    if (flags.includes(step.id)) {
      this.emit({ type: 'approval-given', ...ref, approver: this.user, via: 'flag' });
      return undefined;
    }
    const hint = `--approve ${step.id}`;
    if (!this.o.prompter.interactive) {
      this.emit({ type: 'approval-declined', ...ref, approver: this.user, reason: 'not-approved', hint });
      throw new Stop(
        'stopped',
        3,
        `stopped before write step "${step.id}": ${inDoubt ? 'it ran before the restart without a known good outcome and needs a fresh approval' : 'not approved'} (non-interactive run); approve it with ${hint}`,
        hint,
      );
    }
    let approved: boolean;
    let via: 'prompt' | 'typed' = 'prompt';
    if (step.highRisk) {
      via = 'typed';
      const typed = await this.ask(
        this.o.prompter.typed(this.redactor.string(`High-risk step "${step.id}". Type ${JSON.stringify(confirmText)} to run it`), this.redactor.string(confirmText!)),
      );
      approved = typed.trim() === confirmText;
      if (!approved && typed.trim()) this.note(`typed text did not match ${JSON.stringify(confirmText)}: not approved`, 'warn', step.id);
    } else {
      approved = await this.ask(this.o.prompter.confirm(this.redactor.string(`Run write step "${step.id}"${target ? ` on ${target}` : ''}?`)));
    }
    if (approved) {
      this.emit({ type: 'approval-given', ...ref, approver: this.user, via });
      return undefined;
    }
    this.emit({ type: 'approval-declined', ...ref, approver: this.user, reason: step.highRisk ? 'typed-mismatch' : 'declined' });
    if (ctx.stage === 'mitigate' && ctx.optionId && this.o.runbook.stages.mitigate!.options.length > 1) throw new Declined(step.id);
    throw new Stop('stopped', 3, `stopped before write step "${step.id}": declined by ${this.user}`, hint);
  }

  // ── execution ───────────────────────────────────────────────────────────

  /** Runs `fn` with a StepContext whose signal aborts at the step timeout or on
   *  Ctrl-C; stops waiting at the timeout even if `fn` ignores the signal. */
  private async withTimeout<T>(
    r: Ready,
    fn: (ctx: StepContext) => Promise<T>,
  ): Promise<{ ok: true; value: T } | { ok: false; message: string; reason: FailureReason; done?: WorkDone }> {
    const ac = new AbortController();
    let done: WorkDone | undefined;
    const onRunAbort = (): void => ac.abort(new Error('interrupted'));
    this.aborter.signal.addEventListener('abort', onRunAbort, { once: true });
    let timedOut = false;
    let timer: NodeJS.Timeout | undefined;
    const name = r.action.type === 'check' ? r.action.name : r.step.id;
    // Step types get ctx.timeoutMs and fail with their own words when it passes
    // ("kubernetes API at … did not answer within 5s"); a short grace later the
    // engine aborts the signal and stops waiting, whatever the type does.
    const grace = Math.min(1000, Math.max(400, Math.round(r.timeoutMs / 10)));
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        timedOut = true;
        const err = new StepError(`${name} did not answer within ${formatDuration(r.timeoutMs)}`, 'timeout');
        ac.abort(err);
        reject(err);
      }, r.timeoutMs + grace);
      ac.signal.addEventListener('abort', () => reject(ac.signal.reason), { once: true });
    });
    const ctx: StepContext = {
      signal: ac.signal,
      timeoutMs: r.timeoutMs,
      env: this.env,
      progress: (message) =>
        this.emit({ type: 'step-progress', stepId: r.step.id, stage: r.ctx.stage, ...(r.ctx.optionId ? { optionId: r.ctx.optionId } : {}), message: oneLine(message) }),
      tally: (w) => {
        done = { ...w };
      },
    };
    try {
      return { ok: true, value: await Promise.race([fn(ctx), timeout]) };
    } catch (e) {
      if (this.aborter.signal.aborted) return { ok: false, message: `${name} was interrupted`, reason: 'interrupted', ...(done ? { done } : {}) };
      const message = oneLine((e as Error)?.message ?? String(e));
      const code = (e as StepError).code ?? (e as NodeJS.ErrnoException).code;
      const unreachable = code === 'unreachable' || code === 'timeout' || UNREACHABLE.test(message) || UNREACHABLE.test(String(code ?? ''));
      const reason: FailureReason = code === 'timeout' || timedOut ? 'timeout' : code === 'unreadable' ? 'unreadable' : unreachable ? 'unreachable' : 'error';
      return { ok: false, message: unreachable && !/^unreachable/i.test(message) ? `unreachable: ${message}` : message, reason, ...(done ? { done } : {}) };
    } finally {
      clearTimeout(timer);
      this.aborter.signal.removeEventListener('abort', onRunAbort);
    }
  }

  private async attempt(r: Ready): Promise<Attempt> {
    const a = r.action;
    if (a.type === 'run') {
      const res: CommandResult = await runCommand(
        { file: a.cmd.file, args: a.cmd.args, display: a.cmd.display },
        {
          timeoutMs: r.timeoutMs,
          signal: this.aborter.signal,
          env: a.cmd.env ? { ...this.env, ...a.cmd.env } : this.env,
          cwd: this.o.cwd,
          parse: r.step.parse,
          // Journaled so that a resume after kill -9 can see the write still running.
          onSpawn: (pid) => this.emit({ type: 'step-spawned', stepId: r.step.id, stage: r.ctx.stage, ...(r.ctx.optionId ? { optionId: r.ctx.optionId } : {}), pid }),
        },
      );
      const excerpt = res.failed || res.parseError ? errorExcerpt(res.stdout, res.stderr) : undefined;
      if (res.interrupted) return { ok: false, result: res, summary: res.shortMessage, reason: 'interrupted', interrupted: true };
      if (res.timedOut) return { ok: false, result: res, summary: res.shortMessage, reason: 'timeout', ...(excerpt ? { excerpt } : {}) };
      if (res.parseError && !res.failed && r.step.parse === 'json') return { ok: false, result: res, summary: res.parseError, reason: 'error', ...(excerpt ? { excerpt } : {}) };
      // redis-cli exits 0 on an error reply: the reply decides.
      const reply = res.failed ? undefined : errorReply(a.programs, res.stdout, res.stderr);
      if (reply) return { ok: false, result: res, summary: `the server replied with an error: ${reply}`, reason: 'error', excerpt: errorExcerpt(res.stdout, res.stderr) };
      const lines = res.lines.length;
      const summary = res.failed ? res.shortMessage : `exit 0${lines ? `, ${lines} line${lines === 1 ? '' : 's'}` : ''}${lines === 1 ? `: ${oneLine(res.lines[0]!)}` : ''}`;
      // A write shows what it printed (bounded), not only how many lines.
      const output = !res.failed && r.effect === 'write' && lines > 1 ? outputExcerpt(res.lines) : undefined;
      if (output) return { ok: true, result: res, summary, excerpt: output };
      // With `expect`, the expectation decides (a runbook may expect a non-zero exit).
      return { ok: !res.failed || !!r.step.expect, result: res, summary, reason: res.failed ? 'exit' : undefined, ...(excerpt ? { excerpt } : {}) };
    }
    if (a.type === 'check') {
      const out = await this.withTimeout(r, (ctx) => a.stepType.run(ctx, a.input));
      if (!out.ok) {
        const progress = out.done ? { ...out.done, ...(r.plan?.amount !== undefined ? { total: r.plan.amount } : {}) } : undefined;
        return { ok: false, summary: out.message, reason: out.reason, interrupted: out.reason === 'interrupted', ...(progress ? { progress } : {}) };
      }
      const env = out.value;
      return { ok: env.ok, result: env.result, summary: env.summary, ...(env.ok ? {} : { reason: 'error' as FailureReason }) };
    }
    return { ok: true, summary: '' };
  }

  /** expect: false → failed, quoting the expression and the values it read. */
  private expectation(r: Ready, at: Attempt): Attempt {
    if (!r.step.expect || !at.ok || at.result === undefined) return at;
    const exitNote = (at.result as CommandResult)?.failed ? `; ${at.summary}` : '';
    try {
      const c = this.scope.condition(r.step.expect, [...r.path, 'expect'], { result: at.result });
      if (c.value) return at;
      const values = describeValues(this.scope.values(r.step.expect, { result: at.result }));
      return { ...at, ok: false, reason: 'expect', summary: `expect failed: ${r.step.expect}${values ? ` (${values})` : ''}${exitNote}` };
    } catch (e) {
      return { ...at, ok: false, reason: 'expression', summary: (e as Error).message };
    }
  }

  private async execute(r: Ready): Promise<Finished> {
    if (r.step.until) return this.poll(r);
    const tries = 1 + Math.max(0, r.step.retries ?? 0);
    let last: Attempt = { ok: false, summary: 'not run' };
    for (let i = 1; i <= tries; i++) {
      last = this.expectation(r, await this.attempt(r));
      if (last.interrupted || this.aborter.signal.aborted) return this.toFinished({ ...last, reason: 'interrupted' }, i, 'interrupted');
      if (last.ok) return this.toFinished(last, i, 'ok');
      if (i < tries) {
        const delay = (this.o.retryDelayMs ?? 1000) * i;
        this.emit({ type: 'step-progress', stepId: r.step.id, stage: r.ctx.stage, message: `attempt ${i}/${tries} failed: ${last.summary}; retrying in ${formatDuration(delay)}` });
        try {
          await this.clock.sleep(delay, this.aborter.signal);
        } catch {
          return this.toFinished({ ...last, reason: 'interrupted' }, i, 'interrupted');
        }
      }
    }
    return this.toFinished(last, tries, 'failed');
  }

  private toFinished(a: Attempt, attempts: number, status: StepStatus): Finished {
    const interrupted = status === 'interrupted';
    const summary = a.progress ? stoppedPartWay(a.progress, interrupted, a.summary) : interrupted ? `interrupted: ${a.summary}` : a.summary;
    // The journal keeps how far it got, so resume can say so before re-planning.
    const result = a.progress ? { ...(typeof a.result === 'object' && a.result ? a.result : {}), progress: a.progress } : a.result;
    return {
      status,
      summary,
      attempts,
      ...(result !== undefined ? { result } : {}),
      ...(status !== 'ok' && a.reason ? { reason: a.reason } : {}),
      ...(a.excerpt?.length ? { excerpt: a.excerpt } : {}),
    };
  }

  /** until: run, test the condition on the result, wait `every`, up to `timeout`. */
  private async poll(r: Ready): Promise<Finished> {
    const until = r.step.until!;
    const every = parseDuration(until.every);
    const total = parseDuration(until.timeout);
    const t0 = this.clock.now();
    const condPath = [...r.path, 'until', 'condition'];
    for (let i = 1; ; i++) {
      let at = await this.attempt(r);
      if (at.interrupted || this.aborter.signal.aborted) return this.toFinished(at, i, 'interrupted');
      let detail: string;
      if (at.ok && at.result !== undefined) {
        let c;
        try {
          c = this.scope.condition(until.condition, condPath, { result: at.result });
        } catch (e) {
          return this.toFinished({ ...at, ok: false, reason: 'expression', summary: (e as Error).message }, i, 'failed');
        }
        const values = describeValues(this.scope.values(until.condition, { result: at.result }));
        if (c.value) {
          at = this.expectation(r, at);
          const done = { ...at, summary: `${until.condition} after ${formatDuration(this.clock.now() - t0)}${values ? ` (${values})` : ''}` };
          return this.toFinished(at.ok ? done : at, i, at.ok ? 'ok' : 'failed');
        }
        detail = `${until.condition} is false${values ? ` (${values})` : ''}`;
      } else {
        detail = `check failed: ${at.summary}`;
      }
      const waited = this.clock.now() - t0;
      if (this.o.dryRun) {
        return this.toFinished(
          { ...at, ok: false, reason: 'until', summary: `not yet: ${detail} (a dry-run checks once; a live run polls every ${until.every} for up to ${until.timeout})` },
          i,
          'failed',
        );
      }
      if (waited + every > total) {
        return this.toFinished({ ...at, ok: false, reason: 'until', summary: `still not true after ${formatDuration(waited)}: ${detail}` }, i, 'failed');
      }
      this.emit({
        type: 'step-progress',
        stepId: r.step.id,
        stage: r.ctx.stage,
        ...(r.ctx.optionId ? { optionId: r.ctx.optionId } : {}),
        message: `waiting: ${detail}; next check in ${until.every} (${formatDuration(waited)} of ${until.timeout})`,
      });
      try {
        await this.clock.sleep(every, this.aborter.signal);
      } catch {
        return this.toFinished({ ...at, reason: 'interrupted' }, i, 'interrupted');
      }
    }
  }
}

/** Runs at most `n` tasks at once. */
function limiter(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const queue: Array<() => void> = [];
  const next = (): void => {
    if (active >= n || !queue.length) return;
    active++;
    queue.shift()!();
  };
  return <T>(task: () => Promise<T>) =>
    new Promise<T>((resolve, reject) => {
      queue.push(() => {
        task()
          .then(resolve, reject)
          .finally(() => {
            active--;
            next();
          });
      });
      next();
    });
}

/** Best-effort target of a native step from its input. */
function inputTarget(input: Record<string, unknown>): string | undefined {
  const s = (k: string): string | undefined => (typeof input[k] === 'string' && input[k] ? String(input[k]) : undefined);
  const parts: string[] = [];
  if (s('context')) parts.push(`kube context ${s('context')}`);
  if (s('namespace')) parts.push(`namespace ${s('namespace')}`);
  if (s('url')) parts.push(maskUrl(s('url')!));
  if (s('brokers')) parts.push(`kafka ${s('brokers')}`);
  if (s('group')) parts.push(`group ${s('group')}`);
  if (s('pattern')) parts.push(`pattern ${s('pattern')}`);
  return parts.length ? parts.join(', ') : undefined;
}
