// A command the model knows to change something (kubectl delete, redis-cli
// DEL, curl -X POST, a redirection into a file…) must be declared effect:
// write, so it runs only after an explicit yes.
import { readStepFindings } from '../commands.js';
import type { Rule } from '../types.js';

export const mutatingCommand: Rule<'write'> = {
  meta: {
    id: 'mutating-command',
    description: 'a run command that changes something is declared effect: write',
    severity: 'error',
    messages: { write: '"{{what}}" changes the system, but step "{{id}}" is declared effect: read; declare effect: write so it runs only after approval' },
  },
  create(context) {
    return {
      step({ step, path }) {
        for (const { finding, path: at, offset } of readStepFindings(step, path, 'write')) {
          context.report({ path: at, offset, length: finding.word.value.length, messageId: 'write', data: { what: finding.what, id: step.id } });
        }
      },
    };
  },
};
