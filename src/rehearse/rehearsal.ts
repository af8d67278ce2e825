// One rehearsal: the runbook's own engine, with the scenario as its world
// (ScenarioBackend), a simulated clock that jumps by each step's time instead
// of sleeping, and the scenario's parameters. The operator is whoever the
// caller passes in: the terminal, or a PathPrompter walking one option.
import { Engine, type RunResult } from '../engine/engine.js';
import { FakeClock } from '../engine/clock.js';
import type { EngineEvent, Subscriber } from '../engine/events.js';
import { resolveParams } from '../engine/params.js';
import type { Prompter } from '../engine/prompter.js';
import type { SourceFile } from '../runbook/source.js';
import type { Escalation, Runbook } from '../runbook/types.js';
import type { StepType } from '../steps/types.js';
import { ScenarioBackend, type Acted } from './backend.js';
import type { Scenario } from './scenario.js';
import { ScoreKeeper, type ScoreCard } from './score.js';

/** 03:00 UTC: when scenarios that give no start begin. */
const DEFAULT_START = Date.UTC(2026, 0, 15, 3, 0, 0);

export interface RehearsalSetup {
  runbook: Runbook;
  file: string;
  source: SourceFile;
  hash: string;
  scenario: Scenario;
  /** A name for the run id ("hot-partition"). */
  scenarioName: string;
  prompter: Prompter;
  stepTypes: (name: string) => StepType | undefined;
  escalation?: Escalation[];
  statusUpdateEvery?: string;
  /** --option: take this one without asking. */
  option?: string;
  /** --set values, over the scenario's own. */
  sets?: string[];
  user?: string;
  subscribers?: Subscriber[];
}

export interface Rehearsal {
  result: RunResult;
  card: ScoreCard;
  acted: Acted[];
  events: EngineEvent[];
}

export function startOf(scenario: Scenario): number {
  return scenario.startsAt ? Date.parse(scenario.startsAt) : DEFAULT_START;
}

/** A secret the story does not give (a webhook signature, a token) stands in as its name:
 *  nothing is sent anywhere, and a real secret never has to be written into a scenario. */
function standIns(runbook: Runbook, given: string[]): string[] {
  const named = new Set(given.map((g) => g.slice(0, g.indexOf('='))));
  return Object.entries(runbook.params ?? {})
    .filter(([name, p]) => p.secret && !named.has(name) && p.default === undefined)
    .map(([name, p]) => ({ name, value: `rehearsal-${name}`.replace(/_/g, '-'), pattern: p.pattern }))
    .filter((x) => x.pattern === undefined || new RegExp(x.pattern, 'u').test(x.value))
    .map((x) => `${x.name}=${x.value}`);
}

export async function rehearse(s: RehearsalSetup): Promise<Rehearsal> {
  const clock = new FakeClock(startOf(s.scenario), true);
  const backend = new ScenarioBackend(s.scenario, clock);
  const sets = [...Object.entries(s.scenario.params ?? {}).map(([k, v]) => `${k}=${v}`), ...(s.sets ?? [])];
  // The scenario is the whole world: no variable of this machine leaks into the story.
  const env: Record<string, string | undefined> = {};
  const params = resolveParams(s.runbook, [...standIns(s.runbook, sets), ...sets], env);
  const engine = new Engine({
    runId: `rehearsal-${s.runbook.id}-${s.scenarioName}`,
    runbook: s.runbook,
    file: s.file,
    source: s.source,
    hash: s.hash,
    params,
    prompter: s.prompter,
    stepTypes: s.stepTypes,
    backend,
    clock,
    env,
    ...(s.option ? { option: s.option } : {}),
    ...(s.escalation ? { escalation: s.escalation } : {}),
    ...(s.statusUpdateEvery ? { statusUpdateEvery: s.statusUpdateEvery } : {}),
    user: s.user ?? 'you',
    // Retries wait on the simulated clock too.
    retryDelayMs: 30_000,
  });
  const keeper = new ScoreKeeper();
  const events: EngineEvent[] = [];
  engine.subscribe(backend.observe, { critical: true });
  engine.subscribe(keeper.observe, { critical: true });
  engine.subscribe((e) => events.push(e));
  for (const sub of s.subscribers ?? []) engine.subscribe(sub);
  const result = await engine.run();
  return { result, card: keeper.card(), acted: backend.acted, events };
}
