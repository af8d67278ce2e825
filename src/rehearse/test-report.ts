// What `oncall test` prints: a line per scenario with its time on the
// simulated clock (text), the reports as JSON, or JUnit XML for CI systems
// (one testsuite per runbook, one testcase per scenario, a failure per
// broken expectation).
import { create } from 'xmlbuilder2';
import { formatDiagnosticLine } from '../runbook/diagnostic.js';
import { formatDuration } from '../shared/duration.js';
import type { ScenarioReport } from './check.js';

export type TestFormat = 'text' | 'json' | 'junit';

function label(r: ScenarioReport): string {
  return `${r.runbook}/${r.name}`;
}

function pathsLine(r: ScenarioReport): string {
  const resolved = r.paths.filter((p) => p.outcome === 'resolved').map((p) => p.option);
  const best = r.best ? `, best ${formatDuration(r.best.ms)} via ${r.best.option}` : '';
  return `${r.paths.length} path${r.paths.length === 1 ? '' : 's'}, resolved by ${resolved.length ? resolved.join(', ') : 'none'}${best}`;
}

export function formatText(reports: ScenarioReport[], cwdFile: (f: string) => string, wallMs: number): string {
  const lines: string[] = [];
  for (const r of reports) {
    const ok = r.failures.length === 0;
    lines.push(`${ok ? '✓' : '✗'} ${label(r)}  ${r.title} — ${pathsLine(r)} (${r.wallMs} ms)`);
    for (const f of r.failures) lines.push(`    ${formatDiagnosticLine({ ...f, file: cwdFile(f.file) })}`);
  }
  const failed = reports.filter((r) => r.failures.length).length;
  lines.push('');
  lines.push(`scenarios: ${reports.length - failed} passed, ${failed} failed (${reports.length} in ${wallMs} ms)`);
  return `${lines.join('\n')}\n`;
}

export function formatJson(reports: ScenarioReport[], cwdFile: (f: string) => string): string {
  return `${JSON.stringify({ scenarios: reports.map((r) => ({ ...r, file: cwdFile(r.file), failures: r.failures.map((f) => ({ ...f, file: cwdFile(f.file) })) })) }, null, 2)}\n`;
}

export function formatJunit(reports: ScenarioReport[], cwdFile: (f: string) => string, wallMs: number): string {
  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele('testsuites', {
    name: 'oncall test',
    tests: reports.length,
    failures: reports.filter((r) => r.failures.length).length,
    time: (wallMs / 1000).toFixed(3),
  });
  const byRunbook = new Map<string, ScenarioReport[]>();
  for (const r of reports) byRunbook.set(r.runbook, [...(byRunbook.get(r.runbook) ?? []), r]);
  for (const [runbook, list] of byRunbook) {
    const suite = root.ele('testsuite', {
      name: runbook,
      tests: list.length,
      failures: list.filter((r) => r.failures.length).length,
      errors: 0,
      time: (list.reduce((n, r) => n + r.wallMs, 0) / 1000).toFixed(3),
    });
    for (const r of list) {
      const tc = suite.ele('testcase', { classname: runbook, name: r.name, file: cwdFile(r.file), time: (r.wallMs / 1000).toFixed(3) });
      tc.ele('system-out').txt(`${r.title}: ${pathsLine(r)}`);
      for (const f of r.failures) {
        tc.ele('failure', { message: f.message, type: f.ruleId }).txt(formatDiagnosticLine({ ...f, file: cwdFile(f.file) }));
      }
    }
  }
  return `${root.end({ prettyPrint: true })}\n`;
}
