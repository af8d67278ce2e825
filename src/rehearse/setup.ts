// What a rehearsal needs besides its operator, gathered once for `rehearse`
// and `oncall test`: the runbook with its file and hash, the scenario, the
// step catalog, and the escalation and reminders the process file gives.
import { createHash } from 'node:crypto';
import { formatDiagnosticLine } from '../runbook/diagnostic.js';
import { loadFile } from '../runbook/load.js';
import { findRunbook, processFile } from '../runbook/registry.js';
import { resolveRunbook } from '../runbook/resolve.js';
import type { Process, Runbook } from '../runbook/types.js';
import { getStepType } from '../steps/catalog.js';
import type { RehearsalSetup } from './rehearsal.js';
import type { LoadedScenario } from './scenario.js';

export class SetupError extends Error {}

export type BaseSetup = Omit<RehearsalSetup, 'prompter' | 'option' | 'subscribers' | 'sets' | 'user'>;

/** Files read once per process: `oncall test` sets up every scenario of a runbook from the same one. */
const loadedFiles = new Map<string, { value: unknown; source: RehearsalSetup['source'] }>();

function loadValid(file: string): { value: unknown; source: RehearsalSetup['source'] } {
  const known = loadedFiles.get(file);
  if (known) return known;
  const loaded = loadFile(file);
  if (loaded.diagnostics.length) throw new SetupError(`invalid runbook: ${formatDiagnosticLine(loaded.diagnostics[0]!)}`);
  const valid = { value: loaded.value, source: loaded.source };
  loadedFiles.set(file, valid);
  return valid;
}

/** The runbook a scenario names, from `dir`. */
export function runbookFor(dir: string, id: string): { runbook: Runbook; file: string; source: RehearsalSetup['source'] } {
  let file: string;
  try {
    file = findRunbook(dir, id).file;
  } catch (e) {
    throw new SetupError((e as Error).message);
  }
  const { value, source } = loadValid(file);
  return { runbook: value as Runbook, file, source };
}

export function baseSetup(dir: string, loaded: LoadedScenario): BaseSetup {
  const { runbook, file, source } = runbookFor(dir, loaded.scenario.runbook);
  const processPath = processFile(dir);
  const proc = processPath ? (loadValid(processPath).value as Process) : undefined;
  const resolved = resolveRunbook(runbook, proc);
  return {
    runbook,
    file,
    source,
    hash: `sha256:${createHash('sha256').update(source.text).digest('hex')}`,
    scenario: loaded.scenario,
    scenarioName: loaded.name,
    stepTypes: getStepType,
    escalation: resolved.escalation,
    ...(resolved.reminders.statusUpdateEvery ? { statusUpdateEvery: resolved.reminders.statusUpdateEvery } : {}),
  };
}
