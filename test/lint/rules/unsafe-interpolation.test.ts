import { unsafeInterpolation } from '../../../src/lint/rules/unsafe-interpolation.js';
import { ruleTester, runStep } from '../helpers.js';

const shell = '\n        shell: true';
const script = (run: string) => runStep(run, 'read', shell);

describe('unsafe-interpolation', () => {
  ruleTester(unsafeInterpolation, {
    valid: [
      { name: 'a value as an argument reaches the script as a variable', document: script('"echo ${{ params.n }} | cat"') },
      { name: 'without shell: true values are arguments anyway', document: runStep('"kubectl get ${{ params.kind }}"') },
    ],
    invalid: [
      {
        name: 'a value in arithmetic',
        document: script('"echo $(( ${{ params.n }} + 1 ))"'),
        errors: [
          {
            line: 10,
            column: 24,
            messageId: 'placement',
            data: {
              reason:
                'a value inside $(( )) is evaluated as arithmetic, where even a variable can run commands; pass it through a typed step or a pattern-checked parameter outside the arithmetic',
            },
          },
        ],
      },
      {
        name: 'a value as the command name',
        document: script('"${{ params.tool }} get pods | cat"'),
        errors: [{ line: 10, column: 15, messageId: 'placement', data: { reason: 'a command name cannot come from a value' }, message: 'a command name cannot come from a value' }],
      },
      {
        name: 'the reserved variable names',
        document: script('"echo $ONCALL_V1 | cat"'),
        errors: [{ line: 10, column: 21, messageId: 'placement', data: { reason: 'names ONCALL_V1, ONCALL_V2, … are reserved for interpolated values' } }],
      },
    ],
  });
});
