// oncall test and the scenario checks: the bundled scenarios pass; a table of
// broken scenarios, each with the diagnostic it gets and where; a scenario
// whose expectation is wrong fails with exit 1 at the expectation's line;
// JUnit XML for CI; oncall lint checks a scenario file against its schema.
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
  cpSync(join(ROOT, 'runbooks/process.yaml'), join(dir, 'process.yaml'));
});
afterAll(() => t.cleanup());

/** The hot-partition scenario with one text replacement, written as NAME. */
function variant(name: string, from: string | RegExp, to: string): string {
  const text = HOT.replace(from, to);
  if (text === HOT) throw new Error(`variant ${name}: ${String(from)} not found`);
  const file = join(dir, 'scenarios', 'INC-007', `${name}.yaml`);
  writeFileSync(file, text);
  return file;
}

/** 1-based line of the first line of `file` that contains `needle`. */
function lineOf(file: string, needle: string): number {
  return readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(needle)) + 1;
}

test('oncall test passes on every bundled scenario, each on a line with its time', async () => {
  const r = await oncall(['test'], { timeoutMs: 60_000 });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const lines = r.stdout.split('\n').filter((l) => l.startsWith('✓') || l.startsWith('✗'));
  expect(lines.length).toBeGreaterThanOrEqual(1);
  expect(lines.every((l) => l.startsWith('✓'))).toBe(true);
  expect(lines.join('\n')).toMatch(/✓ INC-007\/hot-partition +A hot partition — 4 paths, resolved by scenario-2, scenario-3, best 15m via scenario-2 \(\d+ ms\)/);
  expect(r.stdout).toMatch(/scenarios: \d+ passed, 0 failed/);
}, 90_000);

const broken: Array<[string, string | RegExp, string, RegExp, string]> = [
  ['unknown-step', '  consumers:\n', '  consumrs:\n', /INC-007 has no step "consumrs" \(did you mean "consumers"\?\) \[scenario\]/, 'consumrs:'],
  ['misspelt-result-field', 'totalLag: 18000\n', 'totalLagg: 18000\n', /not a kafka\.lag result: unknown property "totalLagg" in result; did you mean "totalLag"\? \[scenario\]/, 'totalLagg'],
  ['wrong-result-type', 'desired: 6,', 'desired: six,', /not a k8s\.rollout-status result: result\.desired must be a whole number, got a string \[scenario\]/, 'desired: six'],
  ['run-step-with-result', '  top:\n    stdout: |', '  top:\n    result: {}\n    stdout: |', /step "top" runs a command: answer it with exit, stdout and stderr, not result \[scenario\]/, 'result: {}'],
  ['check-with-stdout', "    summary: orders.events.dlq is empty\n", "    summary: orders.events.dlq is empty\n    stdout: nothing\n", /step "dlq" is a check \(kafka\.peek\): answer it with result, not stdout \[scenario\]/, 'stdout: nothing'],
  // Both scale options drain to 600: both become 1600 (a /g pattern); reported at lagdown's last answer set.
  ['never-passes', / {10}- result: \{ totalLag: 600 \}\n/g, '          - result: { totalLag: 1600 }\n', /resolve step "lagdown" can never pass in this scenario: result\.totalLag < 1000 is false with every answer given \[scenario\]/, 'lagdown:\n        result: { totalLag: 20900 }'],
  ['unknown-option', 'resolves: [scenario-2, scenario-3]', 'resolves: [scenario-2, scenario-9]', /INC-007 has no option "scenario-9"; options: scenario-1, scenario-2, scenario-3, scenario-4 \[scenario\]/, 'resolves:'],
  ['unknown-ran', 'ran: scalehot', 'ran: scalehott', /INC-007 has no step "scalehott" \(did you mean "scalehot"\?\) \[scenario\]/, 'ran: scalehott'],
  ['schema', 'budget: 45m', 'budget: soon', /expect\.budget "soon" does not match \^\[0-9\]\+\(ms\|s\|m\|h\)\$ \[schema\]/, 'budget: soon'],
];

