// A read is proven, never presumed: a construct whose command cannot be known
// before it runs (eval, a command name from a variable, `| sh`, python -c…)
// cannot be a read.
import { judgeStep } from '../commands.js';
import type { Rule } from '../types.js';

export const opaqueCommand: Rule = {
  meta: { id: 'opaque-command', description: 'a step declared read runs nothing whose command cannot be known', severity: 'error' },
  create(context) {
    return {
      step({ step, path }) {
        if (step.effect !== 'read') return;
        for (const { finding: f, path: at, offset } of judgeStep(step, path)?.findings ?? []) {
          if (f.kind !== 'opaque') continue;
          context.report({ path: at, offset, message: `cannot tell what this runs (${f.what}); declare effect: write` });
        }
      },
    };
  },
};
