// `oncall test`: each scenario walked along every mitigation option of its
// runbook, non-interactively, and held to its expectations: the recommended
// option, the options that resolve it (and that no other does), the time to
// recovery within budget, and no write run that the path did not approve.
// A failure points at the scenario's expectation (file:line:col).
import type { Diagnostic } from '../runbook/diagnostic.js';
import { locateRange, type DocPath } from '../runbook/source.js';
import { formatDuration, parseDuration } from '../shared/duration.js';
import type { EngineEvent } from '../engine/events.js';
import { PathPrompter } from './path-prompter.js';
import { rehearse, type Rehearsal } from './rehearsal.js';
import type { LoadedScenario } from './scenario.js';
import { lintScenario } from './scenario-lint.js';
import { baseSetup, SetupError, type BaseSetup } from './setup.js';

export interface PathResult {
  option: string;
  outcome: string;
  /** Time to recovery on the simulated clock, when it recovered. */
  recoveredMs?: number;
  /** How long the walk was on the simulated clock. */
  simulatedMs: number;
  message: string;
}

export interface ScenarioReport {
  file: string;
  name: string;
  runbook: string;
  title: string;
  recommended?: string | null;
  paths: PathResult[];
  failures: Diagnostic[];
  /** The fastest recovery among the options that resolve. */
  best?: { option: string; ms: number };
  wallMs: number;
}

const RULE = 'scenario-expect';

function at(loaded: LoadedScenario, path: DocPath, message: string, on: 'key' | 'value' = 'value'): Diagnostic {
  const range = locateRange(loaded.source, path, on);
  return { file: loaded.file, ...range, path: [...path], severity: 'error', ruleId: RULE, message };
}

/** The option the evidence recommended first, from the walk's decision. */
function recommendedOf(events: EngineEvent[]): string | null {
  const d = events.find((e) => e.type === 'decision-needed');
  return d && d.type === 'decision-needed' ? (d.choices.find((c) => c.recommended)?.id ?? null) : null;
}

/** Writes that ran without an approval, or outside the option's path. */
function unapprovedWrites(r: Rehearsal, base: BaseSetup, option: string): string[] {
  const approved = new Set(r.events.filter((e) => e.type === 'approval-given').map((e) => (e as { stepId: string }).stepId));
  const mitigate = base.runbook.stages.mitigate;
  const common = new Set((mitigate?.steps ?? []).map((s) => s.id));
  const problems: string[] = [];
  for (const w of r.acted) {
    if (!approved.has(w.stepId)) problems.push(`write "${w.stepId}" ran without an approval`);
    else if (w.kind === 'write' && w.optionId !== undefined && w.optionId !== option && !common.has(w.stepId)) problems.push(`write "${w.stepId}" of option "${w.optionId}" ran on the path of "${option}"`);
  }
  return problems;
}

function failedResolveSteps(events: EngineEvent[]): string[] {
  return events
    .filter((e) => e.type === 'step-finished' && e.stage === 'resolve' && e.status === 'failed')
    .map((e) => {
      const f = e as Extract<EngineEvent, { type: 'step-finished' }>;
      return `${f.stepId}: ${f.summary}`;
    });
}

export async function checkScenario(loaded: LoadedScenario, runbooksDir: string): Promise<ScenarioReport> {
  const t0 = performance.now();
  const sc = loaded.scenario;
  const report: ScenarioReport = { file: loaded.file, name: loaded.name, runbook: sc.runbook ?? '?', title: sc.title ?? loaded.name, paths: [], failures: [], wallMs: 0 };
  const done = (): ScenarioReport => ({ ...report, wallMs: Math.round(performance.now() - t0) });
  if (loaded.diagnostics.length) {
    report.failures.push(...loaded.diagnostics);
    return done();
  }
  let base: BaseSetup;
  try {
    base = baseSetup(runbooksDir, loaded);
  } catch (e) {
    if (!(e instanceof SetupError)) throw e;
    report.failures.push(at(loaded, ['runbook'], e.message));
    return done();
  }
  report.failures.push(...lintScenario(loaded, base.runbook));
  if (report.failures.some((d) => d.severity === 'error')) return done();

  const options = base.runbook.stages.mitigate?.options.map((o) => o.id) ?? [];
  const resolves = sc.expect.resolves;
  const budgetMs = parseDuration(sc.expect.budget);
  for (const option of options) {
    const r = await rehearse({ ...base, option, prompter: new PathPrompter(option) });
    if (report.recommended === undefined) report.recommended = recommendedOf(r.events);
    const path: PathResult = { option, outcome: r.result.outcome, simulatedMs: r.card.elapsedMs, message: r.result.message, ...(r.card.timeToRecoveryMs !== undefined ? { recoveredMs: r.card.timeToRecoveryMs } : {}) };
    report.paths.push(path);
    const i = resolves.indexOf(option);
    const resolved = r.result.outcome === 'resolved';
    if (i >= 0 && !resolved) {
      const why = failedResolveSteps(r.events);
      report.failures.push(at(loaded, ['expect', 'resolves', i], `option "${option}" should resolve this scenario, but ${r.result.message}${why.length ? ` (${why.join('; ')})` : ''}`));
    }
    if (i < 0 && resolved) report.failures.push(at(loaded, ['expect', 'resolves'], `option "${option}" resolves this scenario too (in ${formatDuration(path.recoveredMs ?? 0)}), but expect.resolves does not list it`));
    if (i >= 0 && resolved && path.recoveredMs !== undefined && path.recoveredMs > budgetMs) {
      report.failures.push(at(loaded, ['expect', 'budget'], `option "${option}" recovers in ${formatDuration(path.recoveredMs)}, over the budget of ${sc.expect.budget}`));
    }
    for (const p of unapprovedWrites(r, base, option)) report.failures.push(at(loaded, ['expect', 'resolves'], p));
    if (resolved && (!report.best || path.recoveredMs! < report.best.ms)) report.best = { option, ms: path.recoveredMs! };
  }
  if ('recommended' in sc.expect && (sc.expect.recommended ?? null) !== (report.recommended ?? null)) {
    const got = report.recommended ? `"${report.recommended}"` : 'no option';
    const want = sc.expect.recommended ? `"${sc.expect.recommended}"` : 'no option';
    report.failures.push(at(loaded, ['expect', 'recommended'], `the evidence recommends ${got}, the scenario expects ${want}`));
  }
  return done();
}
