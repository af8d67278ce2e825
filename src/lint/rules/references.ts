// Every variable an expression reads must exist when it is evaluated:
// params.<declared>, steps.<id> of a step that ran earlier (options see only
// their own steps), result only inside expect/until.condition, and no other
// roots than params, steps, env, clock and result.
import { suggest } from '../../runbook/schema.js';
import type { CelReference } from '../cel.js';
import { celReferences } from '../cel.js';
import { visibility, type ExpressionNode } from '../model.js';
import type { RuleContext } from '../types.js';
import type { Rule } from '../types.js';

const ROOTS = ['params', 'steps', 'env', 'clock', 'result'];
const STEP_FIELDS = ['result', 'status'];
const CLOCK_FIELDS = ['elapsedMinutes', 'elapsedSeconds'];

/** `steps.scale-up.result` parses as `steps.scale - up.result`: find those spans. */
function hyphenatedStepRefs(text: string): Array<{ id: string; start: number; end: number }> {
  if (!text.includes('-') || !text.includes('steps')) return [];
  const blanked = text.replace(/'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"/g, (s) => ' '.repeat(s.length));
  const out: Array<{ id: string; start: number; end: number }> = [];
  for (const m of blanked.matchAll(/\bsteps\s*\.\s*([a-z][a-z0-9]*(?:\s*-\s*[a-z0-9]+)+)/g)) {
    out.push({ id: m[1]!.replace(/\s+/g, ''), start: m.index!, end: m.index! + m[0].length });
  }
  return out;
}

function didYouMean(name: string, known: string[], noun: string): string {
  const hint = suggest(name, known);
  if (hint) return `; did you mean "${hint}"?`;
  if (known.length === 0) return `; this runbook declares no ${noun}`;
  return known.length <= 8 ? `; declared ${noun}: ${known.join(', ')}` : '';
}

function check(context: RuleContext, node: ExpressionNode, ref: CelReference): void {
  const { model } = context;
  const at = (offset: number) => node.offset + offset;
  const report = (offset: number, message: string) => context.report({ path: node.path, offset: at(offset), message });
  const { root, path } = ref;
  const written = [root.name, ...path.map((s) => s.name)].slice(0, 2).join('.');

  switch (root.name) {
    case 'params': {
      const name = path[0];
      if (!name) return;
      const declared = model.params.map((p) => p.name);
      if (!declared.includes(name.name)) {
        report(name.offset, `unknown parameter "${name.name}" in ${written}${didYouMean(name.name, declared, 'params')}`);
      }
      return;
    }
    case 'steps': {
      const id = path[0];
      if (!id) return;
      const target = model.stepsById.get(id.name);
      if (!target) {
        report(id.offset, `unknown step "${id.name}" in ${written}${didYouMean(id.name, [...model.stepsById.keys()], 'steps')}`);
        return;
      }
      const seen = visibility(target, node.scope);
      const where = context.position([...target.path, 'id']);
      const defined = `${where.line}:${where.column}`;
      if (seen === 'self') {
        report(
          id.offset,
          node.scope.allowResult
            ? `step "${id.name}" reads its own result through steps.${id.name}; write result instead`
            : `step "${id.name}" cannot read its own result in ${node.field}; steps.<id> is for earlier steps (result is available in expect and until.condition)`,
        );
      } else if (seen === 'other-option') {
        report(
          id.offset,
          `step "${id.name}" (at ${defined}) belongs to ${target.where}, which does not run with ${node.scope.optionId ? `option "${node.scope.optionId}"` : node.scope.describe}; an option may read detect and triage steps and its own earlier steps`,
        );
      } else if (seen === 'later') {
        report(
          id.offset,
          `step "${id.name}" (at ${defined}, in ${target.where}) has not run yet when this ${node.field} of ${node.scope.describe} is evaluated; only steps that run earlier can be read`,
        );
      } else {
        const field = path[1];
        if (field && !STEP_FIELDS.includes(field.name)) {
          report(field.offset, `unknown field "${field.name}" in steps.${id.name}.${field.name}; a step has result and status`);
        }
      }
      return;
    }
    case 'result':
      if (!node.scope.allowResult) {
        report(root.offset, `"result" is only defined in expect and until.condition, not in ${node.field}; read an earlier step with steps.<id>.result`);
      }
      return;
    case 'clock': {
      const field = path[0];
      if (field && !CLOCK_FIELDS.includes(field.name)) report(field.offset, `unknown field "${field.name}" in clock.${field.name}; clock has ${CLOCK_FIELDS.join(', ')}`);
      return;
    }
    case 'env':
      return;
    default: {
      const allowed = node.scope.allowResult ? 'params, steps, env, clock and result' : 'params, steps, env and clock';
      const hint = suggest(root.name, ROOTS);
      report(root.offset, `unknown variable "${root.name}"${hint ? `; did you mean "${hint}"?` : ''}; expressions can read ${allowed}`);
    }
  }
}

export const references: Rule = {
  meta: { id: 'references', description: 'expressions read declared params, earlier steps, and only known variables', severity: 'error' },
  create(context) {
    return {
      expression(node) {
        if (!node.parsed.ok) return;
        // `steps.count - 1` is arithmetic (on a non-number, but that is the evaluator's business).
        const hyphens = hyphenatedStepRefs(node.text).filter((h) => context.model.stepsById.has(h.id) || /-\s*[a-z]/.test(node.text.slice(h.start, h.end)));
        for (const h of hyphens) {
          context.report({
            path: node.path,
            offset: node.offset + h.start,
            message: `CEL reads "steps.${h.id}" as a subtraction; write steps["${h.id}"] for an id with "-"`,
          });
        }
        for (const ref of celReferences(node.parsed.ast)) {
          if (hyphens.some((h) => ref.root.offset >= h.start && ref.root.offset < h.end)) continue;
          check(context, node, ref);
        }
      },
    };
  },
};
