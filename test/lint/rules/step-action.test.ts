import { stepAction } from '../../../src/lint/rules/step-action.js';
import { doc, ruleTester } from '../helpers.js';

describe('step-action', () => {
  ruleTester(stepAction, {
    valid: [
      {
        name: 'one action per step',
        document: doc(`
stages:
  detect:
    steps:
      - { id: a, run: kubectl get pods, effect: read }
      - { id: b, manual: Look at the dashboard }
      - { id: c, message: { channel: "#ops", text: hi } }
  resolve: {}
`),
      },
    ],
    invalid: [
      {
        name: 'a step without an action',
        document: doc(`
stages:
  detect:
    steps:
      - id: nothing
        title: Nothing to do
  resolve: {}
`),
        errors: [{ line: 8, column: 9, messageId: 'noAction', data: { id: 'nothing' }, message: 'step "nothing" has no action; give it exactly one of run, check, manual, message' }],
      },
      {
        name: 'two actions: points at the second',
        document: doc(`
stages:
  detect:
    steps:
      - id: both
        run: kubectl get pods
        effect: read
        manual: Also look at the dashboard
  resolve: {}
`),
        errors: [{ line: 11, column: 9, messageId: 'twoActions', data: { id: 'both', first: 'run', second: 'manual' } }],
      },
    ],
  });
});
