// The scenario as the world a rehearsal acts on: every read, write, plan and
// post of the run is answered from the scenario's canned answers, and each
// takes its simulated time on the run clock. Answers change as the story
// does: once a step named in `after[].ran` has run, its answers replace the
// ones before.
import type { StepBackend, PostAnswer } from '../engine/backend.js';
import type { FakeClock } from '../engine/clock.js';
import type { Attempt, Ready, RunCore } from '../engine/core.js';
import type { EngineEvent } from '../engine/events.js';
import { commandAttempt } from '../engine/execute.js';
import type { CommandResult } from '../steps/command.js';
import { parseDuration } from '../shared/duration.js';
import type { Answer, Scenario, StepAnswers } from './scenario.js';

/** How long a step takes when the scenario does not say. */
export const DEFAULT_TAKES = { read: '30s', write: '2m', manual: '5m', message: '1m' } as const;

/** What the scenario carried out for the run: each write and post, in order. */
export interface Acted {
  stepId: string;
  kind: 'write' | 'post';
  optionId?: string;
  atMs: number;
}

export class ScenarioBackend implements StepBackend {
  readonly name = 'rehearsal';
  readonly acted: Acted[] = [];
  private readonly ran = new Set<string>();
  /** Attempts per answer set: a sequence starts again when the story moves on. */
  private readonly attempts = new Map<StepAnswers, number>();

  constructor(
    private readonly scenario: Scenario,
    private readonly clock: FakeClock,
    private readonly startedAt = clock.now(),
  ) {}

  /** Subscribed to the run's events: a step that ran to its end unlocks the answers that wait for it. */
  readonly observe = (e: EngineEvent): void => {
    if (e.type === 'step-finished' && e.status === 'ok') this.ran.add(e.stepId);
  };

  /** The answers for a step as the story stands now. */
  answersFor(stepId: string): StepAnswers | undefined {
    let found = this.scenario.steps?.[stepId];
    for (const after of this.scenario.after ?? []) {
      const needs = Array.isArray(after.ran) ? after.ran : [after.ran];
      if (needs.every((id) => this.ran.has(id)) && after.steps[stepId]) found = after.steps[stepId];
    }
    return found;
  }

  /** This attempt's answer: the next of a sequence (the last repeats), or the one answer. */
  private answerNow(stepId: string): Answer | undefined {
    const answers = this.answersFor(stepId);
    if (!answers) return undefined;
    const n = this.attempts.get(answers) ?? 0;
    this.attempts.set(answers, n + 1);
    if (!answers.sequence?.length) return answers;
    const one = answers.sequence[Math.min(n, answers.sequence.length - 1)]!;
    return { ...(answers.takes ? { takes: answers.takes } : {}), ...one };
  }

  /** The step takes its time from `start`: reads of one batch start together, so the batch takes its longest read. */
  private async elapse(answer: Answer | undefined, fallback: string, start = this.clock.now()): Promise<void> {
    await Promise.resolve();
    const end = start + parseDuration(answer?.takes ?? fallback);
    if (end > this.clock.now()) this.clock.advance(end - this.clock.now());
  }

  async attempt(_core: RunCore, r: Ready): Promise<Attempt> {
    const id = r.step.id;
    const write = r.effect === 'write';
    const answer = this.answerNow(id);
    await this.elapse(answer, write ? DEFAULT_TAKES.write : DEFAULT_TAKES.read);
    if (write) this.acted.push({ stepId: id, kind: 'write', atMs: this.clock.now() - this.startedAt, ...(r.ctx.optionId ? { optionId: r.ctx.optionId } : {}) });
    if (!answer) {
      // A write the story does not describe simply works; a read it does not describe observed nothing.
      if (write) return { ok: true, result: {}, summary: 'done (the scenario describes no result)' };
      return { ok: false, summary: `the scenario has no answer for step "${id}"`, reason: 'unreadable' };
    }
    if (answer.fails) return { ok: false, summary: answer.fails, reason: /^unreachable\b/i.test(answer.fails) ? 'unreachable' : 'error' };
    if (r.action.type === 'run') return commandAttempt(r, r.action.programs, commandResult(r, answer));
    const result = answer.result ?? {};
    const summary = answer.summary ?? summarize(result);
    // Judged as the live step judges it: an HTTP 503 or a config that did not read back fails here too.
    const action = r.action.type === 'check' ? r.action : undefined;
    if (action?.stepType.judge && !action.stepType.judge(action.input, result as Record<string, unknown>)) return { ok: false, result, summary: `${summary} (a failure, as ${action.name} judges this result)`, reason: 'error' };
    return { ok: true, result, summary };
  }

  async plan(_core: RunCore, r: Ready): Promise<{ plan?: { summary: string; target?: string } }> {
    const a = r.action;
    if (a.type !== 'check') return {};
    const target = a.target;
    return { plan: { summary: `would run ${a.name} with ${JSON.stringify(a.input)}`, ...(target ? { target } : {}) } };
  }

  async post(_core: RunCore, r: Ready): Promise<PostAnswer> {
    const answer = this.answersFor(r.step.id);
    await this.elapse(answer, DEFAULT_TAKES.message);
    this.acted.push({ stepId: r.step.id, kind: 'post', atMs: this.clock.now() - this.startedAt, ...(r.ctx.optionId ? { optionId: r.ctx.optionId } : {}) });
    const channel = r.action.type === 'message' ? r.action.message.channel : 'the channel';
    return { ok: true, status: 200, response: 'ok', summary: `posted to ${channel} (rehearsal: nothing was sent)`, durationMs: 0 };
  }

  /** A manual step whose answer `fails`: what the operator finds instead of a pass. */
  manualFinding(stepId: string): string | undefined {
    return this.answersFor(stepId)?.fails;
  }

  /** A manual step the operator confirmed: the time it takes in the story. */
  async settle(stepId: string): Promise<void> {
    await this.elapse(this.answersFor(stepId), DEFAULT_TAKES.manual);
  }
}

/** A command's result as the step would have seen it. */
function commandResult(r: Ready, a: Answer): CommandResult {
  const stdout = a.stdout ?? '';
  const exitCode = a.exit ?? 0;
  const display = r.action.type === 'run' ? r.action.cmd.display : r.step.id;
  let json: unknown;
  let parseError: string | undefined;
  if (r.step.parse === 'json') {
    try {
      json = JSON.parse(stdout);
    } catch (e) {
      parseError = `stdout is not JSON: ${(e as Error).message}`;
    }
  }
  return {
    command: display,
    exitCode,
    signal: null,
    timedOut: false,
    interrupted: false,
    durationMs: 0,
    stdout,
    stderr: a.stderr ?? '',
    lines: stdout.split('\n').filter((l) => l.length > 0),
    ...(json !== undefined ? { json } : {}),
    ...(parseError ? { parseError } : {}),
    shortMessage: exitCode === 0 ? 'exit 0' : `exit ${exitCode}${a.stderr ? `: ${a.stderr.split('\n')[0]}` : ''}`,
    failed: exitCode !== 0,
  };
}

/** "totalLag=18000, partitionCount=12": the first few plain values of a result. */
function summarize(result: unknown): string {
  if (!result || typeof result !== 'object') return String(result);
  const plain = Object.entries(result as Record<string, unknown>).filter(([, v]) => v === null || ['string', 'number', 'boolean'].includes(typeof v));
  const shown = plain.slice(0, 4).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return shown.length ? shown.join(', ') : 'result from the scenario';
}
