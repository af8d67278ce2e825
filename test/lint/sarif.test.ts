// `--format sarif`: valid SARIF 2.1.0 (against the schema in
// test/fixtures/lint/sarif/, see its README), with what GitHub code scanning
// reads: $schema, version, runs[0].tool.driver.name and rules[] (id,
// shortDescription, fullDescription ≤ 1,000 characters, help, default level),
// and per result ruleId, ruleIndex, level, message.text and one location with a
// relative artifact URI and a full region, plus the document path as the
// logical location.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Options, ValidateFunction } from 'ajv';
import { format } from '../../src/lint/formatters/index.js';
import { artifactUri, formatSarif, plainText, SARIF_SCHEMA } from '../../src/lint/formatters/sarif.js';
import { RULE_HELP } from '../../src/lint/rule-help.js';
import { rules } from '../../src/lint/rules/index.js';
import { lintPaths, type LintResult } from '../../src/lint/runner.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const fixtures = join(root, 'test/fixtures/lint');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string; homepage?: string };

// ajv and ajv-formats are CommonJS, loaded as src/runbook/schema.ts loads ajv.
const require = createRequire(import.meta.url);
const AjvClass = (require('ajv/dist/2020.js') as { default: new (options: Options) => { compile(schema: object): ValidateFunction } }).default;
const formats = (require('ajv-formats') as { default: (ajv: unknown) => unknown }).default;
const ajv = new AjvClass({ allErrors: true, strict: false });
formats(ajv);
const validate = ajv.compile(JSON.parse(readFileSync(join(fixtures, 'sarif/sarif-2.1.0.schema.json'), 'utf8')));

/* eslint-disable @typescript-eslint/no-explicit-any */
type Sarif = any;

let all: LintResult;
let log: Sarif;
beforeAll(async () => {
  // Every fixture at once: YAML, schema and rule problems, warnings, a clean file.
  all = await lintPaths([fixtures, join(fixtures, 'valid')], { cwd: root });
  log = JSON.parse(formatSarif(all));
});

test('the log is valid SARIF 2.1.0', () => {
  const ok = validate(log);
  expect(ok ? [] : validate.errors).toEqual([]);
  expect(all.errorCount).toBeGreaterThan(30);
});

test('a clean run is valid too, with an empty results array', async () => {
  const clean = JSON.parse(formatSarif(await lintPaths([join(fixtures, 'valid')], { cwd: root })));
  expect(validate(clean) ? [] : validate.errors).toEqual([]);
  expect(clean.runs[0].results).toEqual([]);
});

test('the log names its schema and version, and one run of oncall', () => {
  expect(log.$schema).toBe(SARIF_SCHEMA);
  expect(log.version).toBe('2.1.0');
  expect(log.runs).toHaveLength(1);
  const driver = log.runs[0].tool.driver;
  expect(driver.name).toBe('oncall');
  expect([driver.version, driver.semanticVersion]).toEqual([pkg.version, pkg.version]);
  // From package.json's homepage, when it has one (a URI made up here would be wrong).
  expect(driver.informationUri).toBe(pkg.homepage);
  expect(log.runs[0].columnKind).toBe('utf16CodeUnits');
});

test('one rule entry per check, with the help text of docs/lint.md and the default level', () => {
  const driver = log.runs[0].tool.driver;
  const ids = ['yaml-syntax', 'schema', 'internal', ...rules.map((r) => r.meta.id)];
  expect(driver.rules.map((r: Sarif) => r.id)).toEqual(ids);
  const docs = readFileSync(join(root, 'docs/lint.md'), 'utf8');
  for (const r of driver.rules) {
    const row = docs.split('\n').find((l) => l.startsWith(`| \`${r.id}\` | `))!;
    expect(row).toBeDefined();
    expect(row).toBe(`| \`${r.id}\` | ${r.help.markdown} |`);
    expect(r.help.text).toBe(plainText(RULE_HELP[r.id]!));
    expect(r.help.text).not.toMatch(/`|\\\|/);
    expect(r.fullDescription.text).toBe(r.help.text);
    expect(r.fullDescription.text.length).toBeLessThanOrEqual(1000);
    expect(r.shortDescription.text.length).toBeGreaterThan(10);
  }
  for (const rule of rules) {
    const entry = driver.rules.find((r: Sarif) => r.id === rule.meta.id);
    expect([rule.meta.id, entry.shortDescription.text, entry.defaultConfiguration.level]).toEqual([rule.meta.id, rule.meta.description, rule.meta.severity]);
  }
  expect(plainText('`a \\| b` and **c**')).toBe('a | b and c');
});

test('every result has what GitHub reads', () => {
  const { results, tool } = log.runs[0];
  expect(results).toHaveLength(all.errorCount + all.warningCount);
  for (const r of results) {
    expect(tool.driver.rules[r.ruleIndex].id).toBe(r.ruleId);
    expect(['error', 'warning', 'note']).toContain(r.level);
    expect(r.message.text.length).toBeGreaterThan(0);
    expect(r.locations).toHaveLength(1);
    const { artifactLocation, region } = r.locations[0].physicalLocation;
    expect(artifactLocation.uri).toMatch(/^test\/fixtures\/lint\/[^/\\]+(\/[^/\\]+)?\.yaml$/);
    for (const k of ['startLine', 'startColumn', 'endLine', 'endColumn']) expect(Number.isInteger(region[k]) && region[k] >= 1).toBe(true);
    expect(region.endLine > region.startLine || (region.endLine === region.startLine && region.endColumn > region.startColumn)).toBe(true);
  }
  expect(results.filter((r: Sarif) => r.level === 'warning').length).toBe(all.warningCount);
});

test('a result names the YAML path as its logical location', () => {
  const r = log.runs[0].results.find((x: Sarif) => x.locations[0].physicalLocation.artifactLocation.uri.endsWith('INC-111-references.yaml') && x.locations[0].physicalLocation.region.startLine === 28 && x.locations[0].physicalLocation.region.startColumn === 26);
  expect(r).toEqual({
    ruleId: 'references',
    ruleIndex: 3 + rules.findIndex((x) => x.meta.id === 'references'),
    level: 'error',
    message: { text: 'step "restart-pods" (at 20:19) belongs to option "restart", which does not run with option "rollback"; an option may read detect and triage steps and its own earlier steps' },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: 'test/fixtures/lint/INC-111-references.yaml' },
          region: { startLine: 28, startColumn: 26, endLine: 28, endColumn: 38 },
        },
        logicalLocations: [{ fullyQualifiedName: 'stages.mitigate.options[1].steps[0].when' }],
      },
    ],
  });
  // YAML syntax problems are not at a node: no logical location.
  const yaml = log.runs[0].results.find((x: Sarif) => x.ruleId === 'yaml-syntax');
  expect(yaml.locations[0].logicalLocations).toBeUndefined();
});

test('artifact URIs: relative with "/", percent-encoded; absolute paths as file: URIs', () => {
  expect(artifactUri('runbooks/INC-001-x.yaml')).toBe('runbooks/INC-001-x.yaml');
  expect(artifactUri('run books/INC 1#a?b:c%.yaml')).toBe('run%20books/INC%201%23a%3Fb%3Ac%25.yaml');
  expect(artifactUri('/tmp/x y/INC-001.yaml')).toBe('file:///tmp/x%20y/INC-001.yaml');
});

test('format() loads the SARIF formatter on demand and gives the same log', async () => {
  expect(await format('sarif', all)).toBe(formatSarif(all));
});
