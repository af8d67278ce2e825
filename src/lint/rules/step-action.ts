// A step does exactly one thing: run a command, run a check, ask the operator
// to do something by hand, or send a message.
import type { Rule } from '../types.js';

const ACTIONS = ['run', 'check', 'manual', 'message'] as const;

export const stepAction: Rule = {
  meta: { id: 'step-action', description: 'every step has exactly one of run, check, manual, message', severity: 'error' },
  create(context) {
    return {
      step({ step, path }) {
        const present = ACTIONS.filter((a) => step[a] !== undefined);
        if (present.length === 0) {
          context.report({ path, message: `step "${step.id}" has no action; give it exactly one of run, check, manual, message` });
        } else if (present.length > 1) {
          context.report({
            path: [...path, present[1]!],
            on: 'key',
            message: `step "${step.id}" has both ${present[0]} and ${present[1]}; a step has exactly one of run, check, manual, message (split it into two steps)`,
          });
        }
      },
    };
  },
};
