// A read is proven, never presumed: a construct whose command cannot be known
// before it runs (eval, a command name from a variable, `| sh`, python -c…)
// cannot be a read.
import { readStepFindings } from '../commands.js';
import type { Rule } from '../types.js';

export const opaqueCommand: Rule<'opaque'> = {
  meta: {
    id: 'opaque-command',
    description: 'a step declared read runs nothing whose command cannot be known',
    severity: 'error',
    messages: { opaque: 'cannot tell what this runs ({{what}}); declare effect: write' },
  },
  create(context) {
    return {
      step({ step, path }) {
        for (const { finding, path: at, offset } of readStepFindings(step, path, 'opaque')) {
          context.report({ path: at, offset, length: finding.word.value.length, messageId: 'opaque', data: { what: finding.what } });
        }
      },
    };
  },
};
