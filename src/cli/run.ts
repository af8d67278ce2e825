// oncall run <ID>: resolve parameters, check --option/--approve, open the
// journal, and hand the runbook to the engine with the terminal attached.
import { createHash } from 'node:crypto';
import { JournalWriter, journalDir, journalFile, newRunId, readJournal } from '../engine/journal.js';
import { LiveRunError, liveRunsOf, RunLock, type LockInfo } from '../engine/run-lock.js';
import { ParamError, resolveParams, type ResolvedParams } from '../engine/params.js';
import { listSteps } from '../engine/walk.js';
import { realClock } from '../engine/clock.js';
import { runbooksDir } from '../runbook/registry.js';
import type { Runbook } from '../runbook/types.js';
import type { Prompter } from '../engine/prompter.js';
import { exitWhenFlushed, makePrompter, runSession } from '../ui/session.js';
import { formatDiagnosticLine } from '../runbook/diagnostic.js';
import { loadRunbookById } from './catalog-loader.js';
import { buildEngine } from './engine-factory.js';
import { CliError, EXIT } from './exit-codes.js';
import { printError } from './output.js';

export interface RunOpts {
  runbooks?: string;
  color?: boolean;
  dryRun?: boolean;
  set?: string[];
  option?: string;
  approve?: string[];
  nonInteractive?: boolean;
  json?: boolean;
  journalDir?: string;
  /** Start although another run of the runbook is live. */
  concurrent?: boolean;
  /** An Alertmanager payload, alert or alert title (a file, or - for stdin) that picks the runbook. */
  alert?: string;
}

export function sha256(text: string): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

export function params(runbook: Runbook, sets: string[] | Map<string, string>, env: NodeJS.ProcessEnv): ResolvedParams {
  try {
    return resolveParams(runbook, sets, env);
  } catch (e) {
    if (e instanceof ParamError) throw new CliError(e.message, EXIT.usage);
    throw e;
  }
}

export function checkOption(runbook: Runbook, option: string | undefined): void {
  if (option === undefined) return;
  const ids = runbook.stages.mitigate?.options.map((o) => o.id) ?? [];
  if (!ids.length) throw new CliError(`${runbook.id} has no mitigation options; drop --option`, EXIT.usage);
  if (!ids.includes(option)) throw new CliError(`unknown option "${option}" for ${runbook.id}; valid: ${ids.join(', ')}`, EXIT.usage);
}

export function checkApprovals(runbook: Runbook, approve: string[] | undefined): void {
  const steps = listSteps(runbook);
  const ids = new Set(steps.map((s) => s.step.id));
  for (const id of approve ?? []) {
    if (!ids.has(id)) {
      const writes = steps.filter((s) => s.step.effect === 'write').map((s) => s.step.id);
      throw new CliError(`--approve ${id}: ${runbook.id} has no step "${id}"; write steps: ${writes.length ? writes.join(', ') : 'none'}`, EXIT.usage);
    }
  }
}

