// The execution engine: walks Detect → Triage → Mitigate → Communicate →
// Resolve, runs steps, asks for approval before every write, and reports
// everything as events. It knows no terminal: the UI, the --json writer and
// the journal subscribe; prompts come in through a Prompter.
//
// This module is the run and its walk: the start, the stages, triage cases,
// mitigation options, batches of reads and manual steps. What a step goes
// through lives beside it: prepare.ts (render, judge), approval.ts (plan,
// yes), execute.ts (timeouts, attempts, expect, until), outcome.ts (events,
// failure policy, final outcome); mitigation.ts chooses an option,
// resumed.ts starts a resumed run, and core.ts holds the state they share.
import { randomBytes } from 'node:crypto';
import type { SourceFile } from '../runbook/source.js';
import type { Escalation, MitigationOption, Runbook, StageName, Step } from '../runbook/types.js';
import { defined } from '../shared/defined.js';
import type { StepType } from '../steps/types.js';
import { approveOrPlan } from './approval.js';
import type { StepBackend } from './backend.js';
import type { Clock } from './clock.js';
import { RunCore, Stop, type Ctx, type Finished, type Ready } from './core.js';
import type { AlertRef, EventBus, Outcome, Subscriber } from './events.js';
import { execute } from './execute.js';
import { limiter } from './limiter.js';
import { runMessage } from './message.js';
import { chooseAndRun, tryAnother } from './mitigation.js';
import { finalOutcome, finish, policy, runFinished, stoppedOutcome, type RunOutcome } from './outcome.js';
import { publicParams, secretDigests, type ResolvedParams } from './params.js';
import { finishedExtra, prepare, startedEvent } from './prepare.js';
import type { Prompter } from './prompter.js';
import type { Redactor } from './redact.js';
import { scheduleReminders } from './reminders.js';
import { startResumed } from './resumed.js';
import type { ResumeState } from './resume.js';
import { TimeboxWatch } from './timebox.js';
import { batches } from './walk.js';

export { DEFAULT_TIMEOUT_MS } from './core.js';

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
  /** Where steps act instead of the live world: a rehearsal's scenario (see backend.ts). */
  backend?: StepBackend;
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
  /** The alert this run was started from (`run --alert`), journaled with run-started. */
  alert?: AlertRef;
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

export class Engine {
  readonly bus: EventBus;
  readonly runId: string;
  readonly redactor: Redactor;
  private readonly core: RunCore;
  private readonly timebox: TimeboxWatch;
  private mitigateCommonDone = false;

  constructor(private readonly o: EngineOptions) {
    this.core = new RunCore(o);
    this.timebox = new TimeboxWatch(this.core);
    this.runId = this.core.runId;
    this.bus = this.core.bus;
    this.redactor = this.core.redactor;
  }

  subscribe(fn: Subscriber, opts?: { critical?: boolean }): void {
    this.bus.subscribe(fn, opts);
  }

  /** Ctrl-C or a signal: abort the running step (its process group is killed) and stop.
   *  `cause` names what arrived, so the operator reads "SIGTERM", not a Ctrl-C they never pressed. */
  interrupt(cause = 'Ctrl-C'): void {
    this.core.interrupt(cause);
  }

  get interrupted(): boolean {
    return this.core.signal.aborted;
  }

  async run(): Promise<RunResult> {
    const { o, core } = this;
    if (o.resume) await startResumed(core, o.resume);
    else this.started();
    const cancelReminders = scheduleReminders({
      clock: core.clock,
      startedAt: core.startedAt,
      escalation: o.escalation ?? o.runbook.escalation ?? [],
      statusUpdateEvery: o.statusUpdateEvery ?? o.runbook.reminders?.statusUpdateEvery,
      fired: o.resume?.reminders,
      emit: (kind, message, after) => core.emit({ type: 'reminder', kind, message, ...defined({ after }), elapsedMinutes: core.elapsedMinutes() }),
    });
    let result: RunOutcome;
    try {
      await this.walk();
      result = finalOutcome(core);
    } catch (e) {
      result = stoppedOutcome(e);
    } finally {
      cancelReminders();
      this.timebox.cancel();
    }
    core.emit(runFinished(core, result));
    return { runId: this.runId, outcome: result.outcome, exitCode: result.exitCode, message: result.message };
  }

  private started(): void {
    const { o, core } = this;
    core.emit({
      type: 'run-started',
      v: 1,
      runbook: core.runbookRef,
      params: publicParams(o.params),
      paramSources: o.params.sources,
      secretDigests: secretDigests(this.runId, o.params, o.fingerprintKey ?? randomBytes(32)),
      options: core.optionsRecord,
      user: core.user,
      startedAt: new Date(core.startedAt).toISOString(),
      ...(o.alert ? { alert: o.alert } : {}),
    });
  }

  // ── the walk ────────────────────────────────────────────────────────────

