import { references } from '../../../src/lint/rules/references.js';
import { doc, ruleTester } from '../helpers.js';

describe('references', () => {
  ruleTester(references, {
    valid: [
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
      },
    ],
    invalid: [
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
        errors: [
          {
            line: 10,
            column: 46,
            messageId: 'unknownParam',
            data: { name: 'namspace', written: 'params.namspace', hint: '; did you mean "namespace"?' },
            message: 'unknown parameter "namspace" in params.namspace; did you mean "namespace"?',
          },
        ],
      },
      {
        name: 'unknown param in a runbook without params',
        document: doc(`
stages:
  detect:
    steps:
      - { id: a, manual: "\${{ params.ns }}" }
  resolve: {}
`),
        errors: [{ line: 8, column: 38, messageId: 'unknownParam', data: { name: 'ns', written: 'params.ns', hint: '; this runbook declares no params' } }],
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
          { line: 9, column: 28, messageId: 'unknownStep', data: { id: 'secnd', written: 'steps.secnd', hint: '; did you mean "second"?' } },
          {
            line: 12,
            column: 21,
            messageId: 'notYetRun',
            data: { id: 'third', defined: '13:13', owner: 'the detect stage', field: 'when', reader: 'step "second"' },
            message: 'step "third" (at 13:13, in the detect stage) has not run yet when this when of step "second" is evaluated; only steps that run earlier can be read',
          },
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
        errors: [{ line: 8, column: 41, messageId: 'notYetRun', data: { id: 'r', defined: '20:15', owner: 'the resolve stage', field: 'when', reader: 'step "d"' } }],
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
          {
            line: 19,
            column: 26,
            messageId: 'otherOption',
            data: { id: 'a1', defined: '15:19', owner: 'option "one"', reader: 'option "two"' },
            message: 'step "a1" (at 15:19) belongs to option "one", which does not run with option "two"; an option may read detect and triage steps and its own earlier steps',
          },
          { line: 21, column: 46, messageId: 'otherOption', data: { id: 'a2', defined: '16:19', owner: 'option "one"', reader: 'option "two"' } },
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
          {
            line: 11,
            column: 15,
            messageId: 'resultOutsideExpect',
            data: { field: 'when' },
            message: '"result" is only defined in expect and until.condition, not in when; read an earlier step with steps.<id>.result',
          },
          { line: 12, column: 23, messageId: 'readsOwnResult', data: { id: 'a' }, message: 'step "a" reads its own result through steps.a; write result instead' },
        ],
      },
      {
        name: 'a step reading its own result outside expect and until.condition',
        document: doc(`
stages:
  detect:
    steps:
      - id: a
        manual: "\${{ steps.a.status }}"
  resolve: {}
`),
        errors: [{ line: 9, column: 28, messageId: 'ownResultOutsideExpect', data: { id: 'a', field: 'manual' } }],
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
          {
            line: 10,
            column: 22,
            messageId: 'unknownRoot',
            data: { name: 'foo', hint: '', allowed: 'params, steps, env and clock' },
            message: 'unknown variable "foo"; expressions can read params, steps, env and clock',
          },
          { line: 10, column: 37, messageId: 'hyphenatedId', data: { id: 'scale-up' }, message: 'CEL reads "steps.scale-up" as a subtraction; write steps["scale-up"] for an id with "-"' },
          { line: 10, column: 72, messageId: 'notYetRun', data: { id: 'b2', defined: '11:15', owner: 'the detect stage', field: 'manual', reader: 'step "b"' } },
          { line: 11, column: 55, messageId: 'unknownStepField', data: { field: 'reslt', id: 'scale-up' } },
          { line: 11, column: 75, messageId: 'unknownClockField', data: { field: 'minutes' }, message: 'unknown field "minutes" in clock.minutes; clock has elapsedMinutes, elapsedSeconds' },
        ],
      },
      {
        name: 'a misspelt root in expect gets a suggestion and the result root',
        document: doc(`
stages:
  detect:
    steps:
      - { id: a, manual: x, expect: reslt.ok }
  resolve: {}
`),
        errors: [{ line: 8, column: 37, messageId: 'unknownRoot', data: { name: 'reslt', hint: '; did you mean "result"?', allowed: 'params, steps, env, clock and result' } }],
      },
    ],
  });
});
