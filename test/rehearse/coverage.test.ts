// The bundled scenarios cover every mitigation option of every bundled
// runbook: each option is in the `resolves` of at least one scenario, and
// there are at least 40 scenarios in all (oncall test, run by CI and by
// test-command.test.ts, proves each expectation).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT } from '../cli-run/helpers.js';

const runbooks = readdirSync(join(ROOT, 'runbooks'))
  .filter((f) => /^[A-Z]+-\d{3}-.*\.yaml$/.test(f))
  .map((f) => parse(readFileSync(join(ROOT, 'runbooks', f), 'utf8')) as { id: string; stages: { mitigate?: { options: Array<{ id: string }> } } });

function scenariosOf(id: string): Array<{ expect: { resolves: string[] } }> {
  const dir = join(ROOT, 'runbooks', 'scenarios', id);
  let files: string[] = [];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
  } catch {
    /* none */
  }
  return files.map((f) => parse(readFileSync(join(dir, f), 'utf8')) as { expect: { resolves: string[] } });
}

test('there are at least 40 bundled scenarios, for 14 runbooks', () => {
  expect(runbooks).toHaveLength(14);
  expect(runbooks.reduce((n, r) => n + scenariosOf(r.id).length, 0)).toBeGreaterThanOrEqual(40);
});

/** Options no scenario resolves yet, with why: kept short and named, so a new gap fails here. */
const KNOWN_GAPS: Record<string, string[]> = {};

test.each(runbooks.map((r) => [r.id, r] as const))('every option of %s is resolved by some scenario', (id, runbook) => {
  const options = runbook.stages.mitigate?.options.map((o) => o.id) ?? [];
  const covered = new Set(scenariosOf(id).flatMap((s) => s.expect.resolves));
  expect(options.filter((o) => !covered.has(o))).toEqual(KNOWN_GAPS[id] ?? []);
});