  private async walk(): Promise<void> {
    const { detect, triage, mitigate, communicate, resolve } = this.o.runbook.stages;
    await this.stage('detect', detect);
    if (triage) {
      await this.stage('triage', triage);
      await this.triageCases();
    }
    const tried = mitigate ? await this.mitigate() : [];
    if (communicate) await this.stage('communicate', communicate);
    await this.stage('resolve', resolve);
    await this.untilResolved(tried);
  }

  /** Resolve did not pass: interactively, refresh the evidence and offer the
   *  options not tried yet (each attempt journaled), then resolve again. */
  private async untilResolved(tried: string[]): Promise<void> {
    const { o, core } = this;
    const { detect, triage, mitigate, resolve } = o.runbook.stages;
    while (core.notVerified.length && mitigate && tried.length && !o.dryRun && o.prompter.interactive && !o.option) {
      const failed = [...core.notVerified];
      if (!mitigate.options.some((opt) => !tried.includes(opt.id))) return;
      core.note(`resolve not verified after option "${tried.at(-1)}": reading detect and triage again before the next choice`, 'warn');
      await this.refreshEvidence('detect', detect);
      if (triage) await this.refreshEvidence('triage', triage);
      this.enter('mitigate', mitigate);
      const next = await tryAnother(core, tried, failed, (option) => this.runOption(option));
      if (!next) return;
      tried.splice(0, tried.length, ...next);
      core.notVerified.length = 0;
      await this.stage('resolve', resolve);
    }
  }

  /** A stage's reads again (and those of the triage cases that match the refreshed
   *  evidence, as the walk would); its writes and manual steps are not repeated. */
  private async refreshEvidence(name: 'detect' | 'triage', stage: { timebox?: string; notes?: string[]; steps?: Step[] }): Promise<void> {
    const reads = (steps: Step[]): Step[] => steps.filter((s) => s.effect === 'read' && (s.run !== undefined || s.check !== undefined));
    this.enter(name, { ...defined({ timebox: stage.timebox }) });
    await this.steps(reads(stage.steps ?? []), { stage: name });
    if (name === 'triage') await this.triageCases(reads);
  }

  /** stage-started, and its timebox watched. */
  private enter(name: StageName, stage: { timebox?: string; notes?: string[] }): void {
    this.core.checkInterrupted();
    this.core.emit({ type: 'stage-started', stage: name, ...defined({ timebox: stage.timebox, notes: stage.notes }) });
    this.timebox.watch(name, stage.timebox);
  }

  private async stage(name: StageName, stage: { timebox?: string; notes?: string[]; steps?: Step[] } | undefined): Promise<void> {
    if (!stage) return;
    this.enter(name, stage);
    await this.steps(stage.steps ?? [], { stage: name });
  }

  /** `pick`: which of a matching case's steps run (all of them, on the walk). */
  private async triageCases(pick: (steps: Step[]) => Step[] = (steps) => steps): Promise<void> {
    const core = this.core;
    const cases = this.o.runbook.stages.triage?.cases ?? [];
    for (const [ci, c] of cases.entries()) {
      core.checkInterrupted();
      let matches = true;
      if (c.when) {
        try {
          const r = core.scope.condition(c.when, ['stages', 'triage', 'cases', ci, 'when']);
          if (r.note) core.note(`triage case "${c.id}": ${r.note}`, 'warn');
          matches = r.value;
        } catch (e) {
          core.note((e as Error).message, 'warn');
          matches = false;
        }
      }
      if (!matches) continue;
      const notes = c.notes?.length ? `\n${c.notes.map((n) => `· ${n}`).join('\n')}` : '';
      if (c.when) {
        core.emit({ type: 'decision-made', decision: 'triage-case', value: c.id, by: 'condition' });
        core.note(`triage case "${c.id}": ${c.title} (${c.when})${notes}`);
      } else {
        core.note(`triage case "${c.id}": ${c.title} (no condition: the operator judges)${notes}`);
      }
      await this.steps(pick(c.steps ?? []), { stage: 'triage', caseId: c.id });
    }
  }

  private async mitigate(): Promise<string[]> {
    this.enter('mitigate', this.o.runbook.stages.mitigate!);
    return chooseAndRun(this.core, (option) => this.runOption(option));
  }

  /** The stage's common steps (once, before the first option), then the option's. */
  private async runOption(option: MitigationOption): Promise<void> {
    const mitigate = this.o.runbook.stages.mitigate!;
    const ctx: Ctx = { stage: 'mitigate', optionId: option.id, ...defined({ optionWarnings: option.warnings }) };
    for (const n of option.notes ?? []) this.core.note(`${option.id}: ${n}`);
    if (!this.mitigateCommonDone && mitigate.steps?.length) {
      await this.steps(mitigate.steps, { ...ctx, optionId: undefined });
      this.mitigateCommonDone = true;
    }
    await this.steps(option.steps, ctx);
  }

  // ── steps ───────────────────────────────────────────────────────────────

  /** Step durations: the wall clock, or in a rehearsal the simulated one (a redeploy takes its 5m there). */
  private now(): number {
    return this.o.backend ? this.core.clock.now() : performance.now();
  }

