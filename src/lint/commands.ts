// The command model's judgement of a step's `run:` template, with each
// finding placed at its document path and offset. Several rules read the same
// step: it is judged once.
import { judgeTemplate, type Located } from '../commands/template.js';
import type { Finding } from '../commands/types.js';
import type { DocPath } from '../runbook/source.js';
import type { Step } from '../runbook/types.js';

export interface PlacedFinding {
  finding: Finding;
  path: DocPath;
  offset: number;
}

export interface StepJudgement {
  findings: PlacedFinding[];
  problem?: { kind: 'syntax' | 'placement'; message: string; path: DocPath; offset: number };
}

const cache = new WeakMap<Step, StepJudgement>();

export function judgeStep(step: Step, stepPath: DocPath): StepJudgement | undefined {
  if (step.run === undefined) return undefined;
  let found = cache.get(step);
  if (!found) {
    const run = step.run;
    const place = (l: Located): { path: DocPath; offset: number } => ({ path: l.part === undefined ? [...stepPath, 'run'] : [...stepPath, 'run', l.part], offset: l.offset });
    const j = judgeTemplate(run, step.shell === true);
    found = {
      findings: j.findings.map((f) => ({ finding: f.finding, ...place(f) })),
      ...(j.problem ? { problem: { kind: j.problem.kind, message: j.problem.message, ...place(j.problem) } } : {}),
    };
    cache.set(step, found);
  }
  return found;
}

/** The findings of one kind in a step declared read, the first of each `what` only. */
export function readStepFindings<K extends Finding['kind']>(step: Step, stepPath: DocPath, kind: K): Array<PlacedFinding & { finding: Extract<Finding, { kind: K }> }> {
  if (step.effect !== 'read') return [];
  const seen = new Set<string>();
  const out: Array<PlacedFinding & { finding: Extract<Finding, { kind: K }> }> = [];
  for (const f of judgeStep(step, stepPath)?.findings ?? []) {
    if (f.finding.kind !== kind) continue;
    const key = 'what' in f.finding ? f.finding.what : `${f.path.join('.')}:${f.offset}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(f as PlacedFinding & { finding: Extract<Finding, { kind: K }> });
  }
  return out;
}
