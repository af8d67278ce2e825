// Step preparation: `when` → skip, render the action with the real values,
// judge the rendered command again (a read that writes becomes a write), the
// effect of a native check for its input, and the target an approval names.
// Also the started/finished event fields that describe the prepared action.
import { describeFindings, judgeRendered } from '../commands/rendered.js';
import { maskUrl } from '../shared/mask-url.js';
import type { DocPath } from '../runbook/source.js';
import type { Step } from '../runbook/types.js';
import { defined } from '../shared/defined.js';
import { parseDuration } from '../shared/duration.js';
import type { EngineEventBody, EventOf, StepEffect, StepKind } from './events.js';
import { postRecord, preparePost } from './message.js';
import { renderCommand } from './render.js';
import { LocatedError } from './scope.js';
import { DEFAULT_TIMEOUT_MS, stepRef, type Action, type Ctx, type Finished, type Ready, type RunCore } from './core.js';
import { finish, policy } from './outcome.js';

export function kindOf(step: Step): StepKind {
  if (step.run !== undefined) return 'run';
  if (step.check !== undefined) return 'check';
  if (step.manual !== undefined) return 'manual';
  return 'message';
}

function timeoutOf(core: RunCore, step: Step): number {
  if (step.timeout) {
    try {
      return parseDuration(step.timeout);
    } catch {
      /* schema rejects it; fall back */
    }
  }
  return core.o.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS;
}

/** when → skip; render the action. Returns undefined when the step is
 *  already settled (restored, skipped, or failed to render). */
export function prepare(core: RunCore, step: Step, ctx: Ctx): Ready | undefined {
  const resume = core.o.resume;
  if (resume && core.scope.steps.has(step.id) && !resume.inDoubt.has(step.id) && !core.refreshing.has(step.id)) return undefined;
  const path = core.pathOf(step);
  const kind = kindOf(step);
  const settle = (effect: StepEffect, f: Finished): undefined => {
    finish(core, step, ctx, kind, effect, f, 0);
    return undefined;
  };
  const declaredEffect: StepEffect = kind === 'manual' || kind === 'message' ? 'none' : (step.effect ?? 'write');
  try {
    if (step.when) {
      const r = core.scope.condition(step.when, [...path, 'when']);
      if (r.note) core.note(`${step.id}: when ${r.note}`, 'warn', step.id);
      if (!r.value) return settle(declaredEffect, { status: 'skipped', summary: `skipped: when "${step.when}" is false`, attempts: 0 });
    }
    let action: Action;
    let effect = declaredEffect;
    if (kind === 'run') {
      const cmd = renderCommand(step, path, core.scope);
      // Judged right before it would spawn, on the real values: a read step
      // whose command writes, or cannot be shown to read, is a write.
      const judged = judgeRendered(cmd, core.env);
      action = { type: 'run', cmd, programs: judged.programs, ...defined({ target: judged.target }) };
      const why = effect === 'read' ? describeFindings(judged.findings) : undefined;
      if (why) {
        effect = 'write';
        core.note(`step "${step.id}" is declared read, but its command ${why}: treated as a write, approval needed`, 'warn', step.id);
      }
      const unverified = [...new Set(judged.findings.filter((f) => f.kind === 'unverified').map((f) => f.what))];
      if (effect === 'read' && unverified.length) {
        core.note(`step "${step.id}": unverified: ${unverified.join(', ')} run on the runbook's word (oncall cannot show ${unverified.length === 1 ? 'it' : 'them'} to only read)`, 'warn', step.id);
      }
    } else if (kind === 'check') {
      const stepType = core.o.stepTypes?.(step.check!);
      if (!stepType) {
        return settle(declaredEffect, { status: 'failed', reason: 'error', summary: `unknown step type "${step.check}"`, attempts: 0 });
      }
      const input = (core.scope.interpolateDeep(step.with ?? {}, [...path, 'with']) ?? {}) as Record<string, unknown>;
      // The stricter of the declared and the real effect (for this input) wins.
      const typeEffect = stepType.effectOf?.(input) ?? stepType.effect;
      effect = typeEffect === 'write' || step.effect === 'write' ? 'write' : 'read';
      action = { type: 'check', name: step.check!, stepType, input, ...defined({ target: inputTarget(input) }) };
    } else if (kind === 'manual') {
      const notes: string[] = [];
      action = { type: 'manual', text: core.scope.interpolateText(step.manual!, [...path, 'manual'], notes) };
      notes.forEach((n) => core.note(n, 'warn', step.id));
    } else {
      const m = step.message!;
      const notes: string[] = [];
      const text = core.scope.interpolateText(m.text, [...path, 'message', 'text'], notes);
      const translation = m.translation ? core.scope.interpolateText(m.translation, [...path, 'message', 'translation'], notes) : undefined;
      notes.forEach((n) => core.note(n, 'warn', step.id));
      const post = m.post ? preparePost(core, step, path, text) : undefined;
      // Posting is an external effect: approved like a write, planned in a dry-run.
      if (post) effect = 'write';
      action = { type: 'message', message: { channel: m.channel, text, ...defined({ translation }) }, ...defined({ post }) };
    }
    return { step, ctx, path, kind, effect, action, timeoutMs: timeoutOf(core, step) };
  } catch (e) {
    if (!(e instanceof LocatedError)) throw e;
    const isWrite = declaredEffect === 'write' || (kind === 'check' && core.o.stepTypes?.(step.check!)?.effect === 'write');
    if (core.o.dryRun && isWrite) {
      // A rehearsal still shows the write, as written, when a value it needs is unknown.
      core.plannedWrites++;
      const template = kind === 'run' ? (Array.isArray(step.run) ? step.run.join(' ') : step.run!) : `${step.check} ${JSON.stringify(step.with ?? {})}`;
      finish(core, step, ctx, kind, 'write', { status: 'planned', summary: `would run: ${template}`, attempts: 0, planError: `not rendered: ${e.message}` }, 0, {
        ...(kind === 'run' ? { command: template } : { check: step.check!, ...partialInput(core, step, path) }),
      });
      return undefined;
    }
    const failed: Finished = { status: 'failed', reason: 'expression', summary: e.message, attempts: 0 };
    settle(declaredEffect, failed);
    // A step that cannot be rendered failed like any other: a write stops the run.
    policy(core, { step, ctx, effect: isWrite ? 'write' : declaredEffect }, failed);
    return undefined;
  }
}

