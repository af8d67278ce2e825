// In a shell script a value reaches the script as an environment variable,
// never as script text. Where even a variable is unsafe (arithmetic, an array
// subscript, a command name, a here-document delimiter, a quoted
// here-document, eval) there is no safe place for it.
import { judgeStep } from '../commands.js';
import type { Rule } from '../types.js';

export const unsafeInterpolation: Rule<'placement'> = {
  meta: {
    id: 'unsafe-interpolation',
    description: 'interpolations in shell scripts stand where a variable is safe',
    severity: 'error',
    // The command model (src/commands/template.ts) says which place and why.
    messages: { placement: '{{reason}}' },
  },
  create(context) {
    return {
      step({ step, path }) {
        if (step.shell !== true) return;
        const problem = judgeStep(step, path)?.problem;
        if (problem?.kind !== 'placement') return;
        context.report({ path: problem.path, offset: problem.offset, messageId: 'placement', data: { reason: problem.message } });
      },
    };
  },
};
