import { references } from '../../../src/lint/rules/references.js';
import { doc, ruleTests } from '../helpers.js';

describe('references', () => {
  ruleTests(references, [
    {
      name: 'params, earlier steps, env, clock and result in expect are fine',
      document: doc(`
params:
  namespace: { default: prod, pattern: "[a-z]+" }
stages:
  detect:
    steps:
      - id: lag
        run: kubectl -n \${{ params.namespace }} get pods
        effect: read
        expect: result.exitCode == 0 && clock.elapsedMinutes < 30
  triage:
    steps:
      - id: scale-up
        manual: "Lag is \${{ steps.lag.result.exitCode }} for \${{ env.USER }}"
        when: steps.lag.status == "ok" && steps["lag"].result.lines.all(l, l != "")
  resolve:
    steps:
      - id: done
        manual: "\${{ steps['scale-up'].status }}"
        until: { condition: result.exitCode == 0, every: 30s, timeout: 5m }
`),
      errors: [],
    },
    {
      name: 'unknown param, with a suggestion',
      document: doc(`
params:
  namespace: { default: prod }
stages:
  detect:
    steps:
      - { id: a, run: "kubectl -n \${{ params.namspace }} get pods", effect: read }
  resolve: {}
`),
      errors: [{ line: 10, column: 46, message: 'unknown parameter "namspace" in params.namspace; did you mean "namespace"?' }],
    },
    {
      name: 'unknown step, and a step that runs later',
      document: doc(`
stages:
  detect:
    steps:
      - id: first
        manual: "\${{ steps.secnd.result }}"
      - id: second
        manual: x
        when: steps.third.status == "ok"
      - id: third
        manual: y
  resolve: {}
`),
      errors: [
        { line: 9, column: 28, message: 'unknown step "secnd" in steps.secnd; did you mean "second"?' },
        { line: 12, column: 21, message: 'step "third" (at 13:13, in the detect stage) has not run yet when this when of step "second" is evaluated' },
      ],
    },
    {
      name: 'stage order: detect cannot read resolve; triage case steps read triage steps',
      document: doc(`
stages:
  detect:
    steps:
      - { id: d, manual: x, when: steps.r.status == "ok" }
  triage:
    steps:
      - { id: t, manual: x }
    cases:
      - id: c
        title: C
        when: steps.t.status == "ok"
        steps:
          - { id: cs, manual: x, when: steps.t.status == "ok" && steps.d.status == "ok" }
  resolve:
    steps:
      - { id: r, manual: x, when: steps.cs.status == "ok" }
`),
      errors: [{ line: 8, column: 41, message: 'step "r"' }],
    },
    {
      name: 'options read detect/triage and their own earlier steps, not other options',
      document: doc(`
stages:
  detect:
    steps:
      - { id: lag, manual: x }
  mitigate:
    options:
      - id: one
        title: One
        recommend: steps.lag.status == "ok"
        steps:
          - { id: a1, manual: x }
          - { id: a2, manual: x, when: steps.a1.status == "ok" }
      - id: two
        title: Two
        recommend: steps.a1.status == "ok"
        steps:
          - { id: b1, manual: x, when: steps.a2.status == "ok" }
  resolve:
    steps:
      - { id: r, manual: x, when: steps.a2.status == "ok" || steps.b1.status == "ok" }
`),
      errors: [
        { line: 19, column: 26, message: 'step "a1" (at 15:19) belongs to option "one", which does not run with option "two"' },
        { line: 21, column: 46, message: 'step "a2" (at 16:19) belongs to option "one", which does not run with option "two"' },
      ],
    },
    {
      name: 'result outside expect/until, and a step reading itself',
      document: doc(`
stages:
  detect:
    steps:
      - id: a
        run: kubectl get pods
        effect: read
        when: result.exitCode == 0
        expect: steps.a.result.exitCode == 0
  resolve: {}
`),
      errors: [
        { line: 11, column: 15, message: '"result" is only defined in expect and until.condition, not in when' },
        { line: 12, column: 23, message: 'step "a" reads its own result through steps.a; write result instead' },
      ],
    },
    {
      name: 'unknown roots, unknown step fields, hyphenated ids written with a dot',
      document: doc(`
stages:
  detect:
    steps:
      - { id: scale-up, manual: x }
      - id: b
        manual: "\${{ foo.bar }} \${{ steps.scale-up.status }} \${{ steps.b2.reslt }}"
      - { id: b2, manual: x, when: 'steps["scale-up"].reslt == 1 && clock.minutes > 1' }
  resolve: {}
`),
      errors: [
        { line: 10, column: 22, message: 'unknown variable "foo"' },
        { line: 10, column: 37, message: 'CEL reads "steps.scale-up" as a subtraction; write steps["scale-up"]' },
        { line: 10, column: 72, message: 'step "b2" (at 11:15' },
        { line: 11, column: 55, message: 'unknown field "reslt" in steps.scale-up.reslt; a step has result and status' },
        { line: 11, column: 75, message: 'unknown field "minutes" in clock.minutes' },
      ],
    },
    {
      name: 'macro variables are not unknown roots',
      document: doc(`
stages:
  detect:
    steps:
      - id: pods
        run: kubectl get pods -o json
        effect: read
        parse: json
        expect: result.json.items.all(p, p.status.phase == "Running") && result.json.items.exists(q, q.ready) && cel.bind(x, 1, x > 0)
  resolve: {}
`),
      errors: [],
    },
  ]);
});
