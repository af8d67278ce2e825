// A value computed from a step's result and handed to a write must say what it
// is: `KILL QUERY ${{ steps.q.result.lines[0] }}` would pass "5; DROP DATABASE
// smp" along. int(), uint(), double() and bool() values are checked when they
// are computed, and the step stops before it is spawned when they fail; a
// native step type's numeric and boolean inputs are checked by the type.
import type { Rule } from '../types.js';

const TYPED = /^(int|uint|double|bool|size)\s*\(/;

/** The expression is one call of a conversion, around all of it. */
function isTyped(text: string): boolean {
  const t = text.trim();
  if (!TYPED.test(t) || !t.endsWith(')')) return false;
  let depth = 0;
  for (let i = t.indexOf('('); i < t.length; i++) {
    if (t[i] === '(') depth++;
    else if (t[i] === ')' && --depth === 0) return i === t.length - 1;
  }
  return false;
}

export const untypedValue: Rule<'untyped'> = {
  meta: {
    id: 'untyped-value',
    description: 'step results interpolated into writes are typed (int(), double(), bool())',
    severity: 'error',
    messages: {
      untyped: '"{{text}}" comes from a step\'s result and reaches write step "{{id}}" as text; convert it (int(…), double(…), bool(…)) so a value of another shape stops the step',
    },
  },
  create(context) {
    const catalog = context.catalog;
    return {
      expression(node) {
        if (node.kind !== 'interpolation' || !/\bsteps\s*\./.test(node.text) || isTyped(node.text)) return;
        const self = node.scope.self?.step;
        if (!self || !(node.field === 'run' || node.field.startsWith('with'))) return;
        const checkType = self.check ? catalog?.getStepType(self.check) : undefined;
        const writes = self.effect === 'write' || checkType?.effect === 'write';
        if (!writes) return;
        // A native step type checks its typed inputs itself (k8s.scale's replicas must be an integer).
        const input = node.field.startsWith('with.') ? node.field.slice(5).split('.')[0]! : undefined;
        const schema = checkType?.inputSchema as { properties?: Record<string, { type?: string | string[] }> } | undefined;
        const declared = input ? schema?.properties?.[input]?.type : undefined;
        const types = declared === undefined ? [] : [declared].flat();
        if (types.length && types.every((t) => t === 'integer' || t === 'number' || t === 'boolean')) return;
        context.report({ path: node.path, offset: node.offset, length: node.text.length, messageId: 'untyped', data: { text: node.text, id: self.id } });
      },
    };
  },
};
