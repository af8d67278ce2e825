// A program the command model does not know, in a step declared read, runs on
// the runbook's word. That is allowed, and said out loud.
import { readStepFindings } from '../commands.js';
import type { Rule } from '../types.js';

export const unverifiedRead: Rule<'unverified'> = {
  meta: {
    id: 'unverified-read',
    description: 'programs in a read step are ones oncall knows to only read',
    severity: 'warning',
    messages: {
      unverified: '"{{what}}" is not a program oncall knows to only read; step "{{id}}" runs it on the runbook\'s word (declare effect: write to have it approved)',
    },
  },
  create(context) {
    return {
      step({ step, path }) {
        for (const { finding, path: at, offset } of readStepFindings(step, path, 'unverified')) {
          context.report({ path: at, offset, length: finding.word.value.length, messageId: 'unverified', data: { what: finding.what, id: step.id } });
        }
      },
    };
  },
};
