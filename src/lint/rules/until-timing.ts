// Polling has to fit in its deadline: `until.every` shorter than `until.timeout`.
import { parseDuration } from '../duration.js';
import type { Rule } from '../types.js';

export const untilTiming: Rule = {
  meta: { id: 'until-timing', description: 'until.every is shorter than until.timeout', severity: 'error' },
  create(context) {
    return {
      step({ step, path }) {
        const until = step.until;
        if (!until) return;
        const every = parseDuration(until.every);
        const timeout = parseDuration(until.timeout);
        if (every === undefined || timeout === undefined) return;
        if (every === 0) {
          context.report({ path: [...path, 'until', 'every'], message: `until.every "${until.every}" must be longer than 0; poll every few seconds, e.g. 30s` });
        } else if (every >= timeout) {
          context.report({
            path: [...path, 'until', 'every'],
            message: `until.every "${until.every}" is not shorter than until.timeout "${until.timeout}"; the condition would be checked at most once`,
          });
        }
      },
    };
  },
};
