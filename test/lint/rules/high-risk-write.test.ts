import { highRiskWrite } from '../../../src/lint/rules/high-risk-write.js';
import { doc, ruleTester } from '../helpers.js';

describe('high-risk-write', () => {
  ruleTester(highRiskWrite, {
    valid: [
      {
        name: 'highRisk on a write step',
        document: doc(`
stages:
  detect: {}
  mitigate:
    options:
      - id: flush
        title: Flush
        steps:
          - id: flush-cache
            run: redis-cli --scan --pattern 'cache:*'
            effect: write
            highRisk: true
            confirm: cache
  resolve: {}
`),
      },
    ],
    invalid: [
      {
        name: 'highRisk on a read step',
        document: doc(`
stages:
  detect:
    steps:
      - id: look
        run: kubectl get pods
        effect: read
        highRisk: true
  resolve: {}
`),
        errors: [
          {
            line: 11,
            column: 9,
            messageId: 'notWrite',
            data: { id: 'look', effect: 'read' },
            message: 'highRisk is only allowed on write steps, and step "look" is effect: read; remove highRisk or declare effect: write',
          },
        ],
      },
      {
        name: 'highRisk on a manual step',
        document: doc(`
stages:
  detect:
    steps:
      - { id: by-hand, manual: Failover in the console, highRisk: true }
  resolve: {}
`),
        errors: [{ line: 8, column: 57, messageId: 'noEffect', data: { id: 'by-hand' } }],
      },
    ],
  });
});
