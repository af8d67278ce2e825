import { opaqueCommand } from '../../../src/lint/rules/opaque-command.js';
import { ruleTester, runStep } from '../helpers.js';

const shell = '\n        shell: true';

describe('opaque-command', () => {
  ruleTester(opaqueCommand, {
    valid: [
      { name: 'a known read', document: runStep('kubectl get pods') },
      { name: 'eval in a step declared write is approved anyway', document: runStep('"eval $CMD"', 'write', shell) },
    ],
    invalid: [
      {
        name: 'eval points at the word',
        document: runStep('"eval $CMD"', 'read', shell),
        errors: [
          {
            line: 10,
            column: 15,
            messageId: 'opaque',
            data: { what: 'eval runs code the model cannot read' },
            message: 'cannot tell what this runs (eval runs code the model cannot read); declare effect: write',
          },
        ],
      },
      {
        name: 'a shell reading its commands from a here-document',
        document: runStep("|-\n          sh <<'EOF'\n          kubectl delete pod victim\n          EOF", 'read', shell),
        errors: [{ line: 11, column: 11, messageId: 'opaque', data: { what: 'sh runs the commands fed on its standard input' } }],
      },
      { name: 'python -c', document: runStep("python3 -c 'print(1)'"), errors: [{ line: 10, column: 14, messageId: 'opaque', data: { what: 'python3 runs code the model cannot read' } }] },
    ],
  });
});
