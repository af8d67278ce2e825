// Execution of a prepared step: the step timeout (and Ctrl-C) around native
// checks, one attempt of a command or check, `expect`, retries, and `until`
// polling, each ending in the Finished shape the outcome module records.
import { defined } from '../shared/defined.js';
import { oneLine } from '../shared/text.js';
import { runCommand, errorExcerpt, type CommandResult } from '../steps/command.js';
import { errorReply } from '../steps/error-replies.js';
import { StepError, type StepContext, type WorkDone } from '../steps/types.js';
import { describeValues, optionRef, type Attempt, type Finished, type Ready, type RunCore } from './core.js';
import { formatDuration, parseDuration } from '../shared/duration.js';
import type { FailureReason, StepStatus } from './events.js';
import { stoppedPartWay } from './write-progress.js';

const UNREACHABLE = /unreachable|ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|did not answer|connection refused|timed? ?out/i;

export type Timed<T> = { ok: true; value: T } | { ok: false; message: string; reason: FailureReason; done?: WorkDone };

/** Runs `fn` with a StepContext whose signal aborts at the step timeout or on
 *  Ctrl-C; stops waiting at the timeout even if `fn` ignores the signal. */
export async function withTimeout<T>(core: RunCore, r: Ready, fn: (ctx: StepContext) => Promise<T>): Promise<Timed<T>> {
  const ac = new AbortController();
  let done: WorkDone | undefined;
  const onRunAbort = (): void => ac.abort(new Error('interrupted'));
  core.signal.addEventListener('abort', onRunAbort, { once: true });
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
    env: core.env,
    progress: (message) => core.emit({ type: 'step-progress', ...optionRef(r.step.id, r.ctx), message: oneLine(message) }),
    tally: (w) => {
      done = { ...w };
    },
  };
  try {
    return { ok: true, value: await Promise.race([fn(ctx), timeout]) };
  } catch (e) {
    if (core.signal.aborted) return { ok: false, message: `${name} was interrupted`, reason: 'interrupted', ...defined({ done }) };
    const message = oneLine((e as Error)?.message ?? String(e));
    const code = (e as StepError).code ?? (e as NodeJS.ErrnoException).code;
    const unreachable = code === 'unreachable' || code === 'timeout' || UNREACHABLE.test(message) || UNREACHABLE.test(String(code ?? ''));
    const reason: FailureReason = code === 'timeout' || timedOut ? 'timeout' : code === 'unreadable' ? 'unreadable' : unreachable ? 'unreachable' : 'error';
    return { ok: false, message: unreachable && !/^unreachable/i.test(message) ? `unreachable: ${message}` : message, reason, ...defined({ done }) };
  } finally {
    clearTimeout(timer);
    core.signal.removeEventListener('abort', onRunAbort);
  }
}

/** The first lines a write printed, each cut, for the screen and the journal. */
function outputExcerpt(lines: readonly string[], max = 8): string[] {
  const shown = lines.slice(0, max).map((l) => (l.length > 200 ? `${l.slice(0, 200)}…` : l));
  return lines.length > max ? [...shown, `… ${lines.length - max} more lines (the result keeps them)`] : shown;
}

async function runAttempt(core: RunCore, r: Ready, cmd: Extract<Ready['action'], { type: 'run' }>): Promise<Attempt> {
  const res: CommandResult = await runCommand(
    { file: cmd.cmd.file, args: cmd.cmd.args, display: cmd.cmd.display },
    {
      timeoutMs: r.timeoutMs,
      signal: core.signal,
      env: cmd.cmd.env ? { ...core.env, ...cmd.cmd.env } : core.env,
      cwd: core.o.cwd,
      parse: r.step.parse,
      // Journaled so that a resume after kill -9 can see the write still running.
      onSpawn: (pid) => core.emit({ type: 'step-spawned', ...optionRef(r.step.id, r.ctx), pid }),
    },
  );
  // Background processes the script left behind were stopped: say so.
  for (const n of res.notes ?? []) core.note(`step "${r.step.id}": ${n}`, 'warn', r.step.id);
  return commandAttempt(r, cmd.programs, res);
}

