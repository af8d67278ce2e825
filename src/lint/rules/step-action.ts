// A step does exactly one thing: run a command, run a check, ask the operator
// to do something by hand, or send a message.
import type { Rule } from '../types.js';

const ACTIONS = ['run', 'check', 'manual', 'message'] as const;

export const stepAction: Rule<'noAction' | 'twoActions'> = {
  meta: {
    id: 'step-action',
    description: 'every step has exactly one of run, check, manual, message',
    severity: 'error',
    messages: {
      noAction: 'step "{{id}}" has no action; give it exactly one of run, check, manual, message',
      twoActions: 'step "{{id}}" has both {{first}} and {{second}}; a step has exactly one of run, check, manual, message (split it into two steps)',
    },
  },
  create(context) {
    return {
      step({ step, path }) {
        const present = ACTIONS.filter((a) => step[a] !== undefined);
        if (present.length === 0) {
          context.report({ path, messageId: 'noAction', data: { id: step.id } });
        } else if (present.length > 1) {
          context.report({ path: [...path, present[1]!], on: 'key', messageId: 'twoActions', data: { id: step.id, first: present[0]!, second: present[1]! } });
        }
      },
    };
  },
};
