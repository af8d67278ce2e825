import { checkInputs } from '../../../src/lint/rules/check-inputs.js';
import { doc, fakeCatalog, ruleTester } from '../helpers.js';

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
  ruleTester(
    checkInputs,
    {
      valid: [
        { name: 'a valid read check', document: check('        check: k8s.pods\n        effect: read\n        with: { selector: app=x, minReady: 2 }') },
        {
          name: 'interpolated values are not checked against the schema',
          document: check('        check: k8s.scale\n        effect: write\n        with: { name: api, replicas: "${{ params.n }}" }'),
        },
        { name: 'http: a GET declared read', document: check('        check: http\n        effect: read\n        with: { url: "http://x" }') },
      ],
      invalid: [
        {
          name: 'an unknown check, with a suggestion',
          document: check('        check: k8s.podz\n        effect: read'),
          errors: [
            {
              line: 9,
              column: 16,
              messageId: 'unknownCheck',
              data: { check: 'k8s.podz', suggestion: 'k8s.pods' },
              message: 'unknown check "k8s.podz"; did you mean "k8s.pods"?',
            },
          ],
        },
        {
          name: 'an unknown check like no known one: the known checks are listed',
          document: check('        check: postgres.locks\n        effect: read'),
          errors: [{ line: 9, column: 16, messageId: 'unknownCheckListed', data: { check: 'postgres.locks', known: 'http, k8s.pods, k8s.scale' } }],
        },
        {
          name: 'the declared effect differs from the type: read for a write',
          document: check('        check: k8s.scale\n        effect: read\n        with: { name: api, replicas: 3 }'),
          errors: [
            {
              line: 10,
              column: 17,
              messageId: 'effectWrite',
              data: { check: 'k8s.scale', declared: 'read' },
              message: 'check "k8s.scale" changes the system, so its effect is write, not read',
            },
          ],
        },
        {
          name: 'the declared effect differs from the type: write for a read',
          document: check('        check: k8s.pods\n        effect: write\n        with: { selector: app=x }'),
          errors: [{ line: 10, column: 17, messageId: 'effectRead', data: { check: 'k8s.pods', declared: 'write' } }],
        },
        {
          name: 'http: the effect follows the method (POST is a write)',
          document: check('        check: http\n        effect: read\n        with: { url: "http://x", method: POST }'),
          errors: [
            {
              line: 10,
              column: 17,
              messageId: 'effectWriteWithInputs',
              data: { check: 'http', declared: 'read' },
              message: 'check "http" changes the system with these inputs, so its effect is write, not read',
            },
          ],
        },
        {
          name: 'http: the effect follows the method (HEAD is a read)',
          document: check('        check: http\n        effect: write\n        with: { url: "http://x", method: HEAD }'),
          errors: [{ line: 10, column: 17, messageId: 'effectReadWithInputs', data: { check: 'http', declared: 'write' } }],
        },
        {
          name: 'with: missing, unknown, wrongly typed inputs',
          document: check('        check: k8s.scale\n        effect: write\n        with:\n          nmae: api\n          replicas: three'),
          errors: [
            { line: 11, column: 9, messageId: 'missingInput', data: { check: 'k8s.scale', input: 'with.name' }, message: 'check "k8s.scale" needs with.name' },
            { line: 12, column: 11, messageId: 'invalidInput', data: { check: 'k8s.scale', problem: 'unknown property "nmae" in with; did you mean "name"?' } },
            {
              line: 13,
              column: 21,
              messageId: 'invalidInput',
              data: { check: 'k8s.scale', problem: 'with.replicas must be a whole number, got a string' },
              message: 'check "k8s.scale": with.replicas must be a whole number, got a string',
            },
          ],
        },
        {
          name: 'no with at all',
          document: check('        check: k8s.pods\n        effect: read'),
          errors: [{ line: 8, column: 9, messageId: 'missingInput', data: { check: 'k8s.pods', input: 'with.selector' } }],
        },
      ],
    },
    fakeCatalog(),
  );
});
