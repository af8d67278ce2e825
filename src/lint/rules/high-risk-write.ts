// `highRisk` makes the operator type the target instead of "y": it only means
// something on a step that asks for approval, i.e. a write.
import type { Rule } from '../types.js';

export const highRiskWrite: Rule = {
  meta: { id: 'high-risk-write', description: 'highRisk (and confirm) only on effect: write steps', severity: 'error' },
  create(context) {
    return {
      step({ step, path }) {
        if (step.highRisk !== true || step.effect === 'write') return;
        const declared = step.effect ? `is effect: ${step.effect}` : 'declares no effect';
        context.report({
          path: [...path, 'highRisk'],
          on: 'key',
          message: `highRisk is only allowed on write steps, and step "${step.id}" ${declared}; remove highRisk or declare effect: write`,
        });
      },
    };
  },
};
