// Golden files: test/fixtures/lint/<case>.yaml → <case>.out (text format, no
// colour, paths relative to the repository). The json and github formats of
// the same cases must carry exactly the same diagnostics.
// UPDATE_GOLDEN=1 rewrites the .out files (review the diff!).
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatGithub } from '../../src/lint/formatters/github.js';
import { formatJson } from '../../src/lint/formatters/json.js';
import { formatText } from '../../src/lint/formatters/text.js';
import { lintPaths, type LintResult } from '../../src/lint/runner.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dir = join(root, 'test/fixtures/lint');
const cases = readdirSync(dir)
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

/** "file:line:col: severity message [rule]" headers of a text report. */
function headers(text: string) {
  return text
    .split('\n')
    .map((l) => /^(.+?):(\d+):(\d+): (error|warning) (.*) \[([a-z-]+)\]$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ file: m[1], line: Number(m[2]), column: Number(m[3]), severity: m[4], ruleId: m[6], message: m[5] }));
}

test('there is a golden case for every rule and for YAML and schema errors', () => {
  const rules = new Set<string>();
  for (const name of cases) {
    const out = join(dir, `${name}.out`);
    if (existsSync(out)) for (const h of headers(readFileSync(out, 'utf8'))) rules.add(h.ruleId!);
  }
  for (const id of ['yaml-syntax', 'schema', 'unique-ids', 'references', 'expression-syntax', 'mutating-command', 'no-redis-keys', 'shell-syntax', 'param-pattern', 'check-inputs', 'step-action', 'until-timing', 'high-risk-write', 'id-matches-file']) {
    expect([...rules]).toContain(id);
  }
});

describe.each(cases)('%s', (name) => {
  test('text output matches the golden file', async () => {
    const text = formatText(await lint(name));
    const out = join(dir, `${name}.out`);
    if (process.env.UPDATE_GOLDEN || !existsSync(out)) writeFileSync(out, text);
    expect(text).toBe(readFileSync(out, 'utf8'));
  });

  test('json has the same diagnostics', async () => {
    const result = await lint(name);
    const json = JSON.parse(formatJson(result)) as Array<Record<string, unknown>>;
    expect(Array.isArray(json)).toBe(true);
    for (const d of json) expect(Object.keys(d)).toEqual(['file', 'line', 'column', 'severity', 'ruleId', 'message']);
    expect(json).toEqual(headers(formatText(result)));
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
});