export function openJournal(file: string): JournalWriter {
  try {
    return new JournalWriter(file, process.env.ONCALL_JOURNAL_FSYNC !== '0').open();
  } catch (e) {
    throw new CliError(`cannot write the run journal ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, EXIT.usage);
  }
}

/** A runbook runs only when it is lint-clean: lint is what catches a mutating
 *  command declared `read`, which would otherwise run without an approval. */
export async function refuseUnlinted(file: string): Promise<void> {
  const { lintPaths } = await import('../lint/machinery.js');
  const result = await lintPaths([file]);
  const errors = result.files.flatMap((f) => f.diagnostics).filter((d) => d.severity === 'error');
  if (!errors.length) return;
  const more = errors.length > 1 ? ` (+${errors.length - 1} more; run oncall lint ${file})` : '';
  throw new CliError(`runbook fails lint, not running it: ${formatDiagnosticLine({ ...errors[0]!, file })}${more}`, EXIT.usage);
}

export async function runCommand(givenId: string | undefined, opts: RunOpts): Promise<void> {
  const dir = runbooksDir(opts.runbooks);
  const prompter = makePrompter(opts);
  if (givenId && opts.alert) throw new CliError('give a runbook id or --alert, not both', EXIT.usage);
  if (!givenId && !opts.alert) throw new CliError('which runbook? give its id (oncall list) or --alert FILE', EXIT.usage);
  const fromAlert = opts.alert ? await (await import('./run-alert.js')).runbookForAlert(opts.alert, dir, prompter, opts.runbooks) : undefined;
  const id = fromAlert?.id ?? givenId!;
  const { runbook, file, loaded } = loadRunbookById(dir, id);
  await refuseUnlinted(file);
  // The alert's values first: an explicit --set wins over a label.
  const p = params(runbook, [...(fromAlert?.sets ?? []), ...(opts.set ?? [])], process.env);
  checkOption(runbook, opts.option);
  checkApprovals(runbook, opts.approve);
  const runId = newRunId(runbook.id, realClock.now());
  const stateDir = journalDir(opts.journalDir);
  // Built before the lock and the journal: a bad setting leaves nothing behind.
  const engine = await buildEngine(
    { runId, runbook, file, source: loaded.source, hash: sha256(loaded.source.text), params: p, stateDir, runbooksDir: dir, prompter, ...(opts.journalDir ? { journalDirFlag: opts.journalDir } : {}) },
    { dryRun: !!opts.dryRun, ...(opts.option ? { option: opts.option } : {}), approve: opts.approve ?? [], nonInteractive: !!opts.nonInteractive, ...(fromAlert ? { alert: fromAlert.alert } : {}) },
  );
  await checkLiveRuns(stateDir, runbook.id, !!opts.concurrent, prompter);
  const lock = takeRunLock(journalFile(stateDir, runId), runId);
  const journal = openJournal(journalFile(stateDir, runId));
  const code = await runSession(engine, journal, opts);
  lock.release();
  await exitWhenFlushed(code);
}

/** "INC-004-… (pid 4242 on host-a, started 2026-12-01T03:10:00Z, at stage mitigate)". */
export function describeLiveRun(holder: LockInfo): string {
  let stage: string | undefined;
  try {
    const events = readJournal(holder.file!.replace(/\.lock$/, '')).events;
    stage = [...events].reverse().find((e) => e.type === 'stage-started')?.stage;
  } catch {
    /* no journal yet */
  }
  return `${holder.runId} (pid ${holder.pid} on ${holder.host}, started ${holder.since}${stage ? `, at stage ${stage}` : ''})`;
}

/** Another run of this runbook live on this machine: say so; ask, or refuse without --concurrent. */
async function checkLiveRuns(dir: string, runbookId: string, concurrent: boolean, prompter: Prompter): Promise<void> {
  const live = liveRunsOf(dir, runbookId);
  if (!live.length || concurrent) {
    for (const l of live) printError(`note: another run of ${runbookId} is live: ${describeLiveRun(l)}`);
    return;
  }
  const what = `${runbookId} already has a live run: ${live.map(describeLiveRun).join('; ')}`;
  if (!prompter.interactive) throw new CliError(`${what}; resume it, or start another with --concurrent`, EXIT.usage);
  printError(what);
  if (!(await prompter.confirm(`Start a second run of ${runbookId} anyway?`))) throw new CliError('not started: another run is live', EXIT.stoppedBeforeWrite);
}

/** The run's lock, or a one-line error naming the live process. */
export function takeRunLock(journal: string, runId: string): RunLock {
  try {
    const { lock, tookOver } = RunLock.acquire(journal, runId);
    if (tookOver) {
      const from = tookOver.pid ? `from pid ${tookOver.pid} on ${tookOver.host}, which is no longer running` : '(the lock file was empty or unreadable)';
      printError(`note: took over the lock of run ${runId} ${from}`);
    }
    return lock;
  } catch (e) {
    if (e instanceof LiveRunError) throw new CliError(`${e.message}; it must end (or be stopped) before this run can go on`, EXIT.usage);
    throw new CliError(`cannot write the run journal ${journal}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, EXIT.usage);
  }
}
