// A read is proven, not presumed (DESIGN.md, "What users rely on" 3): every
// disguised write in the corpus must be reported at the word that decides,
// and every honest read must lint without a word of complaint from the
// command rules. The last test prints how much of each class is caught.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { Diagnostic } from '../../src/runbook/diagnostic.js';
import {
  buildDocument,
  CLASSES,
  disguisedWrites,
  expectedPosition,
  honestReads,
  lintDocument,
  READ_NO_ERROR_RULES,
  READ_QUIET_RULES,
  showDiagnostics,
  showDocument,
  WRITE_RULES,
  type DisguisedWrite,
  type HonestRead,
} from './corpus.js';

type Outcome = 'caught' | 'misplaced' | 'missed';
const writeOutcomes = new Map<string, Outcome>();
const readOutcomes = new Map<string, boolean>();

function judgeWrite(c: DisguisedWrite, diagnostics: Diagnostic[], at: { line: number; column: number }): Outcome {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  const exact = diagnostics.some((d) => d.ruleId === c.rule && d.line === at.line && d.column === at.column);
  if (exact && errors.length > 0) return 'caught';
  // Flagged as a write, but not with the expected rule at the expected place.
  return errors.some((d) => (WRITE_RULES as readonly string[]).includes(d.ruleId)) ? 'misplaced' : 'missed';
}

describe('disguised writes are reported where they decide', () => {
  test.each(disguisedWrites.map((c) => [`[${c.class}] ${c.name}`, c] as const))('%s', async (_name, c) => {
    const built = buildDocument(c);
    const at = expectedPosition(c, built);
    const diagnostics = await lintDocument(built);
    const outcome = judgeWrite(c, diagnostics, at);
    writeOutcomes.set(c.name, outcome);
    if (outcome !== 'caught') {
      throw new Error(
        `expected ${c.rule} at ${at.line}:${at.column} (${JSON.stringify(c.at)}${c.nth > 1 ? `, occurrence ${c.nth}` : ''}), and at least one error; got:\n` +
          `${showDiagnostics(diagnostics)}\n--- document ---\n${showDocument(built, at)}`,
      );
    }
  });
});

function offending(c: HonestRead, diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics.filter((d) => {
    if (c.allow.includes(d.ruleId)) return false;
    if ((READ_QUIET_RULES as readonly string[]).includes(d.ruleId)) return true;
    return (READ_NO_ERROR_RULES as readonly string[]).includes(d.ruleId) && d.severity === 'error';
  });
}

describe('honest reads stay quiet', () => {
  test.each(honestReads.map((c) => [`[honest] ${c.name}`, c] as const))('%s', async (_name, c) => {
    const built = buildDocument(c);
    const diagnostics = await lintDocument(built);
    const bad = offending(c, diagnostics);
    readOutcomes.set(c.name, bad.length === 0);
    if (bad.length) {
      throw new Error(
        `expected no ${READ_QUIET_RULES.join('/')} diagnostic and no ${READ_NO_ERROR_RULES.join('/')} error${c.allow.length ? ` (allowed: ${c.allow.join(', ')})` : ''}; got:\n` +
          `${showDiagnostics(bad)}\nall diagnostics:\n${showDiagnostics(diagnostics)}\n--- document ---\n${showDocument(built)}`,
      );
    }
  });
});

/** Every `effect: read` step with a `run` in the bundled runbooks, as `runbooks/FILE#id` → its run. */
function bundledReads(): Map<string, { run: string; shell: boolean }> {
  const dir = fileURLToPath(new URL('../../runbooks/', import.meta.url));
  const out = new Map<string, { run: string; shell: boolean }>();
  const walk = (v: unknown, file: string): void => {
    if (Array.isArray(v)) v.forEach((x) => walk(x, file));
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (o.run !== undefined && o.effect === 'read') out.set(`runbooks/${file}#${String(o.id)}`, { run: Array.isArray(o.run) ? o.run.join(' ') : String(o.run), shell: o.shell === true });
      for (const x of Object.values(o)) walk(x, file);
    }
  };
  for (const f of readdirSync(dir).filter((n) => /^INC-.*\.ya?ml$/.test(n)).sort()) walk(parse(readFileSync(`${dir}${f}`, 'utf8')), f);
  return out;
}

test('the honest corpus holds every effect: read run step of the bundled runbooks, as written there', () => {
  const copied = new Map(honestReads.filter((c) => c.from).map((c) => [c.from!, { run: c.run, shell: c.shell }]));
  const bundled = bundledReads();
  const missing = [...bundled].filter(([k, v]) => copied.get(k)?.run !== v.run || copied.get(k)?.shell !== v.shell).map(([k, v]) => `${k}: ${v.shell ? '(shell) ' : ''}${v.run}`);
  const stale = [...copied.keys()].filter((k) => !bundled.has(k));
  expect({ missing, stale }).toEqual({ missing: [], stale: [] });
});

test('corpus summary', () => {
  const rows = CLASSES.map((k) => {
    const cases = disguisedWrites.filter((c) => c.class === k);
    const count = (o: Outcome) => cases.filter((c) => writeOutcomes.get(c.name) === o).length;
    return { class: k, total: cases.length, caught: count('caught'), misplaced: count('misplaced'), missed: count('missed') };
  });
  const sum = (f: (r: (typeof rows)[number]) => number) => rows.reduce((a, r) => a + f(r), 0);
  const quiet = honestReads.filter((c) => readOutcomes.get(c.name) === true).length;
  const line = (cells: Array<string | number>) => cells.map((c, i) => (i === 0 ? String(c).padEnd(16) : String(c).padStart(9))).join(' ');
  const table = [
    line(['class', 'caught', 'total', 'misplaced', 'missed']),
    ...rows.map((r) => line([r.class, r.caught, r.total, r.misplaced, r.missed])),
    line(['all writes', sum((r) => r.caught), sum((r) => r.total), sum((r) => r.misplaced), sum((r) => r.missed)]),
    line(['honest reads', quiet, honestReads.length, '', honestReads.length - quiet]),
    '(caught: the expected rule at the expected line:col; misplaced: reported as a write, but not there or not with that rule;',
    ' missed: no mutating-command/opaque-command error at all; honest reads: caught = quiet)',
  ].join('\n');
  console.log(`safety corpus (${writeOutcomes.size + readOutcomes.size} cases judged)\n${table}`);

  expect(disguisedWrites.length).toBeGreaterThanOrEqual(80);
  for (const r of rows) expect({ class: r.class, enough: r.total >= 6 }).toEqual({ class: r.class, enough: true });
  expect(honestReads.length).toBeGreaterThanOrEqual(60);
});
