// The runbook as the rules see it: every step with its place in the run
// order, every triage case, option and parameter with its path, and every
// expression (conditions and `${{ }}` interpolations) with the scope it is
// evaluated in. Built once per file; rules only read it.
import type { DocPath } from '../runbook/source.js';
import type { MitigationOption, Param, Runbook, StageName, Step, TriageCase } from '../runbook/types.js';
import { findInterpolations, parseCel, type ParsedCel } from './cel.js';

export interface StepNode {
  step: Step;
  path: DocPath;
  stage: StageName;
  /** Position in run order (0-based); earlier steps have smaller numbers. */
  seq: number;
  caseId?: string;
  optionId?: string;
  /** "detect", `triage case "x"`, `option "y"`, for messages. */
  where: string;
}

export interface CaseNode {
  triageCase: TriageCase;
  path: DocPath;
}

export interface OptionNode {
  option: MitigationOption;
  path: DocPath;
}

export interface ParamNode {
  name: string;
  param: Param;
  path: DocPath;
}

/** What an expression may see. */
export interface Scope {
  /** Steps with `seq` below this ran earlier. */
  cutoff: number;
  /** Inside an option: other options' steps are not visible. */
  optionId?: string;
  /** The step the expression belongs to, if any. */
  self?: StepNode;
  /** `result` (the step's own result) is defined: expect and until.condition. */
  allowResult: boolean;
  /** "the detect stage", `step "lag"`, `option "x"`: for messages. */
  describe: string;
}

export interface ExpressionNode {
  kind: 'condition' | 'interpolation';
  /** Path of the string scalar that holds the expression. */
  path: DocPath;
  /** The key holding it, e.g. "when", "until.condition", "run", "with.url". */
  field: string;
  /** The expression text. */
  text: string;
  /** Offset of the expression within the scalar's value. */
  offset: number;
  scope: Scope;
  parsed: ParsedCel;
}

/** A `${{` without its `}}`, or a condition written as an interpolation (`field` names it). */
export interface InterpolationProblem {
  kind: 'unterminated' | 'wrapped-condition';
  path: DocPath;
  offset: number;
  field?: string;
}

export interface RunbookModel {
  runbook: Runbook;
  steps: StepNode[];
  /** First definition of each step id. */
  stepsById: Map<string, StepNode>;
  cases: CaseNode[];
  options: OptionNode[];
  params: ParamNode[];
  expressions: ExpressionNode[];
  interpolationProblems: InterpolationProblem[];
}