/** What a command's result means for the step: its exit, its error replies, its output. */
export function commandAttempt(r: Ready, programs: string[], res: CommandResult): Attempt {
  const excerpt = res.failed || res.parseError ? errorExcerpt(res.stdout, res.stderr) : undefined;
  if (res.interrupted) return { ok: false, result: res, summary: res.shortMessage, reason: 'interrupted', interrupted: true };
  if (res.timedOut) return { ok: false, result: res, summary: res.shortMessage, reason: 'timeout', ...defined({ excerpt }) };
  if (res.parseError && !res.failed && r.step.parse === 'json') return { ok: false, result: res, summary: res.parseError, reason: 'error', ...defined({ excerpt }) };
  // redis-cli exits 0 on an error reply: the reply decides.
  const reply = res.failed ? undefined : errorReply(programs, res.stdout, res.stderr);
  if (reply) return { ok: false, result: res, summary: `the server replied with an error: ${reply}`, reason: 'error', excerpt: errorExcerpt(res.stdout, res.stderr) };
  const lines = res.lines.length;
  const summary = res.failed ? res.shortMessage : `exit 0${lines ? `, ${lines} line${lines === 1 ? '' : 's'}` : ''}${lines === 1 ? `: ${oneLine(res.lines[0]!)}` : ''}`;
  // A write shows what it printed (bounded), not only how many lines.
  if (!res.failed && r.effect === 'write' && lines > 1) return { ok: true, result: res, summary, excerpt: outputExcerpt(res.lines) };
  // With `expect`, the expectation decides (a runbook may expect a non-zero exit).
  return { ok: !res.failed || !!r.step.expect, result: res, summary, reason: res.failed ? 'exit' : undefined, ...defined({ excerpt }) };
}

async function attempt(core: RunCore, r: Ready): Promise<Attempt> {
  const a = r.action;
  if (a.type !== 'run' && a.type !== 'check') return { ok: true, summary: '' };
  // A rehearsal answers from its scenario: nothing below is reached.
  if (core.o.backend) return core.o.backend.attempt(core, r);
  if (a.type === 'run') return runAttempt(core, r, a);
  const out = await withTimeout(core, r, (ctx) => a.stepType.run(ctx, a.input));
  if (!out.ok) {
    const progress = out.done ? { ...out.done, ...defined({ total: r.plan?.amount }) } : undefined;
    return { ok: false, summary: out.message, reason: out.reason, interrupted: out.reason === 'interrupted', ...defined({ progress }) };
  }
  const env = out.value;
  return { ok: env.ok, result: env.result, summary: env.summary, ...(env.ok ? {} : { reason: 'error' as FailureReason }) };
}

/** expect: false → failed, quoting the expression and the values it read. */
function expectation(core: RunCore, r: Ready, at: Attempt): Attempt {
  if (!r.step.expect || !at.ok || at.result === undefined) return at;
  const exitNote = (at.result as CommandResult)?.failed ? `; ${at.summary}` : '';
  try {
    const c = core.scope.condition(r.step.expect, [...r.path, 'expect'], { result: at.result });
    if (c.value) return at;
    const values = describeValues(core.scope.values(r.step.expect, { result: at.result }));
    return { ...at, ok: false, reason: 'expect', summary: `expect failed: ${r.step.expect}${values ? ` (${values})` : ''}${exitNote}` };
  } catch (e) {
    return { ...at, ok: false, reason: 'expression', summary: (e as Error).message };
  }
}

