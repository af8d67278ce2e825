// Lint is honest: a command that changes the world (kubectl delete/scale/…,
// redis-cli DEL/FLUSH*/CONFIG SET, kafka --reset-offsets --execute, curl -X
// POST, SQL DELETE/KILL/STOP REPLICA, …) must be declared effect: write, so it
// only runs after an explicit yes.
import { analyze, stepCommands } from '../commands.js';
import type { Rule } from '../types.js';

export const mutatingCommand: Rule = {
  meta: { id: 'mutating-command', description: 'a run command that changes something is declared effect: write', severity: 'error' },
  create(context) {
    return {
      step({ step, path }) {
        if (step.run === undefined || step.effect !== 'read') return;
        const { commands } = stepCommands(step, path);
        const seen = new Set<string>();
        for (const words of commands) {
          for (const f of analyze(words)) {
            if (f.kind !== 'mutation' || seen.has(f.what)) continue;
            seen.add(f.what);
            context.report({
              path: f.word.path,
              offset: f.word.offset,
              message: `"${f.what}" changes the system, but step "${step.id}" is declared effect: read; declare effect: write so it runs only after approval`,
            });
          }
        }
      },
    };
  },
};