export function buildModel(runbook: Runbook): RunbookModel {
  const steps: StepNode[] = [];
  const cases: CaseNode[] = [];
  const options: OptionNode[] = [];
  // Cutoffs for expressions that do not belong to a step, keyed by path.
  const caseCutoff = new Map<number, number>();
  const stageCutoff = new Map<string, number>();
  let optionsCutoff = 0;

  const addSteps = (list: Step[] | undefined, base: DocPath, stage: StageName, where: string, extra: { caseId?: string; optionId?: string } = {}) => {
    (list ?? []).forEach((step, i) => {
      if (step && typeof step === 'object') steps.push({ step, path: [...base, i], stage, seq: steps.length, where, ...extra });
    });
  };

  const st = runbook.stages ?? ({} as Runbook['stages']);
  stageCutoff.set('detect', steps.length);
  addSteps(st.detect?.steps, ['stages', 'detect', 'steps'], 'detect', 'the detect stage');
  stageCutoff.set('triage', steps.length);
  addSteps(st.triage?.steps, ['stages', 'triage', 'steps'], 'triage', 'the triage stage');
  (st.triage?.cases ?? []).forEach((c, i) => {
    cases.push({ triageCase: c, path: ['stages', 'triage', 'cases', i] });
    caseCutoff.set(i, steps.length);
    addSteps(c.steps, ['stages', 'triage', 'cases', i, 'steps'], 'triage', `triage case "${c.id}"`, { caseId: c.id });
  });
  stageCutoff.set('mitigate', steps.length);
  addSteps(st.mitigate?.steps, ['stages', 'mitigate', 'steps'], 'mitigate', 'the mitigate stage');
  optionsCutoff = steps.length;
  (st.mitigate?.options ?? []).forEach((o, i) => {
    options.push({ option: o, path: ['stages', 'mitigate', 'options', i] });
    addSteps(o.steps, ['stages', 'mitigate', 'options', i, 'steps'], 'mitigate', `option "${o.id}"`, { optionId: o.id });
  });
  stageCutoff.set('communicate', steps.length);
  addSteps(st.communicate?.steps, ['stages', 'communicate', 'steps'], 'communicate', 'the communicate stage');
  stageCutoff.set('resolve', steps.length);
  addSteps(st.resolve?.steps, ['stages', 'resolve', 'steps'], 'resolve', 'the resolve stage');

  const stepsById = new Map<string, StepNode>();
  const stepByPath = new Map<string, StepNode>();
  for (const s of steps) {
    if (typeof s.step.id === 'string' && !stepsById.has(s.step.id)) stepsById.set(s.step.id, s);
    stepByPath.set(s.path.join('/'), s);
  }

  const params: ParamNode[] = Object.entries(runbook.params ?? {}).map(([name, param]) => ({ name, param: param ?? {}, path: ['params', name] }));

  /** The scope of a string at `path` (a path into the runbook). */
  const scopeFor = (path: DocPath): { scope: Scope; conditionField?: string } => {
    // Steps sit at stages.S.steps.i, stages.triage.cases.c.steps.i, stages.mitigate.options.o.steps.i.
    for (const len of [4, 6]) {
      const node = path.length >= len ? stepByPath.get(path.slice(0, len).join('/')) : undefined;
      if (!node) continue;
      const rest = path.slice(len);
      const field =
        rest.length === 1 && (rest[0] === 'when' || rest[0] === 'expect')
          ? rest[0]
          : rest.length === 2 && rest[0] === 'until' && rest[1] === 'condition'
            ? 'until.condition'
            : undefined;
      const allowResult = field === 'expect' || field === 'until.condition';
      return {
        scope: { cutoff: node.seq, optionId: node.optionId, self: node, allowResult, describe: `step "${node.step.id}"` },
        conditionField: field,
      };
    }
    if (path[0] === 'stages' && path[1] === 'triage' && path[2] === 'cases' && typeof path[3] === 'number') {
      const c = st.triage?.cases?.[path[3]];
      return {
        scope: { cutoff: caseCutoff.get(path[3]) ?? 0, allowResult: false, describe: `triage case "${c?.id}"` },
        conditionField: path.length === 5 && path[4] === 'when' ? 'when' : undefined,
      };
    }
    if (path[0] === 'stages' && path[1] === 'mitigate' && path[2] === 'options' && typeof path[3] === 'number') {
      const o = st.mitigate?.options?.[path[3]];
      return {
        scope: { cutoff: optionsCutoff, optionId: o?.id, allowResult: false, describe: `option "${o?.id}"` },
        conditionField: path.length === 5 && path[4] === 'recommend' ? 'recommend' : undefined,
      };
    }
    if (path[0] === 'stages' && typeof path[1] === 'string') {
      return { scope: { cutoff: stageCutoff.get(path[1]) ?? 0, allowResult: false, describe: `the ${path[1]} stage` } };
    }
    return { scope: { cutoff: 0, allowResult: false, describe: 'the runbook header' } };
  };

  const expressions: ExpressionNode[] = [];
  const interpolationProblems: InterpolationProblem[] = [];
  const visitString = (text: string, at: Array<string | number>) => {
    const last = at[at.length - 1];
    // Most strings are neither conditions nor interpolated: skip them before any path work.
    const maybeCondition = last === 'when' || last === 'expect' || last === 'recommend' || last === 'condition';
    if (!maybeCondition && !text.includes('${{')) return;
    const path: DocPath = [...at];
    const { scope, conditionField } = scopeFor(path);
    if (conditionField) {
      const trimmed = text.trim();
      if (/^\$\{\{[\s\S]*\}\}$/.test(trimmed)) {
        interpolationProblems.push({ kind: 'wrapped-condition', path, offset: text.indexOf('${{'), field: conditionField });
        return;
      }
      expressions.push({ kind: 'condition', path, field: conditionField, text, offset: 0, scope, parsed: parseCel(text) });
      return;
    }
    if (!text.includes('${{')) return;
    const field = fieldName(path);
    const found = findInterpolations(text);
    for (const f of found) {
      expressions.push({ kind: 'interpolation', path, field, text: f.expression, offset: f.offset, scope, parsed: parseCel(f.expression) });
    }
    // `${{` that no interpolation consumed: unterminated.
    let from = 0;
    for (const f of found) {
      reportUnterminated(text.slice(from, f.start), from, path);
      from = f.end;
    }
    reportUnterminated(text.slice(from), from, path);
  };
  const reportUnterminated = (segment: string, base: number, path: DocPath) => {
    const at = segment.indexOf('${{');
    if (at >= 0) interpolationProblems.push({ kind: 'unterminated', path, offset: base + at });
  };
  // One mutable path for the whole walk; copied only for the strings kept.
  const stack: Array<string | number> = [];
  const walk = (value: unknown) => {
    if (typeof value === 'string') visitString(value, stack);
    else if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        stack.push(i);
        walk(value[i]);
        stack.pop();
      }
    } else if (value && typeof value === 'object') {
      for (const k of Object.keys(value)) {
        stack.push(k);
        walk((value as Record<string, unknown>)[k]);
        stack.pop();
      }
    }
  };
  walk(runbook);

  return { runbook, steps, stepsById, cases, options, params, expressions, interpolationProblems };
}

/** "run", "with.url", "message.text", "until.condition": the key path inside the step (or owner). */
function fieldName(path: DocPath): string {
  const keys: string[] = [];
  for (let i = path.length - 1; i >= 0; i--) {
    const seg = path[i]!;
    if (seg === 'steps' || seg === 'options' || seg === 'cases' || seg === 'stages') break;
    if (typeof seg === 'number' && (path[i - 1] === 'steps' || path[i - 1] === 'options' || path[i - 1] === 'cases')) break;
    if (typeof seg === 'string') keys.unshift(seg);
  }
  return keys.join('.') || String(path[path.length - 1] ?? '');
}

/** Is step `target` visible (ran earlier, same option or none) from `scope`? */
export function visibility(target: StepNode, scope: Scope): 'ok' | 'self' | 'later' | 'other-option' {
  if (scope.self === target) return 'self';
  if (target.optionId && scope.optionId && target.optionId !== scope.optionId) return 'other-option';
  if (target.seq >= scope.cutoff) return 'later';
  return 'ok';
}
