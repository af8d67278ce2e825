import { checkInputs } from '../../../src/lint/rules/check-inputs.js';
import { doc, fakeCatalog, ruleTests } from '../helpers.js';

const check = (body: string) =>
  doc(`
stages:
  detect:
    steps:
      - id: c
${body}
  resolve: {}
`);

describe('check-inputs', () => {
  ruleTests(
    checkInputs,
    [
      { name: 'a valid read check', document: check('        check: k8s.pods\n        effect: read\n        with: { selector: app=x, minReady: 2 }'), errors: [] },
      {
        name: 'interpolated values are not checked against the schema',
        document: check('        check: k8s.scale\n        effect: write\n        with: { name: api, replicas: "${{ params.n }}" }'),
        errors: [],
      },
      {
        name: 'an unknown check, with a suggestion',
        document: check('        check: k8s.podz\n        effect: read'),
        errors: [{ line: 9, column: 16, message: 'unknown check "k8s.podz"; did you mean "k8s.pods"?' }],
      },
      {
        name: 'the declared effect differs from the type',
        document: check('        check: k8s.scale\n        effect: read\n        with: { name: api, replicas: 3 }'),
        errors: [{ line: 10, column: 17, message: 'check "k8s.scale" changes the system, so its effect is write, not read' }],
      },
      {
        name: 'http: the effect follows the method',
        document: check('        check: http\n        effect: read\n        with: { url: "http://x", method: POST }'),
        errors: [{ line: 10, column: 17, message: 'check "http" changes the system with these inputs, so its effect is write, not read' }],
      },
      {
        name: 'with: missing, unknown, wrongly typed inputs',
        document: check('        check: k8s.scale\n        effect: write\n        with:\n          nmae: api\n          replicas: three'),
        errors: [
          { line: 11, column: 9, message: 'check "k8s.scale" needs with.name' },
          { line: 12, column: 11, message: 'check "k8s.scale": unknown property "nmae" in with; did you mean "name"?' },
          { line: 13, column: 21, message: 'check "k8s.scale": with.replicas must be a whole number, got a string' },
        ],
      },
      {
        name: 'no with at all',
        document: check('        check: k8s.pods\n        effect: read'),
        errors: [{ line: 8, column: 9, message: 'check "k8s.pods" needs with.selector' }],
      },
    ],
    fakeCatalog(),
  );
});
