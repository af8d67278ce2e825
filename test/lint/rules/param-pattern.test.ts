import { paramPattern } from '../../../src/lint/rules/param-pattern.js';
import { doc, ruleTester } from '../helpers.js';

const withParams = (params: string, run = 'kubectl -n ${{ params.namespace }} get pods') =>
  doc(`
params:
${params}
stages:
  detect:
    steps:
      - { id: s, effect: read, run: "${run}" }
  resolve: {}
`);

describe('param-pattern', () => {
  ruleTester(paramPattern, {
    valid: [
      { name: 'a pattern that matches its default', document: withParams('  namespace: { default: smp-prod, pattern: "[a-z0-9-]{1,63}" }') },
      { name: 'patterns are anchored by the engine', document: withParams('  namespace: { default: "5", pattern: "^[0-9]+$" }') },
      { name: 'a param not used in a run command needs no pattern', document: withParams('  namespace: { default: prod, pattern: "[a-z]+" }\n  unused: { default: x }') },
    ],
    invalid: [
      {
        name: 'a pattern that does not compile',
        document: withParams('  namespace: { default: prod, pattern: "[a-z" }'),
        errors: [
          {
            line: 6,
            column: 40,
            messageId: 'invalidPattern',
            data: { pattern: '"[a-z"', name: 'namespace', reason: 'unterminated character class' },
            message: 'pattern "[a-z" of param "namespace" is not a valid regular expression: unterminated character class',
          },
        ],
      },
      {
        name: 'a default that does not match',
        document: withParams('  namespace: { default: Prod_1, pattern: "[a-z0-9-]+" }'),
        errors: [
          {
            line: 6,
            column: 25,
            messageId: 'defaultMismatch',
            data: { value: '"Prod_1"', name: 'namespace', pattern: '"[a-z0-9-]+"' },
            message: 'default "Prod_1" of param "namespace" does not match its pattern "[a-z0-9-]+"',
          },
        ],
      },
      {
        name: 'the whole default must match, not a part of it',
        document: withParams('  namespace: { default: "prod; rm -rf /", pattern: "[a-z]+" }'),
        errors: [{ line: 6, column: 25, messageId: 'defaultMismatch', data: { value: '"prod; rm -rf /"', name: 'namespace', pattern: '"[a-z]+"' } }],
      },
      {
        name: 'a param used in a run command without a pattern',
        document: withParams('  namespace: { default: prod }\n  unused: { default: x }'),
        errors: [
          {
            line: 6,
            column: 3,
            severity: 'warning',
            messageId: 'missingPattern',
            data: { name: 'namespace', line: 11 },
            message: 'param "namespace" is used in a run command (at 11) but has no pattern; add one so a value cannot become extra arguments or options',
          },
        ],
      },
    ],
  });
});
