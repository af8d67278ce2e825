import { untilTiming } from '../../../src/lint/rules/until-timing.js';
import { doc, ruleTester } from '../helpers.js';

const withUntil = (every: string, timeout: string) =>
  doc(`
stages:
  detect: {}
  resolve:
    steps:
      - id: lag-down
        run: kafka-consumer-groups --describe --group g
        effect: read
        until: { condition: result.exitCode == 0, every: ${every}, timeout: ${timeout} }
`);

describe('until-timing', () => {
  ruleTester(untilTiming, {
    valid: [
      { name: 'every shorter than timeout', document: withUntil('30s', '15m') },
      { name: 'units are compared, not digits', document: withUntil('90s', '2m') },
    ],
    invalid: [
      {
        name: 'every equal to timeout',
        document: withUntil('15m', '15m'),
        errors: [
          {
            line: 12,
            column: 58,
            messageId: 'notShorter',
            data: { every: '15m', timeout: '15m' },
            message: 'until.every "15m" is not shorter than until.timeout "15m"; the condition would be checked at most once',
          },
        ],
      },
      {
        name: 'every longer than timeout',
        document: withUntil('1h', '30m'),
        errors: [{ line: 12, column: 58, messageId: 'notShorter', data: { every: '1h', timeout: '30m' } }],
      },
      { name: 'every of zero', document: withUntil('0s', '5m'), errors: [{ line: 12, column: 58, messageId: 'zero', data: { every: '0s' } }] },
    ],
  });
});
