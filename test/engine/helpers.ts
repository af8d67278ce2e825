// Runs the engine in-process on an inline YAML runbook, collecting its events.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine, type EngineOptions, type RunResult } from '../../src/engine/engine.js';
import type { EngineEvent, EventOf, EventType } from '../../src/engine/events.js';
import { NonInteractivePrompter } from '../../src/engine/prompter.js';
import { resolveParams } from '../../src/engine/params.js';
import { loadText } from '../../src/runbook/load.js';
import type { Runbook } from '../../src/runbook/types.js';

export const SCRIPTS = 'test/fixtures/scripts';

export function load(yaml: string, file = 'inline.yaml'): { runbook: Runbook; source: ReturnType<typeof loadText>['source'] } {
  const loaded = loadText(file, yaml);
  if (loaded.diagnostics.length) throw new Error(loaded.diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`).join('\n'));
  return { runbook: loaded.value as Runbook, source: loaded.source };
}

export interface Ran {
  result: RunResult;
  events: EngineEvent[];
  engine: Engine;
  of<T extends EventType>(type: T): Array<EventOf<T>>;
  step(id: string): EventOf<'step-finished'> | undefined;
}

export type RunOpts = Partial<EngineOptions> & { sets?: string[]; onEvent?: (e: EngineEvent, engine: Engine) => void };

export function makeEngine(yaml: string, opts: RunOpts = {}): { engine: Engine; events: EngineEvent[] } {
  const { runbook, source } = load(yaml);
  const env = opts.env ?? process.env;
  const engine = new Engine({
    runId: `${runbook.id}-20261122T041500Z-0000`,
    runbook,
    file: 'inline.yaml',
    source,
    hash: 'sha256:test',
    params: opts.params ?? resolveParams(runbook, opts.sets ?? [], env),
    prompter: opts.prompter ?? new NonInteractivePrompter(),
    env,
    retryDelayMs: 10,
    ...opts,
  });
  const events: EngineEvent[] = [];
  engine.subscribe((e) => {
    events.push(e);
    opts.onEvent?.(e, engine);
  });
  return { engine, events };
}

export async function run(yaml: string, opts: RunOpts = {}): Promise<Ran> {
  const { engine, events } = makeEngine(yaml, opts);
  const result = await engine.run();
  return wrap(result, events, engine);
}

export function wrap(result: RunResult, events: EngineEvent[], engine: Engine): Ran {
  return {
    result,
    events,
    engine,
    of: <T extends EventType>(type: T) => events.filter((e): e is EventOf<T> => e.type === type),
    step: (id: string) => events.filter((e): e is EventOf<'step-finished'> => e.type === 'step-finished' && e.stepId === id).pop(),
  };
}

export function tempDir(prefix = 'oncall-test-'): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A minimal runbook around some detect steps (and optional other stages). */
export function runbook(parts: { detect?: string; triage?: string; mitigate?: string; communicate?: string; resolve?: string; params?: string; extra?: string }): string {
  const indent = (s: string, n: number): string => s.split('\n').map((l) => (l.trim() ? ' '.repeat(n) + l : l)).join('\n');
  const stage = (name: string, body?: string): string => (body ? `  ${name}:\n${indent(body.trim(), 4)}\n` : '');
  return [
    'id: TST-001',
    'title: Test runbook',
    'severity: SEV-4',
    'alerts: [{ alertname: TestAlert }]',
    parts.params ? `params:\n${indent(parts.params.trim(), 2)}` : '',
    parts.extra ?? '',
    'stages:',
    stage('detect', parts.detect ?? 'steps: []'),
    stage('triage', parts.triage),
    stage('mitigate', parts.mitigate),
    stage('communicate', parts.communicate),
    stage('resolve', parts.resolve ?? 'steps: []'),
  ]
    .filter((s) => s !== '')
    .join('\n');
}