/** A check's input with every value that renders rendered; the others stay as written, listed in `unknown`. */
function partialInput(core: RunCore, step: Step, path: DocPath): { input: Record<string, unknown>; unknown?: string[] } {
  const input: Record<string, unknown> = {};
  const unknown: string[] = [];
  for (const [k, v] of Object.entries(step.with ?? {})) {
    try {
      input[k] = core.scope.interpolateDeep(v, [...path, 'with', k]);
    } catch (e) {
      if (!(e instanceof LocatedError)) throw e;
      input[k] = v;
      unknown.push(k);
    }
  }
  return { input, ...(unknown.length ? { unknown } : {}) };
}

/** The target an action names, when it names one. */
export function targetOf(action: Action): string | undefined {
  return action.type === 'run' || action.type === 'check' ? action.target : undefined;
}

export function startedEvent(r: Ready, parallel = false): EngineEventBody {
  const { step, action } = r;
  return {
    type: 'step-started',
    ...stepRef(step.id, r.ctx),
    kind: r.kind,
    effect: r.effect,
    ...defined({ title: step.title }),
    ...(action.type === 'run' ? { command: action.cmd.display } : {}),
    ...(action.type === 'check' ? { check: action.name, input: action.input } : {}),
    ...defined({ target: targetOf(action), warnings: step.warnings, parallel }),
  };
}

export function finishedExtra(r: Ready): Partial<EventOf<'step-finished'>> {
  const a = r.action;
  if (a.type === 'run') return { command: a.cmd.display, ...defined({ target: a.target }) };
  if (a.type === 'check') return { check: a.name, ...(r.effect === 'write' ? { input: a.input } : {}), ...defined({ target: a.target }) };
  if (a.type === 'message') return { message: a.message, ...(a.post ? { post: postRecord(a.post) } : {}) };
  return { instruction: a.text };
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
