// Rehearsal scenarios: one YAML file per story, next to the runbooks
// (runbooks/scenarios/<RUNBOOK-ID>/<name>.yaml), checked by
// schemas/scenario.schema.json. Parsed with source positions, so lint and
// `oncall test` point at the scenario's own line.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Diagnostic } from '../runbook/diagnostic.js';
import { validateAgainstSchema } from '../runbook/schema.js';
import { decodeUtf8, parseSource, type SourceFile } from '../runbook/source.js';

/** One answer of a step: a check's result, a command's exit and output, or a failure. */
export interface Answer {
  takes?: string;
  result?: unknown;
  summary?: string;
  exit?: number;
  stdout?: string;
  stderr?: string;
  fails?: string;
}

export interface StepAnswers extends Answer {
  /** One answer per attempt (polling); the last one repeats. */
  sequence?: Answer[];
}

export interface AfterStep {
  ran: string | string[];
  steps: Record<string, StepAnswers>;
}

export interface Scenario {
  runbook: string;
  title: string;
  story: string;
  startsAt?: string;
  params?: Record<string, string | number | boolean>;
  steps: Record<string, StepAnswers>;
  after?: AfterStep[];
  expect: { recommended?: string | null; resolves: string[]; budget: string };
}

export interface LoadedScenario {
  file: string;
  /** The file name without .yaml: what --scenario names. */
  name: string;
  source: SourceFile;
  scenario: Scenario;
  diagnostics: Diagnostic[];
}

/** The scenarios directory of a runbooks directory. */
export function scenariosDir(runbooksDir: string): string {
  return join(runbooksDir, 'scenarios');
}

export function loadScenario(file: string): LoadedScenario {
  const name = basename(file).replace(/\.ya?ml$/, '');
  const decoded = decodeUtf8(readFileSync(file));
  if (!('text' in decoded)) {
    const { source } = parseSource(file, '');
    return { file, name, source, scenario: {} as Scenario, diagnostics: [{ file, line: decoded.line, column: decoded.column, severity: 'error', ruleId: 'yaml-syntax', message: decoded.message }] };
  }
  const { source, errors, value } = parseSource(file, decoded.text);
  if (errors.length) return { file, name, source, scenario: {} as Scenario, diagnostics: errors };
  return { file, name, source, scenario: value as Scenario, diagnostics: validateAgainstSchema('scenario', value, source) };
}

/** Scenario files under `dir` (recursively), sorted. */
export function scenarioFiles(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .flatMap((e) => (e.isDirectory() ? scenarioFiles(join(dir, e.name)) : /\.ya?ml$/.test(e.name) ? [join(dir, e.name)] : []))
    .sort();
}

/** The scenarios of one runbook: runbooks/scenarios/<ID>/*.yaml. */
export function scenariosOf(runbooksDir: string, runbookId: string): string[] {
  return scenarioFiles(join(scenariosDir(runbooksDir), runbookId));
}
