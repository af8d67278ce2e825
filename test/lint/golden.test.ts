// Golden files: test/fixtures/lint/<case>.yaml → <case>.out (text format, no
// colour, paths relative to the repository). A missing .out fails (it is not
// taken as the new baseline), and so does an .out whose .yaml is gone.
// ONCALL_UPDATE_GOLDEN=1 writes the .out files instead (review the diff!).
// The json, github and sarif formats of the same cases must carry exactly the
// same diagnostics.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatGithub } from '../../src/lint/formatters/github.js';
import { formatJson } from '../../src/lint/formatters/json.js';
import { formatSarif } from '../../src/lint/formatters/sarif.js';
import { formatText } from '../../src/lint/formatters/text.js';
import { lintPaths, type LintResult } from '../../src/lint/runner.js';
import { expectGolden, UPDATE_GOLDEN } from './golden-files.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dir = join(root, 'test/fixtures/lint');
const names = readdirSync(dir);
const cases = names
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => f.replace(/\.yaml$/, ''))
  .sort();

const results = new Map<string, LintResult>();
async function lint(name: string): Promise<LintResult> {
  let r = results.get(name);
  if (!r) {
    r = await lintPaths([join(dir, `${name}.yaml`)], { cwd: root });
    results.set(name, r);
  }
  return r;
}

/** What this test reads of a SARIF result. */
interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: Array<{
    physicalLocation: { artifactLocation: { uri: string }; region: Record<'startLine' | 'startColumn' | 'endLine' | 'endColumn', number> };
    logicalLocations?: Array<{ fullyQualifiedName: string }>;
  }>;
}

/** "file:line:col: severity message [rule]" headers of a text report. */
function headers(text: string) {
  return text
    .split('\n')
    .map((l) => /^(.+?):(\d+):(\d+): (error|warning) (.*) \[([a-z-]+)\]$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ file: m[1]!, line: Number(m[2]), column: Number(m[3]), severity: m[4]!, ruleId: m[6]!, message: m[5]! }));
}

test('every golden file has its case', () => {
  const orphans = names.filter((f) => f.endsWith('.out') && !cases.includes(f.replace(/\.out$/, '')));
  expect(orphans).toEqual([]);
});

test('there is a golden case for every rule and for YAML and schema errors', async () => {
  const rules = new Set<string>();
  for (const name of cases) for (const f of (await lint(name)).files) for (const d of f.diagnostics) rules.add(d.ruleId);
  for (const id of ['yaml-syntax', 'schema', 'unique-ids', 'references', 'expression-syntax', 'mutating-command', 'no-redis-keys', 'shell-syntax', 'param-pattern', 'check-inputs', 'step-action', 'until-timing', 'high-risk-write', 'id-matches-file']) {
    expect([...rules]).toContain(id);
  }
});

describe.each(cases)('%s', (name) => {
  test('text output matches the golden file', async () => {
    expectGolden(join(dir, `${name}.out`), formatText(await lint(name)));
  });

  test('json has the same diagnostics, each with its range and document path', async () => {
    const result = await lint(name);
    const json = JSON.parse(formatJson(result)) as Array<Record<string, unknown>>;
    expect(Array.isArray(json)).toBe(true);
    for (const d of json) expect(Object.keys(d)).toEqual(['file', 'line', 'column', 'endLine', 'endColumn', 'path', 'severity', 'ruleId', 'message']);
    expect(json.map(({ endLine: _l, endColumn: _c, path: _p, ...d }) => d)).toEqual(headers(formatText(result)));
    for (const d of json) {
      // The range runs forwards, and only YAML syntax and file problems lack a node.
      expect((d.endLine as number) * 1e4 + (d.endColumn as number)).toBeGreaterThan((d.line as number) * 1e4 + (d.column as number));
      expect([d.ruleId, d.path === null]).toEqual([d.ruleId, d.ruleId === 'yaml-syntax']);
    }
  });

  test('github annotations carry the same diagnostics', async () => {
    const result = await lint(name);
    const lines = formatGithub(result).split('\n').filter(Boolean);
    const expected = headers(formatText(result));
    expect(lines).toHaveLength(expected.length);
    lines.forEach((l, i) => {
      const e = expected[i]!;
      const m = /^::(error|warning) file=([^,]+),line=(\d+),col=(\d+),title=([^:]+)::(.*)$/.exec(l);
      expect(m).not.toBeNull();
      expect(m![1]).toBe(e.severity);
      expect(m![2]).toBe(e.file);
      expect(Number(m![3])).toBe(e.line);
      expect(Number(m![4])).toBe(e.column);
      expect(m![5]).toBe(`oncall ${e.ruleId}`);
      expect(m![6]!.replace(/%25/g, '%')).toBe(`${e.message} [${e.ruleId}]`);
    });
  });

  test('sarif results carry the same diagnostics, ranges and paths', async () => {
    const result = await lint(name);
    const json = JSON.parse(formatJson(result)) as Array<Record<string, unknown>>;
    const run = JSON.parse(formatSarif(result)).runs[0];
    const rules = run.tool.driver.rules as Array<{ id: string }>;
    const shown = (run.results as SarifResult[]).map((r) => {
      const loc = r.locations[0];
      const region = loc.physicalLocation.region;
      expect(rules[r.ruleIndex]!.id).toBe(r.ruleId);
      return {
        file: loc.physicalLocation.artifactLocation.uri,
        line: region.startLine,
        column: region.startColumn,
        endLine: region.endLine,
        endColumn: region.endColumn,
        path: loc.logicalLocations?.[0]?.fullyQualifiedName ?? null,
        severity: r.level,
        ruleId: r.ruleId,
        message: r.message.text,
      };
    });
    // The document root's path is "": no logical location for it.
    expect(shown).toEqual(json.map((d) => ({ ...d, path: d.path || null })));
  });
});

if (UPDATE_GOLDEN) test('ONCALL_UPDATE_GOLDEN=1 rewrote the golden files: review the diff', () => undefined);
