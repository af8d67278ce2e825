import { untypedValue } from '../../../src/lint/rules/untyped-value.js';
import { doc, fakeCatalog, ruleTester } from '../helpers.js';

/** A detect read `q`, then the given mitigate steps (from line 13 on). */
const afterQuery = (steps: string) =>
  doc(`
stages:
  detect:
    steps:
      - { id: q, run: mysql -e "SHOW PROCESSLIST", effect: read }
  mitigate:
    options:
      - id: o
        title: O
        steps:
${steps}
  resolve: {}
`);

describe('untyped-value', () => {
  ruleTester(
    untypedValue,
    {
      valid: [
        {
          name: 'a converted value, a native typed input, and text for a person',
          document: afterQuery(`          - { id: kill, effect: write, run: 'mysql -e "KILL QUERY \${{ int(steps.q.result.lines[0]) }}"' }
          - id: scale
            check: k8s.scale
            effect: write
            with: { name: api, replicas: "\${{ steps.q.result.count }}" }
          - { id: note, manual: "\${{ steps.q.result.lines[0] }}" }`),
        },
      ],
      invalid: [
        {
          name: 'a step result as text in a write command',
          document: afterQuery(`          - { id: kill, effect: write, run: 'mysql -e "KILL QUERY \${{ steps.q.result.lines[0] }}"' }`),
          errors: [
            {
              line: 14,
              column: 71,
              messageId: 'untyped',
              data: { text: 'steps.q.result.lines[0]', id: 'kill' },
              message: `"steps.q.result.lines[0]" comes from a step's result and reaches write step "kill" as text; convert it (int(…), double(…), bool(…)) so a value of another shape stops the step`,
            },
          ],
        },
        {
          name: 'a step result in a text input of a native write',
          document: afterQuery(`          - id: scale
            check: k8s.scale
            effect: write
            with: { name: "\${{ steps.q.result.lines[0] }}", replicas: 3 }`),
          errors: [{ line: 17, column: 32, messageId: 'untyped', data: { text: 'steps.q.result.lines[0]', id: 'scale' } }],
        },
      ],
    },
    fakeCatalog(),
  );
});
