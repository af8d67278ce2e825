// Approval and planning of writes: what a write would change (its plan), and
// the yes it needs before it runs: a flag, a prompt, or a typed target for a
// high-risk step. A resumed write that may have run already needs a yes given
// now. A dry-run stops at the plan.
import { stringify } from '../runbook/expressions.js';
import { defined } from '../shared/defined.js';
import type { Plan } from '../steps/types.js';
import { Declined, optionRef, stepRef, Stop, type Finished, type Ready, type RunCore } from './core.js';
import { withTimeout } from './execute.js';
import { targetOf } from './prepare.js';

/** Why a write of a resumed run needs an approval given now (not one from the original command line). */
export function freshApproval(core: RunCore, id: string): string | undefined {
  const r = core.o.resume;
  if (!r) return undefined;
  const partWay = r.partWay.get(id);
  if (partWay) return `this step was ${partWay} before the run stopped; the plan counts what is left`;
  if (r.inDoubt.has(id)) return 'this step started before the run stopped and never reported back: its outcome is unknown; check the target before running it again';
  const f = r.finished.get(id);
  if (f?.status === 'failed' && f.effect === 'write') return `this step failed before the restart (${f.summary}); check the target before running it again`;
  return undefined;
}

async function planOf(core: RunCore, r: Ready): Promise<{ plan?: Plan; planError?: string }> {
  const a = r.action;
  if (a.type === 'run') return { plan: { summary: `would run: ${a.cmd.display}`, ...defined({ target: a.target }) } };
  if (a.type !== 'check') return {};
  if (core.o.backend) return core.o.backend.plan(core, r);
  if (!a.stepType.plan) return { plan: { summary: `would run ${a.name} with ${JSON.stringify(a.input)}`, ...defined({ target: a.target }) } };
  const out = await withTimeout(core, r, (ctx) => a.stepType.plan!(ctx, a.input));
  // The step type's own target wins; the one read from the input fills in.
  if (out.ok) return { plan: { ...out.value, ...defined({ target: out.value.target || a.target }) } };
  return { planError: out.message };
}

/** What the approval prompt shows as the action: the command, or the check and its input. */
function actionText(r: Ready): string {
  const a = r.action;
  return a.type === 'run' ? a.cmd.display : a.type === 'check' ? `${a.name} ${JSON.stringify(a.input)}` : r.step.id;
}

/** The text a high-risk step's operator must type: its `confirm`, else the target, else the step id. */
function confirmTextOf(core: RunCore, r: Ready, plan: Plan | undefined): string {
  const { step } = r;
  let text: string | undefined;
  if (step.confirm) {
    try {
      text = stringify(core.scope.interpolate(step.confirm, [...r.path, 'confirm']));
    } catch (e) {
      core.note((e as Error).message, 'warn', step.id);
    }
  }
  return text || plan?.target || step.id;
}

/** Dry-run: returns the planned outcome. Live: asks, and returns undefined when approved. */
export async function approveOrPlan(core: RunCore, r: Ready): Promise<Finished | undefined> {
  const { step, ctx } = r;
  const o = core.o;
  const fresh = freshApproval(core, step.id);
  const inDoubt = fresh !== undefined;
  const { plan, planError } = await planOf(core, r);
  r.plan = plan;
  core.checkInterrupted();
  const target = plan?.target ?? targetOf(r.action);
  if (o.dryRun) {
    const action = r.action.type === 'check' ? `${r.action.name} ${JSON.stringify(r.action.input)}` : step.id;
    return { status: 'planned', summary: plan?.summary ?? `would run ${action}`, attempts: 0, ...defined({ plan, planError }) };
  }
  const confirmText = step.highRisk ? confirmTextOf(core, r, plan) : undefined;
  const warnings = [...(ctx.optionWarnings ?? []), ...(step.warnings ?? [])];
  if (fresh) warnings.unshift(fresh);
  core.emit({
    type: 'approval-needed',
    ...stepRef(step.id, ctx),
    effect: 'write',
    action: actionText(r),
    warnings,
    highRisk: !!step.highRisk,
    ...defined({ title: step.title, target, plan, planError, confirmText, inDoubt }),
  });
  const ref = optionRef(step.id, ctx);
  // An in-doubt write needs an approval given now, not one from the original command line.
  const flags = inDoubt ? (o.resumeApprove ?? []) : (o.approve ?? []);
  if (flags.includes(step.id)) {
    core.emit({ type: 'approval-given', ...ref, approver: core.user, via: 'flag' });
    return undefined;
  }
  const hint = `--approve ${step.id}`;
  if (!o.prompter.interactive) {
    core.emit({ type: 'approval-declined', ...ref, approver: core.user, reason: 'not-approved', hint });
    const why = inDoubt ? 'it ran before the restart without a known good outcome and needs a fresh approval' : 'not approved';
    throw new Stop('stopped', 3, `stopped before write step "${step.id}": ${why} (non-interactive run); approve it with ${hint}`, hint);
  }
  let approved: boolean;
  let via: 'prompt' | 'typed' = 'prompt';
  if (confirmText !== undefined) {
    via = 'typed';
    const typed = await core.ask(
      o.prompter.typed(core.redactor.string(`High-risk step "${step.id}". Type ${JSON.stringify(confirmText)} to run it`), core.redactor.string(confirmText)),
    );
    approved = typed.trim() === confirmText;
    if (!approved && typed.trim()) core.note(`typed text did not match ${JSON.stringify(confirmText)}: not approved`, 'warn', step.id);
  } else {
    approved = await core.ask(o.prompter.confirm(core.redactor.string(`Run write step "${step.id}"${target ? ` on ${target}` : ''}?`)));
  }
  if (approved) {
    core.emit({ type: 'approval-given', ...ref, approver: core.user, via });
    return undefined;
  }
  core.emit({ type: 'approval-declined', ...ref, approver: core.user, reason: step.highRisk ? 'typed-mismatch' : 'declined' });
  if (ctx.stage === 'mitigate' && ctx.optionId && o.runbook.stages.mitigate!.options.length > 1) throw new Declined(step.id);
  throw new Stop('stopped', 3, `stopped before write step "${step.id}": declined by ${core.user}`, hint);
}
