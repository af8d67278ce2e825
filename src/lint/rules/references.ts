// Every variable an expression reads must exist when it is evaluated:
// params.<declared>, steps.<id> of a step that ran earlier (options see only
// their own steps), result only inside expect/until.condition, and no other
// roots than params, steps, env, clock and result.
import { suggest } from '../../runbook/schema.js';
import type { CelReference } from '../cel.js';
import { celReferences } from '../cel.js';
import { visibility, type ExpressionNode } from '../model.js';
import type { Rule, RuleContext } from '../types.js';

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

/** The tail of an "unknown …" message: a suggestion, or what is declared. */
function didYouMean(name: string, known: string[], noun: string): string {
  const hint = suggest(name, known);
  if (hint) return `; did you mean "${hint}"?`;
  if (known.length === 0) return `; this runbook declares no ${noun}`;
  return known.length <= 8 ? `; declared ${noun}: ${known.join(', ')}` : '';
}

type MessageId = keyof typeof messages;

const messages = {
  unknownParam: 'unknown parameter "{{name}}" in {{written}}{{hint}}',
  unknownStep: 'unknown step "{{id}}" in {{written}}{{hint}}',
  readsOwnResult: 'step "{{id}}" reads its own result through steps.{{id}}; write result instead',
  ownResultOutsideExpect:
    'step "{{id}}" cannot read its own result in {{field}}; steps.<id> is for earlier steps (result is available in expect and until.condition)',
  otherOption:
    'step "{{id}}" (at {{defined}}) belongs to {{owner}}, which does not run with {{reader}}; an option may read detect and triage steps and its own earlier steps',
  notYetRun:
    'step "{{id}}" (at {{defined}}, in {{owner}}) has not run yet when this {{field}} of {{reader}} is evaluated; only steps that run earlier can be read',
  unknownStepField: 'unknown field "{{field}}" in steps.{{id}}.{{field}}; a step has result and status',
  resultOutsideExpect: '"result" is only defined in expect and until.condition, not in {{field}}; read an earlier step with steps.<id>.result',
  unknownClockField: `unknown field "{{field}}" in clock.{{field}}; clock has ${CLOCK_FIELDS.join(', ')}`,
  unknownRoot: 'unknown variable "{{name}}"{{hint}}; expressions can read {{allowed}}',
  hyphenatedId: 'CEL reads "steps.{{id}}" as a subtraction; write steps["{{id}}"] for an id with "-"',
} as const;

function check(context: RuleContext<MessageId>, node: ExpressionNode, ref: CelReference): void {
  const { model } = context;
  const report = (segment: { offset: number; name: string }, messageId: MessageId, data: Record<string, string>) =>
    context.report({ path: node.path, offset: node.offset + segment.offset, length: segment.name.length, messageId, data });
  const { root, path } = ref;
  const written = [root.name, ...path.map((s) => s.name)].slice(0, 2).join('.');

  switch (root.name) {
    case 'params': {
      const name = path[0];
      if (!name) return;
      const declared = model.params.map((p) => p.name);
      if (!declared.includes(name.name)) {
        report(name, 'unknownParam', { name: name.name, written, hint: didYouMean(name.name, declared, 'params') });
      }
      return;
    }
    case 'steps': {
      const id = path[0];
      if (!id) return;
      const target = model.stepsById.get(id.name);
      if (!target) {
        report(id, 'unknownStep', { id: id.name, written, hint: didYouMean(id.name, [...model.stepsById.keys()], 'steps') });
        return;
      }
      const seen = visibility(target, node.scope);
      const where = context.position([...target.path, 'id']);
      const defined = `${where.line}:${where.column}`;
      if (seen === 'self') {
        if (node.scope.allowResult) report(id, 'readsOwnResult', { id: id.name });
        else report(id, 'ownResultOutsideExpect', { id: id.name, field: node.field });
      } else if (seen === 'other-option') {
        const reader = node.scope.optionId ? `option "${node.scope.optionId}"` : node.scope.describe;
        report(id, 'otherOption', { id: id.name, defined, owner: target.where, reader });
      } else if (seen === 'later') {
        report(id, 'notYetRun', { id: id.name, defined, owner: target.where, field: node.field, reader: node.scope.describe });
      } else {
        const field = path[1];
        if (field && !STEP_FIELDS.includes(field.name)) report(field, 'unknownStepField', { field: field.name, id: id.name });
      }
      return;
    }
    case 'result':
      if (!node.scope.allowResult) report(root, 'resultOutsideExpect', { field: node.field });
      return;
    case 'clock': {
      const field = path[0];
      if (field && !CLOCK_FIELDS.includes(field.name)) report(field, 'unknownClockField', { field: field.name });
      return;
    }
    case 'env':
      return;
    default: {
      const allowed = node.scope.allowResult ? 'params, steps, env, clock and result' : 'params, steps, env and clock';
      const hint = suggest(root.name, ROOTS);
      report(root, 'unknownRoot', { name: root.name, hint: hint ? `; did you mean "${hint}"?` : '', allowed });
    }
  }
}

export const references: Rule<MessageId> = {
  meta: { id: 'references', description: 'expressions read declared params, earlier steps, and only known variables', severity: 'error', messages },
  create(context) {
    return {
      expression(node) {
        if (!node.parsed.ok) return;
        // `steps.count - 1` is arithmetic (on a non-number, but that is the evaluator's business).
        const hyphens = hyphenatedStepRefs(node.text).filter((h) => context.model.stepsById.has(h.id) || /-\s*[a-z]/.test(node.text.slice(h.start, h.end)));
        for (const h of hyphens) {
          context.report({ path: node.path, offset: node.offset + h.start, length: h.end - h.start, messageId: 'hyphenatedId', data: { id: h.id } });
        }
        for (const ref of celReferences(node.parsed.ast)) {
          if (hyphens.some((h) => ref.root.offset >= h.start && ref.root.offset < h.end)) continue;
          check(context, node, ref);
        }
      },
    };
  },
};
