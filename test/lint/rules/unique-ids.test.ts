import { uniqueIds } from '../../../src/lint/rules/unique-ids.js';
import { doc, ruleTester } from '../helpers.js';

describe('unique-ids', () => {
  ruleTester(uniqueIds, {
    valid: [
      {
        name: 'distinct ids are fine',
        document: doc(`
stages:
  detect:
    steps:
      - id: a
        manual: a
  resolve:
    steps:
      - id: b
        manual: b
`),
      },
    ],
    invalid: [
      {
        name: 'a step id defined twice points at the first',
        document: doc(`
stages:
  detect:
    steps:
      - id: scale
        manual: a
      - id: scale
        manual: b
  resolve: {}
`),
        errors: [{ line: 10, column: 13, messageId: 'duplicate', data: { kind: 'step', id: 'scale', where: '8:13' }, message: 'step id "scale" is already defined at 8:13' }],
      },
      {
        name: 'ids are unique across stages, in file order even when stages are not in run order',
        document: doc(`
stages:
  resolve:
    steps:
      - id: check
        manual: a
  detect:
    steps:
      - id: check
        manual: b
`),
        errors: [{ line: 12, column: 13, messageId: 'duplicate', data: { kind: 'step', id: 'check', where: '8:13' } }],
      },
      {
        name: 'an option id may not reuse a step id',
        document: doc(`
stages:
  detect:
    steps:
      - id: restart
        manual: a
  mitigate:
    options:
      - id: restart
        title: Restart
        steps: []
  resolve: {}
`),
        errors: [
          {
            line: 12,
            column: 13,
            messageId: 'usedByOtherKind',
            data: { kind: 'option', id: 'restart', firstKind: 'step', where: '8:13' },
            message: 'option id "restart" is already used by the step at 8:13; ids are unique across steps, triage cases and options',
          },
        ],
      },
      {
        name: 'triage case ids share the namespace, and steps of two options too',
        document: doc(`
stages:
  detect: {}
  triage:
    cases:
      - id: hot
        title: Hot
      - id: hot
        title: Hot again
  mitigate:
    options:
      - id: one
        title: One
        steps: [{ id: go, manual: x }]
      - id: two
        title: Two
        steps: [{ id: go, manual: y }]
  resolve: {}
`),
        errors: [
          { line: 11, column: 13, messageId: 'duplicate', data: { kind: 'triage case', id: 'hot', where: '9:13' } },
          { line: 20, column: 23, messageId: 'duplicate', data: { kind: 'step', id: 'go', where: '17:23' } },
        ],
      },
    ],
  });
});
