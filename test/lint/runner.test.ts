// The runner on its own: files and directories, schema before rules, sorting,
// and no exception for any text (a deterministic fuzz over a valid runbook).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expandPaths, lintPaths, lintTexts, LintPathError } from '../../src/lint/runner.js';
import { doc } from './helpers.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const valid = readFileSync(`${root}test/fixtures/lint/valid/INC-100-valid.yaml`, 'utf8');

test('directories expand to their *.yaml and *.yml files, sorted; files are deduplicated', () => {
  const files = expandPaths(['test/fixtures/lint/valid', 'test/fixtures/lint/valid/process.yaml'], root);
  expect(files.map((f) => f.slice(root.length))).toEqual(['test/fixtures/lint/valid/INC-100-valid.yaml', 'test/fixtures/lint/valid/process.yaml']);
  expect(() => expandPaths(['nope'], root)).toThrow(LintPathError);
});

test('process.yaml is checked against the process schema, and no rule runs on it', async () => {
  const r = await lintPaths(['test/fixtures/lint/valid'], { cwd: root, catalog: null });
  expect(r.files.map((f) => [f.file, f.diagnostics.length])).toEqual([
    ['test/fixtures/lint/valid/INC-100-valid.yaml', 0],
    ['test/fixtures/lint/valid/process.yaml', 0],
  ]);
});

test('rules run only on schema-valid runbooks', async () => {
  // Duplicate ids would be a rule error, but the schema error comes first and alone.
  const text = doc(`
stages:
  detect:
    steps:
      - { id: a, manual: x }
      - { id: a, manual: y, bogus: 1 }
  resolve: {}
`);
  const r = await lintTexts([{ file: 'INC-100-x.yaml', text }], { catalog: null });
  expect(r.files[0]!.diagnostics.map((d) => d.ruleId)).toEqual(['schema']);
});

test('diagnostics are sorted by line and column; counts add up', async () => {
  const text = doc(`
stages:
  detect:
    steps:
      - { id: a, run: "kubectl delete pod x | cat", effect: read }
      - { id: a, manual: y }
  resolve: {}
`);
  const r = await lintTexts([{ file: 'INC-100-x.yaml', text }], { catalog: null });
  const d = r.files[0]!.diagnostics;
  expect(d.map((x) => `${x.line}:${x.column} ${x.ruleId}`)).toEqual(['8:32 mutating-command', '8:45 shell-syntax', '9:15 unique-ids']);
  expect([r.errorCount, r.warningCount]).toEqual([3, 0]);
});

test('fuzz: no mutation of a valid runbook makes lint throw or report an internal error', async () => {
  let seed = 42;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const pieces = ['', ' ', '\n', ':', '-', '"', "'", '{', '}', '[', ']', '${{', '}}', '|', '&&', '$(', '*', '#', '\t', 'id: x', 'steps.', 'params.'];
  const texts: Array<{ file: string; text: string }> = [];
  for (let i = 0; i < 300; i++) {
    let t = valid;
    for (let k = 0; k < 1 + rand(3); k++) {
      const at = rand(t.length);
      const cut = rand(4) === 0 ? rand(40) : 0;
      t = t.slice(0, at) + pieces[rand(pieces.length)] + t.slice(at + cut);
    }
    texts.push({ file: `fuzz-${i}.yaml`, text: t });
  }
  const r = await lintTexts(texts, { catalog: null });
  const internal = r.files.flatMap((f) => f.diagnostics).filter((d) => d.ruleId === 'internal');
  expect(internal).toEqual([]);
  for (const f of r.files) for (const d of f.diagnostics) expect(d.line).toBeGreaterThanOrEqual(1);
});
