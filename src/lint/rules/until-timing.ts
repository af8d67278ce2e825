// Polling has to fit in its deadline: `until.every` shorter than `until.timeout`.
import { parseDuration } from '../../shared/duration.js';
import type { Rule } from '../types.js';

export const untilTiming: Rule<'zero' | 'notShorter'> = {
  meta: {
    id: 'until-timing',
    description: 'until.every is shorter than until.timeout',
    severity: 'error',
    messages: {
      zero: 'until.every "{{every}}" must be longer than 0; poll every few seconds, e.g. 30s',
      notShorter: 'until.every "{{every}}" is not shorter than until.timeout "{{timeout}}"; the condition would be checked at most once',
    },
  },
  create(context) {
    return {
      step({ step, path }) {
        const until = step.until;
        if (!until) return;
        const every = durationMs(until.every);
        const timeout = durationMs(until.timeout);
        if (every === undefined || timeout === undefined) return;
        const at = [...path, 'until', 'every'];
        if (every === 0) context.report({ path: at, messageId: 'zero', data: { every: until.every } });
        else if (every >= timeout) context.report({ path: at, messageId: 'notShorter', data: { every: until.every, timeout: until.timeout } });
      },
    };
  },
};

/** A duration's milliseconds, or undefined when it is not one (the schema says why). */
function durationMs(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  try {
    return parseDuration(text);
  } catch {
    return undefined;
  }
}
