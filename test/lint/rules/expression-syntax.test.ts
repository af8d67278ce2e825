import { expressionSyntax } from '../../../src/lint/rules/expression-syntax.js';
import { doc, ruleTests } from '../helpers.js';

describe('expression-syntax', () => {
  ruleTests(expressionSyntax, [
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
      errors: [],
    },
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
      errors: [{ line: 10, column: 33, message: 'invalid when "steps.a.result.x ++ 1": unexpected "+"' }],
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
      errors: [{ line: 9, column: 58, message: 'invalid interpolation "steps.a.result >": the expression ends too early' }],
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
      errors: [{ line: 13, column: 26, message: 'unexpected "=" (compare with ==)' }],
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
        { line: 9, column: 18, message: 'empty interpolation' },
        { line: 9, column: 29, message: 'unterminated "${{"' },
        { line: 10, column: 40, message: 'invalid until.condition "result.x >"' },
        { line: 11, column: 17, message: 'expect is a CEL expression already; drop the ${{ }} around it' },
        { line: 14, column: 52, message: 'unexpected "&" (use &&)' },
      ],
    },
  ]);
});
