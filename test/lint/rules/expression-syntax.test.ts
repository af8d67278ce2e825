import { expressionSyntax } from '../../../src/lint/rules/expression-syntax.js';
import { doc, ruleTester } from '../helpers.js';

describe('expression-syntax', () => {
  ruleTester(expressionSyntax, {
    valid: [
      {
        name: 'valid conditions and interpolations',
        document: doc(`
stages:
  detect:
    steps:
      - id: a
        run: kubectl get pods
        effect: read
        expect: 'result.exitCode == 0 && result.stdout.contains("Running")'
        until: { condition: result.exitCode == 0, every: 10s, timeout: 1m }
  resolve:
    steps:
      - { id: b, manual: "\${{ steps.a.result.exitCode * 2 }} pods" }
`),
      },
    ],
    invalid: [
      {
        name: 'the column points inside the condition',
        document: doc(`
stages:
  detect:
    steps:
      - id: a
        manual: x
        when: steps.a.result.x ++ 1
  resolve: {}
`),
        errors: [
          {
            line: 10,
            column: 33,
            messageId: 'invalid',
            data: { what: 'when', text: 'steps.a.result.x ++ 1', reason: 'unexpected "+"' },
            message: 'invalid when "steps.a.result.x ++ 1": unexpected "+"',
          },
        ],
      },
      {
        name: 'an unfinished interpolation in a double-quoted string, after an escape',
        document: doc(`
stages:
  detect: {}
  resolve:
    steps:
      - { id: b, manual: "say \\"hi\\" \${{ steps.a.result > }} now" }
`),
        errors: [{ line: 9, column: 58, messageId: 'invalid', data: { what: 'interpolation', text: 'steps.a.result >', reason: 'the expression ends too early' } }],
      },
      {
        name: 'a condition inside a block scalar',
        document: doc(`
stages:
  detect: {}
  mitigate:
    options:
      - id: o
        title: O
        recommend: >-
          steps.a.result.x > 1 &&
          steps.b.result = 2
        steps: []
  resolve: {}
`),
        errors: [
          {
            line: 13,
            column: 26,
            messageId: 'invalid',
            data: { what: 'recommend', text: 'steps.a.result.x > 1 && steps.b.result = 2', reason: 'unexpected "=" (compare with ==)' },
          },
        ],
      },
      {
        name: 'until.condition, triage case when, unterminated and empty interpolations, ${{ }} around a condition',
        document: doc(`
stages:
  detect:
    steps:
      - id: a
        manual: "\${{ }} and \${{ params.x"
        until: { condition: "result.x >", every: 10s, timeout: 1m }
        expect: \${{ result.ok }}
  triage:
    cases:
      - { id: c, title: C, when: "steps.a.result.x &" }
  resolve: {}
`),
        errors: [
          { line: 9, column: 18, messageId: 'empty', message: 'empty interpolation "${{ }}"; put an expression inside, e.g. ${{ params.namespace }}' },
          { line: 9, column: 29, messageId: 'unterminated', message: 'unterminated "${{": close the interpolation with "}}"' },
          { line: 10, column: 40, messageId: 'invalid', data: { what: 'until.condition', text: 'result.x >', reason: 'the expression ends too early' } },
          { line: 11, column: 17, messageId: 'wrappedCondition', data: { field: 'expect' }, message: 'expect is a CEL expression already; drop the ${{ }} around it' },
          { line: 14, column: 52, messageId: 'invalid', data: { what: 'when', text: 'steps.a.result.x &', reason: 'unexpected "&" (use &&)' } },
        ],
      },
      {
        name: 'a long expression is shortened in the message, on one line',
        document: doc(`
stages:
  detect:
    steps:
      - id: a
        manual: x
        when: |
          steps.a.result.count > 1000 && steps.a.result.count < 2000 &&
          steps.a.result.name = "x"
  resolve: {}
`),
        errors: [
          {
            line: 12,
            column: 31,
            messageId: 'invalid',
            data: { what: 'when', text: 'steps.a.result.count > 1000 && steps.a.result.c…', reason: 'unexpected "=" (compare with ==)' },
          },
        ],
      },
    ],
  });
});