test.each(broken)('a broken scenario (%s) is reported at its line, exit 1', async (name, from, to, message, at) => {
  const file = variant(name, from, to);
  const r = await oncall(['--runbooks', dir, 'test', file], { timeoutMs: 30_000 });
  expect(r.code).toBe(1);
  const needle = at.includes('\n') ? at.split('\n')[0]! : at;
  let line = lineOf(file, needle);
  if (at.includes('\n')) line = readFileSync(file, 'utf8').split('\n').findIndex((l, i, all) => l.includes(needle) && (all[i + 1] ?? '').includes(at.split('\n')[1]!.trim())) + 1;
  expect(r.stdout).toMatch(new RegExp(`${name}\\.yaml:${line}:\\d+: `));
  expect(r.stdout).toMatch(message);
  expect(r.stdout).toMatch(/scenarios: 0 passed, 1 failed/);
});

const wrong: Array<[string, string, string, RegExp, string]> = [
  ['wrong-recommended', 'recommended: scenario-2', 'recommended: scenario-3', /the evidence recommends "scenario-2", the scenario expects "scenario-3"/, 'recommended:'],
  ['wrong-resolves', 'resolves: [scenario-2, scenario-3]', 'resolves: [scenario-1, scenario-2, scenario-3]', /option "scenario-1" should resolve this scenario, but resolve not verified: lagdown, lagtrend did not pass \(lagdown: still not true after/, 'resolves:'],
  ['missing-resolver', 'resolves: [scenario-2, scenario-3]', 'resolves: [scenario-3]', /option "scenario-2" resolves this scenario too \(in 15m\), but expect\.resolves does not list it/, 'resolves:'],
  ['over-budget', 'budget: 45m', 'budget: 10m', /option "scenario-2" recovers in 15m, over the budget of 10m/, 'budget:'],
];

test.each(wrong)('a wrong expectation (%s) fails at the expectation: exit 1, file:line:col', async (name, from, to, message, at) => {
  const file = variant(name, from, to);
  const r = await oncall(['--runbooks', dir, 'test', file], { timeoutMs: 30_000 });
  expect(r.code).toBe(1);
  expect(r.stdout).toMatch(new RegExp(`✗ INC-007/${name}`));
  expect(r.stdout).toMatch(new RegExp(`${name}\\.yaml:${lineOf(file, at)}:\\d+: `));
  expect(r.stdout).toMatch(message);
});

test('--format junit writes one testcase per scenario and a failure per broken expectation', async () => {
  const good = variant('good-copy', 'title: A hot partition', 'title: A hot partition (copy)');
  const bad = variant('bad-copy', 'budget: 45m', 'budget: 10m');
  const out = join(t.dir, 'junit.xml');
  const r = await oncall(['--runbooks', dir, 'test', good, bad, '--format', 'junit', '--out', out], { timeoutMs: 30_000 });
  expect(r.code).toBe(1);
  const xml = readFileSync(out, 'utf8');
  expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>/);
  expect(xml).toMatch(/<testsuites name="oncall test" tests="2" failures="1"/);
  expect(xml).toMatch(/<testsuite name="INC-007" tests="2" failures="1" errors="0"/);
  expect(xml).toMatch(/<testcase classname="INC-007" name="good-copy"[^>]*>\s*<system-out>/);
  expect(xml).toMatch(/<testcase classname="INC-007" name="bad-copy"[^>]*>[\s\S]*<failure message="option &quot;scenario-2&quot; recovers in 15m, over the budget of 10m" type="scenario-expect">/);
  // The text summary still goes to stdout for the CI log.
  expect(r.stdout).toMatch(/scenarios: 1 passed, 1 failed/);
});

test('oncall lint checks a scenario file against the scenario schema, at its line', async () => {
  const file = variant('lint-schema', 'takes: 1m', 'takes: a minute');
  const r = await oncall(['lint', file]);
  expect(r.code).toBe(1);
  expect(r.stdout).toMatch(new RegExp(`lint-schema\\.yaml:${lineOf(file, 'takes: a minute')}:\\d+: .*takes`));
  const ok = await oncall(['lint', join(ROOT, 'runbooks/scenarios/INC-007/hot-partition.yaml')]);
  expect(ok.code).toBe(0);
});

test('no scenarios, or a path that does not exist: one line, exit 2', async () => {
  const empty = join(t.dir, 'empty');
  mkdirSync(empty);
  const none = await oncall(['test', empty]);
  expect(none.code).toBe(2);
  expect(none.stderr.trim().split('\n')).toHaveLength(1);
  expect(none.stderr).toMatch(/no scenarios/);
  const missing = await oncall(['test', join(t.dir, 'nope')]);
  expect(missing.code).toBe(2);
  expect(missing.stderr).toMatch(/cannot read ".*nope": ENOENT/);
});