  private isParallelRead = (step: Step): boolean => {
    if (step.effect !== 'read' || step.highRisk || step.until) return false;
    if (step.run !== undefined) return true;
    if (step.check !== undefined) {
      const type = this.o.stepTypes?.(step.check);
      // A type whose effect depends on its (interpolated) input never batches.
      return !!type && type.effect === 'read' && !type.effectOf;
    }
    return false;
  };

  private async steps(steps: Step[], ctx: Ctx): Promise<void> {
    for (const batch of batches(steps, this.isParallelRead)) {
      this.core.checkInterrupted();
      if (batch.length === 1) await this.one(batch[0]!, ctx);
      else await this.batch(batch, ctx);
    }
  }

  private async one(step: Step, ctx: Ctx): Promise<void> {
    const r = prepare(this.core, step, ctx);
    if (r) await this.runPrepared(r);
  }

  private async runPrepared(r: Ready): Promise<void> {
    const core = this.core;
    const { step, ctx } = r;
    if (r.kind === 'message') return runMessage(core, r);
    if (r.kind === 'manual') return this.manual(r);
    if (r.effect === 'write') {
      const planned = await approveOrPlan(core, r);
      if (planned) {
        core.plannedWrites++;
        finish(core, step, ctx, r.kind, r.effect, planned, 0, finishedExtra(r));
        return;
      }
    }
    core.emit(startedEvent(r));
    const t0 = this.now();
    const f = await execute(core, r);
    finish(core, step, ctx, r.kind, r.effect, f, Math.round(this.now() - t0), finishedExtra(r));
    policy(core, r, f);
  }

  private async batch(steps: Step[], ctx: Ctx): Promise<void> {
    const core = this.core;
    // Settled steps (skipped, restored) report as they are prepared, in order.
    const prepared = steps.map((s) => prepare(core, s, ctx)).filter((r): r is Ready => r !== undefined);
    // A read whose rendered command turned out to mutate leaves the batch: it
    // goes through approval (or is only planned in a dry-run) on its own, after.
    const ready = prepared.filter((r) => r.effect === 'read');
    const writes = prepared.filter((r) => r.effect !== 'read');
    if (!ready.length) {
      for (const r of writes) await this.runPrepared(r);
      return;
    }
    for (const r of ready) core.emit(startedEvent(r, ready.length > 1));
    const run = limiter(Math.max(1, this.o.maxParallel ?? 8));
    const pending = ready.map((r) =>
      run(async () => {
        const t0 = this.now();
        const f = await execute(core, r);
        return { f, ms: Math.round(this.now() - t0) };
      }),
    );
    // Finished events in runbook order, whatever order the reads end in.
    const finished: Array<[Ready, Finished]> = [];
    for (const [i, r] of ready.entries()) {
      const { f, ms } = await pending[i]!;
      finish(core, r.step, ctx, r.kind, r.effect, f, ms, finishedExtra(r));
      finished.push([r, f]);
    }
    for (const [r, f] of finished) policy(core, r, f);
    for (const r of writes) await this.runPrepared(r);
  }

  private async manual(r: Ready): Promise<void> {
    const { o, core } = this;
    const text = r.action.type === 'manual' ? r.action.text : '';
    core.emit(startedEvent(r));
    const done = (f: Finished, ms: number): void => {
      finish(core, r.step, r.ctx, r.kind, r.effect, f, ms, finishedExtra(r));
    };
    if (o.dryRun) return done({ status: 'planned', summary: 'manual step (the operator would confirm it)', attempts: 0 }, 0);
    // A rehearsal's story may say what this check finds when it does not pass: that, not a question.
    const finding = o.backend?.manualFinding?.(r.step.id);
    if (finding !== undefined) {
      await o.backend!.settle?.(r.step.id);
      const f: Finished = { status: 'failed', reason: 'error', summary: `not passed: ${finding}`, attempts: 1 };
      done(f, 0);
      policy(core, r, f);
      return;
    }
    if (!o.prompter.interactive) {
      core.note(`manual step "${r.step.id}" cannot be confirmed in a non-interactive run; do it by hand: ${text}`, 'warn', r.step.id);
      return done({ status: 'skipped', summary: 'not confirmed (non-interactive run)', attempts: 0 }, 0);
    }
    const t0 = this.now();
    const answer = await core.ask(o.prompter.manual(core.redactor.string(text)));
    const ms = Math.round(this.now() - t0);
    core.emit({ type: 'decision-made', decision: 'manual', value: answer, by: 'operator', approver: core.user, stepId: r.step.id });
    if (answer === 'done') await o.backend?.settle?.(r.step.id);
    if (answer === 'stop') {
      done({ status: 'stopped', summary: `stopped here by ${core.user}`, attempts: 1 }, ms);
      throw new Stop('stopped', 3, `stopped by ${core.user} at manual step "${r.step.id}"`);
    }
    done(answer === 'done' ? { status: 'ok', summary: `done (confirmed by ${core.user})`, attempts: 1 } : { status: 'skipped', summary: `skipped by ${core.user}`, attempts: 1 }, ms);
  }
}
