// One way to build the engine, for `run` and `resume` alike: what differs
// between them (a fresh run, or a journal to continue) is passed in; the
// services every run gets (step catalog, escalation from the process file,
// timeouts, redaction, fingerprint key, prompter) are assembled here once.
import { resolve } from 'node:path';
import { Engine, type EngineOptions } from '../engine/engine.js';
import { fingerprintKey } from '../engine/fingerprint.js';
import type { ResolvedParams } from '../engine/params.js';
import type { Prompter } from '../engine/prompter.js';
import { Redactor } from '../engine/redact.js';
import { shellQuote } from '../engine/render.js';
import { listSteps } from '../engine/walk.js';
import { resolveRunbook } from '../runbook/resolve.js';
import type { SourceFile } from '../runbook/source.js';
import type { Runbook } from '../runbook/types.js';
import { parseDuration } from '../shared/duration.js';
import type { StepType } from '../steps/types.js';
import { loadProcess } from './catalog-loader.js';
import { CliError, EXIT } from './exit-codes.js';
import { printError } from './output.js';

export interface EngineInputs {
  runId: string;
  runbook: Runbook;
  file: string;
  source: SourceFile;
  hash: string;
  params: ResolvedParams;
  /** Where the journals (and the fingerprint key) are. */
  stateDir: string;
  /** Where the runbooks (and the process file) are. */
  runbooksDir: string;
  prompter: Prompter;
  /** --journal-dir as given, so the printed resume command finds the run again. */
  journalDirFlag?: string;
}

/** What only `run` or only `resume` decides. */
export type RunMode = Pick<EngineOptions, 'dryRun' | 'option' | 'approve' | 'nonInteractive' | 'hashChanged' | 'resume' | 'resumeApprove' | 'refresh' | 'alert'>;

export async function buildEngine(inputs: EngineInputs, mode: RunMode): Promise<Engine> {
  const env = process.env;
  const { runbook, params } = inputs;
  const resolved = resolveRunbook(runbook, loadProcess(inputs.runbooksDir));
  const timeout = defaultTimeout(env);
  let key: Buffer;
  try {
    key = fingerprintKey(inputs.stateDir);
  } catch (e) {
    throw new CliError(`cannot write the run journal directory ${inputs.stateDir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, EXIT.usage);
  }
  return new Engine({
    runId: inputs.runId,
    runbook,
    file: inputs.file,
    source: inputs.source,
    hash: inputs.hash,
    params,
    fingerprintKey: key,
    ...mode,
    ...(inputs.journalDirFlag ? { resumeFlags: ` --journal-dir ${shellQuote(resolve(inputs.journalDirFlag))}` } : {}),
    prompter: inputs.prompter,
    stepTypes: await loadStepTypes(runbook),
    env,
    escalation: resolved.escalation,
    statusUpdateEvery: resolved.reminders.statusUpdateEvery,
    ...(timeout ? { defaultTimeoutMs: timeout } : {}),
    redactor: redactorFor(params, env),
  });
}

const SECRET_ENV_NAME = /PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|CREDENTIAL/i;

/** Secrets by value: secret params, their env vars, URL passwords in the
 *  environment, and variables whose names say they are secret. */
export function redactorFor(p: ResolvedParams, env: NodeJS.ProcessEnv): Redactor {
  const r = new Redactor(p.secretValues);
  for (const [k, v] of Object.entries(env)) {
    if (!v) continue;
    if (v.includes('://')) r.addUrlPasswords(v);
    if (SECRET_ENV_NAME.test(k) && v.length >= 6) r.add(v);
  }
  return r;
}

export function defaultTimeout(env: NodeJS.ProcessEnv): number | undefined {
  if (!env.ONCALL_STEP_TIMEOUT) return undefined;
  try {
    return parseDuration(env.ONCALL_STEP_TIMEOUT);
  } catch {
    throw new CliError(`ONCALL_STEP_TIMEOUT="${env.ONCALL_STEP_TIMEOUT}" is not a duration (e.g. 5s)`, EXIT.usage);
  }
}

/** The native step catalog. Its modules are light, but a broken one must not
 *  take `run` down for runbooks that only use commands. */
export async function loadStepTypes(runbook: Runbook): Promise<(name: string) => StepType | undefined> {
  try {
    const catalog = await import('../steps/catalog.js');
    return catalog.getStepType;
  } catch (e) {
    if (listSteps(runbook).some((s) => s.step.check)) printError(`native step types unavailable (${(e as Error).message.split('\n')[0]}); check steps will fail`);
    return () => undefined;
  }
}