/** Runs a prepared step: its attempts (retries), or its polling (`until`). */
export async function execute(core: RunCore, r: Ready): Promise<Finished> {
  if (r.step.until) return poll(core, r);
  const tries = 1 + Math.max(0, r.step.retries ?? 0);
  let last: Attempt = { ok: false, summary: 'not run' };
  for (let i = 1; i <= tries; i++) {
    last = expectation(core, r, await attempt(core, r));
    if (last.interrupted || core.signal.aborted) return toFinished({ ...last, reason: 'interrupted' }, i, 'interrupted');
    if (last.ok) return toFinished(last, i, 'ok');
    if (i < tries) {
      const delay = (core.o.retryDelayMs ?? 1000) * i;
      core.emit({ type: 'step-progress', stepId: r.step.id, stage: r.ctx.stage, message: `attempt ${i}/${tries} failed: ${last.summary}; retrying in ${formatDuration(delay)}` });
      if (!(await pause(core, delay))) return toFinished({ ...last, reason: 'interrupted' }, i, 'interrupted');
    }
  }
  return toFinished(last, tries, 'failed');
}

/** Waits on the run clock between attempts; false when the run was interrupted first. */
async function pause(core: RunCore, ms: number): Promise<boolean> {
  try {
    await core.clock.sleep(ms, core.signal);
    return true;
  } catch {
    return false;
  }
}

function toFinished(a: Attempt, attempts: number, status: StepStatus): Finished {
  const interrupted = status === 'interrupted';
  const summary = a.progress ? stoppedPartWay(a.progress, interrupted, a.summary) : interrupted ? `interrupted: ${a.summary}` : a.summary;
  // The journal keeps how far it got, so resume can say so before re-planning.
  const result = a.progress ? { ...(typeof a.result === 'object' && a.result ? a.result : {}), progress: a.progress } : a.result;
  return {
    status,
    summary,
    attempts,
    ...(result !== undefined ? { result } : {}),
    ...defined({ reason: status !== 'ok' ? a.reason : undefined, excerpt: a.excerpt }),
  };
}

/** until: run, test the condition on the result, wait `every`, up to `timeout`. */
async function poll(core: RunCore, r: Ready): Promise<Finished> {
  const until = r.step.until!;
  const every = parseDuration(until.every);
  const total = parseDuration(until.timeout);
  const t0 = core.clock.now();
  const condPath = [...r.path, 'until', 'condition'];
  for (let i = 1; ; i++) {
    let at = await attempt(core, r);
    if (at.interrupted || core.signal.aborted) return toFinished(at, i, 'interrupted');
    let detail: string;
    if (at.ok && at.result !== undefined) {
      let c;
      try {
        c = core.scope.condition(until.condition, condPath, { result: at.result });
      } catch (e) {
        return toFinished({ ...at, ok: false, reason: 'expression', summary: (e as Error).message }, i, 'failed');
      }
      const values = describeValues(core.scope.values(until.condition, { result: at.result }));
      if (c.value) {
        at = expectation(core, r, at);
        const done = { ...at, summary: `${until.condition} after ${formatDuration(core.clock.now() - t0)}${values ? ` (${values})` : ''}` };
        return toFinished(at.ok ? done : at, i, at.ok ? 'ok' : 'failed');
      }
      detail = `${until.condition} is false${values ? ` (${values})` : ''}`;
    } else {
      detail = `check failed: ${at.summary}`;
    }
    const waited = core.clock.now() - t0;
    if (core.o.dryRun) {
      return toFinished(
        { ...at, ok: false, reason: 'until', summary: `not yet: ${detail} (a dry-run checks once; a live run polls every ${until.every} for up to ${until.timeout})` },
        i,
        'failed',
      );
    }
    if (waited + every > total) {
      return toFinished({ ...at, ok: false, reason: 'until', summary: `still not true after ${formatDuration(waited)}: ${detail}` }, i, 'failed');
    }
    core.emit({
      type: 'step-progress',
      ...optionRef(r.step.id, r.ctx),
      message: `waiting: ${detail}; next check in ${until.every} (${formatDuration(waited)} of ${until.timeout})`,
    });
    if (!(await pause(core, every))) return toFinished({ ...at, reason: 'interrupted' }, i, 'interrupted');
  }
}
