// Where every step of a runbook lives (stage, option, case, YAML path), and
// which consecutive reads of a stage can run side by side.
import { findInterpolations, references } from '../runbook/expressions.js';
import type { DocPath } from '../runbook/source.js';
import type { Runbook, StageName, Step } from '../runbook/types.js';

export interface StepLocation {
  step: Step;
  path: DocPath;
  stage: StageName;
  optionId?: string;
  caseId?: string;
}

export function listSteps(runbook: Runbook): StepLocation[] {
  const out: StepLocation[] = [];
  const { detect, triage, mitigate, communicate, resolve } = runbook.stages;
  const add = (steps: Step[] | undefined, path: DocPath, stage: StageName, extra: { optionId?: string; caseId?: string } = {}): void =>
    (steps ?? []).forEach((step, i) => out.push({ step, path: [...path, i], stage, ...extra }));
  add(detect?.steps, ['stages', 'detect', 'steps'], 'detect');
  add(triage?.steps, ['stages', 'triage', 'steps'], 'triage');
  (triage?.cases ?? []).forEach((c, ci) => add(c.steps, ['stages', 'triage', 'cases', ci, 'steps'], 'triage', { caseId: c.id }));
  add(mitigate?.steps, ['stages', 'mitigate', 'steps'], 'mitigate');
  (mitigate?.options ?? []).forEach((o, oi) => add(o.steps, ['stages', 'mitigate', 'options', oi, 'steps'], 'mitigate', { optionId: o.id }));
  add(communicate?.steps, ['stages', 'communicate', 'steps'], 'communicate');
  add(resolve?.steps, ['stages', 'resolve', 'steps'], 'resolve');
  return out;
}

function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => strings(v, out));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => strings(v, out));
  return out;
}

/** Ids of the steps whose status or result this step reads. */
export function stepReferences(step: Step): Set<string> {
  const exprs: string[] = [];
  for (const e of [step.when, step.expect, step.until?.condition]) if (e) exprs.push(e);
  for (const s of strings([step.run, step.with, step.confirm, step.manual, step.message])) {
    for (const i of findInterpolations(s)) exprs.push(i.expression);
  }
  const ids = new Set<string>();
  for (const e of exprs) {
    try {
      for (const r of references(e)) if (r.root === 'steps' && r.path[0]) ids.add(r.path[0]);
    } catch {
      /* a broken expression fails at run time, where it is located */
    }
  }
  return ids;
}

/** Consecutive read steps that do not read each other form one batch; every
 *  other step is a batch of its own. Order is kept. */
export function batches(steps: Step[], isParallelRead: (step: Step) => boolean): Step[][] {
  const out: Step[][] = [];
  let current: Step[] = [];
  const flush = (): void => {
    if (current.length) out.push(current);
    current = [];
  };
  for (const step of steps) {
    if (!isParallelRead(step)) {
      flush();
      out.push([step]);
      continue;
    }
    const refs = stepReferences(step);
    if (current.some((s) => refs.has(s.id))) flush();
    current.push(step);
  }
  flush();
  return out;
}
