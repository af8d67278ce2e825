// Where a diagnostic is: its document path as text (Spectral's `path`) and its
// range, the same from the fast YAML parser and from yaml.
import { docPathText } from '../../src/lint/doc-path.js';
import { locateRange, locateRangeWithin, parseSource } from '../../src/runbook/source.js';

test('document paths read like the YAML they name', () => {
  expect(docPathText(['stages', 'mitigate', 'options', 1, 'steps', 0, 'run'])).toBe('stages.mitigate.options[1].steps[0].run');
  expect(docPathText(['params', 'kafka-brokers', 'default'])).toBe('params.kafka-brokers.default');
  // A key that is not a plain name is quoted, so the text names one node.
  expect(docPathText(['stages', 'detect', 'steps', 0, 'with', 'a.b c'])).toBe('stages.detect.steps[0].with["a.b c"]');
  expect(docPathText([])).toBe('');
});

const text = [
  'id: INC-001', //                  1
  '"quoted key": 1', //              2
  'stages:', //                      3
  '  detect:', //                    4
  '    steps:', //                   5
  '      - id: a', //                6
  '        run: |', //               7
  '          kubectl get pods', //   8
  '          kubectl get svc', //    9
  '        when: "steps.x > 1"', //  10
  '  resolve: {}', //                11
  '',
].join('\n');

describe.each([
  ['the fast parser', true],
  ['yaml', false],
])('ranges from %s', (_, fast) => {
  const { source, errors } = parseSource('f.yaml', text, { fast });
  expect(errors).toEqual([]);
  if (fast) expect(source.tree).toBeDefined();
  else expect(source.doc).toBeDefined();

  test('a value, and its key', () => {
    expect(locateRange(source, ['id'])).toEqual({ line: 1, column: 5, endLine: 1, endColumn: 12 });
    expect(locateRange(source, ['id'], 'key')).toEqual({ line: 1, column: 1, endLine: 1, endColumn: 3 });
  });

  test('a quoted key ends at its closing quote', () => {
    expect(locateRange(source, ['quoted key'], 'key')).toEqual({ line: 2, column: 1, endLine: 2, endColumn: 13 });
  });

  test('a block scalar ends at its last character, not at the next line', () => {
    expect(locateRange(source, ['stages', 'detect', 'steps', 0, 'run'])).toEqual({ line: 7, column: 14, endLine: 9, endColumn: 26 });
  });

  test('a span inside a string, and one character when the length is unknown', () => {
    const when = ['stages', 'detect', 'steps', 0, 'when'];
    // The value starts after the quote, at column 16.
    expect(locateRangeWithin(source, when, 0, 7)).toEqual({ line: 10, column: 16, endLine: 10, endColumn: 23 });
    expect(locateRangeWithin(source, when, 6, 1)).toEqual({ line: 10, column: 22, endLine: 10, endColumn: 23 });
    expect(locateRangeWithin(source, when, 8)).toEqual({ line: 10, column: 24, endLine: 10, endColumn: 25 });
  });

  test('a missing path is the deepest node that exists', () => {
    expect(locateRange(source, ['stages', 'detect', 'steps', 0, 'nope'])).toEqual(locateRange(source, ['stages', 'detect', 'steps', 0]));
  });
});
