// Conditions (when, expect, until.condition, recommend, triage case when) and
// every `${{ }}` must parse as CEL; the column points inside the string.
import type { Rule } from '../types.js';

export function shorten(text: string, max = 48): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}

export const expressionSyntax: Rule = {
  meta: { id: 'expression-syntax', description: 'conditions and ${{ }} interpolations are valid CEL', severity: 'error' },
  create(context) {
    return {
      expression(node) {
        if (node.parsed.ok) return;
        if (node.kind === 'interpolation' && node.text.trim() === '') {
          // The expression offset of an empty `${{ }}` is just after `${{`.
          context.report({ path: node.path, offset: Math.max(0, node.offset - 3), message: 'empty interpolation "${{ }}"; put an expression inside, e.g. ${{ params.namespace }}' });
          return;
        }
        const { error } = node.parsed;
        const what = node.kind === 'condition' ? node.field : 'interpolation';
        context.report({
          path: node.path,
          offset: node.offset + error.start,
          message: `invalid ${what} "${shorten(node.text)}": ${error.message}`,
        });
      },
      end() {
        for (const p of context.model.interpolationProblems) context.report({ path: p.path, offset: p.offset, message: p.message });
      },
    };
  },
};
