import { unverifiedRead } from '../../../src/lint/rules/unverified-read.js';
import { ruleTester, runStep } from '../helpers.js';

const shell = '\n        shell: true';

describe('unverified-read', () => {
  ruleTester(unverifiedRead, {
    valid: [
      { name: 'programs the model knows', document: runStep('"kubectl get pods | grep x"', 'read', shell) },
      { name: 'an unknown program in a write step is approved anyway', document: runStep('mytool --fix', 'write') },
    ],
    invalid: [
      {
        name: 'an unknown program is a warning',
        document: runStep('mytool --status'),
        errors: [
          {
            line: 10,
            column: 14,
            severity: 'warning',
            messageId: 'unverified',
            data: { what: 'mytool', id: 's' },
            message: `"mytool" is not a program oncall knows to only read; step "s" runs it on the runbook's word (declare effect: write to have it approved)`,
          },
        ],
      },
      {
        name: 'at the end of a pipeline',
        document: runStep('"kubectl get pods | mytool"', 'read', shell),
        errors: [{ line: 10, column: 34, severity: 'warning', messageId: 'unverified', data: { what: 'mytool', id: 's' } }],
      },
    ],
  });
});
