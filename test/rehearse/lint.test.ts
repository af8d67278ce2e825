// oncall lint on scenario files: the schema, and the checks that need the
// runbook the scenario names (found in the runbooks directory the scenario
// sits in), at file:line:col, in every output format; a scenario whose
// runbook cannot be found says so at its `runbook:` line.
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../engine/helpers.js';
import { assertBuilt, oncall, ROOT } from '../cli-run/helpers.js';

let t: ReturnType<typeof tempDir>;
let dir: string;
const HOT = readFileSync(join(ROOT, 'runbooks/scenarios/INC-007/hot-partition.yaml'), 'utf8');

beforeAll(() => {
  assertBuilt();
  t = tempDir();
  dir = join(t.dir, 'runbooks');
  mkdirSync(join(dir, 'scenarios', 'INC-007'), { recursive: true });
  cpSync(join(ROOT, 'runbooks/INC-007-consumer-lag-spike.yaml'), join(dir, 'INC-007-consumer-lag-spike.yaml'));
});
afterAll(() => t.cleanup());

function write(name: string, text: string, sub = join('scenarios', 'INC-007')): string {
  const file = join(dir, sub, `${name}.yaml`);
  mkdirSync(join(dir, sub), { recursive: true });
  writeFileSync(file, text);
  return file;
}

test('the bundled scenarios lint clean', async () => {
  const r = await oncall(['lint', join(ROOT, 'runbooks/scenarios/INC-007'), join(ROOT, 'runbooks/scenarios/INC-004')]);
  expect(r.stdout).toMatch(/No problems in \d+ files/i);
  expect(r.code).toBe(0);
});

test('an unknown step and a misspelt result field, at their lines, as text and as JSON', async () => {
  const file = write('two-problems', HOT.replace('  consumers:\n', '  consumrs:\n').replace('totalLag: 18000\n', 'totalLagg: 18000\n'));
  const lines = readFileSync(file, 'utf8').split('\n');
  const stepLine = lines.findIndex((l) => l.startsWith('  consumrs:')) + 1;
  const fieldLine = lines.findIndex((l) => l.includes('totalLagg')) + 1;
  const text = await oncall(['lint', file]);
  expect(text.code).toBe(1);
  expect(text.stdout).toContain(`two-problems.yaml:${stepLine}:3: error INC-007 has no step "consumrs" (did you mean "consumers"?) [scenario]`);
  expect(text.stdout).toMatch(new RegExp(`two-problems\\.yaml:${fieldLine}:7: error not a kafka\\.lag result: unknown property "totalLagg" in result; did you mean "totalLag"\\? \\[scenario\\]`));
  const json = await oncall(['lint', file, '--format', 'json']);
  const found = JSON.parse(json.stdout) as Array<{ line: number; ruleId: string }>;
  expect(found.map((d) => [d.line, d.ruleId]).sort()).toEqual([[fieldLine, 'scenario'], [stepLine, 'scenario']].sort());
});

test('a scenario whose runbook is nowhere: one diagnostic at its runbook line', async () => {
  const file = write('orphan', HOT.replace('runbook: INC-007', 'runbook: INC-077'), join('scenarios', 'INC-077'));
  const r = await oncall(['lint', file], { env: { ...process.env, ONCALL_RUNBOOKS: dir } });
  expect(r.code).toBe(1);
  expect(r.stdout).toMatch(/orphan\.yaml:2:10: error no runbook INC-077 in .* \[scenario\]/);
});
