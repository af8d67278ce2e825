// `highRisk` makes the operator type the target instead of "y": it only means
// something on a step that asks for approval, i.e. a write.
import type { Rule } from '../types.js';

export const highRiskWrite: Rule<'notWrite' | 'noEffect'> = {
  meta: {
    id: 'high-risk-write',
    description: 'highRisk (and confirm) only on effect: write steps',
    severity: 'error',
    messages: {
      notWrite: 'highRisk is only allowed on write steps, and step "{{id}}" is effect: {{effect}}; remove highRisk or declare effect: write',
      noEffect: 'highRisk is only allowed on write steps, and step "{{id}}" declares no effect; remove highRisk or declare effect: write',
    },
  },
  create(context) {
    return {
      step({ step, path }) {
        if (step.highRisk !== true || step.effect === 'write') return;
        const at = { path: [...path, 'highRisk'], on: 'key' } as const;
        if (step.effect) context.report({ ...at, messageId: 'notWrite', data: { id: step.id, effect: step.effect } });
        else context.report({ ...at, messageId: 'noEffect', data: { id: step.id } });
      },
    };
  },
};
