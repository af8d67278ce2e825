// Conditions (when, expect, until.condition, recommend, triage case when) and
// every `${{ }}` must parse as CEL; the column points inside the string.
import type { Rule } from '../types.js';

export function shorten(text: string, max = 48): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}

export const expressionSyntax: Rule<'empty' | 'invalid' | 'unterminated' | 'wrappedCondition'> = {
  meta: {
    id: 'expression-syntax',
    description: 'conditions and ${{ }} interpolations are valid CEL',
    severity: 'error',
    messages: {
      empty: 'empty interpolation "${{ }}"; put an expression inside, e.g. ${{ params.namespace }}',
      invalid: 'invalid {{what}} "{{text}}": {{reason}}',
      unterminated: 'unterminated "${{": close the interpolation with "}}"',
      wrappedCondition: '{{field}} is a CEL expression already; drop the ${{ }} around it',
    },
  },
  create(context) {
    return {
      expression(node) {
        if (node.parsed.ok) return;
        if (node.kind === 'interpolation' && node.text.trim() === '') {
          // The expression offset of an empty `${{ }}` is just after `${{`.
          context.report({ path: node.path, offset: Math.max(0, node.offset - 3), messageId: 'empty' });
          return;
        }
        const { error } = node.parsed;
        context.report({
          path: node.path,
          offset: node.offset + error.start,
          length: Math.max(1, error.end - error.start),
          messageId: 'invalid',
          data: { what: node.kind === 'condition' ? node.field : 'interpolation', text: shorten(node.text), reason: error.message },
        });
      },
      end() {
        for (const p of context.model.interpolationProblems) {
          if (p.kind === 'unterminated') context.report({ path: p.path, offset: p.offset, length: 3, messageId: 'unterminated' });
          else context.report({ path: p.path, offset: p.offset, messageId: 'wrappedCondition', data: { field: p.field ?? '' } });
        }
      },
    };
  },
};
