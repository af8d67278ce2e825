// oncall resume <RUN_ID>: read the journal, reload the runbook (warning when
// it changed), and continue after the last completed step. Completed writes
// never run again; a write whose outcome is unknown needs a fresh approval.
import { readdirSync, readFileSync } from 'node:fs';
import { existsSync } from 'node:fs';
import { readJournal } from '../engine/journal.js';
import { checkResumedSecrets, JournalError, ResumeRefused, resumedParamSets, resumeStateFrom } from '../engine/resume.js';
import { fingerprintKey } from '../engine/fingerprint.js';
import { parseSets } from '../engine/params.js';
import { formatDiagnosticLine } from '../runbook/diagnostic.js';
import { asRunbook, loadFile, type LoadedFile } from '../runbook/load.js';
import { findRunbook, runbooksDir, UnknownRunbookError } from '../runbook/registry.js';
import { exitWhenFlushed, makePrompter, runSession } from '../ui/session.js';
import { CliError, EXIT } from './exit-codes.js';
import { findRunJournal } from './journals.js';
import { printError } from './output.js';
import { buildEngine } from './engine-factory.js';
import { checkApprovals, checkOption, refuseUnlinted, openJournal, params, sha256, takeRunLock } from './run.js';

export interface ResumeOpts {
  runbooks?: string;
  color?: boolean;
  approve?: string[];
  set?: string[];
  option?: string;
  nonInteractive?: boolean;
  json?: boolean;
  journalDir?: string;
  refresh?: boolean;
}

export async function resumeCommand(runId: string, opts: ResumeOpts): Promise<void> {
  const { dir, file } = findRunJournal(runId, opts.journalDir);
  // The lock comes first: two resumes of one run must never both read and append.
  const lock = takeRunLock(file, runId);
  let state;
  try {
    state = resumeStateFrom(readJournal(file));
  } catch (e) {
    throw new CliError(`cannot resume ${runId}: ${e instanceof JournalError ? e.message : (e as Error).message}`, EXIT.usage);
  }
  if (state.lastOutcome === 'resolved' || state.lastOutcome === 'rehearsed') {
    lock.release();
    process.stdout.write(`run ${runId} already finished (${state.lastOutcome}); nothing to resume\n`);
    return;
  }
  refuseWhileOrphansRun(state.inDoubtPids);
  if (state.torn) printError(`the journal's last line was cut off (the process was killed while writing); it was ignored`);
  if (state.badLines.length) {
    const lines = state.badLines.length === 1 ? `line ${state.badLines[0]}` : `lines ${state.badLines.join(', ')}`;
    printError(`warning: journal ${lines} did not parse and ${state.badLines.length === 1 ? 'was' : 'were'} skipped; check the run's history around ${state.badLines.length === 1 ? 'it' : 'them'}`);
  }

  const runbooks = runbooksDir(opts.runbooks);
  let loaded: LoadedFile;
  let runbookFile = state.runbook.file;
  try {
    if (!existsSync(runbookFile)) runbookFile = findRunbook(runbooks, state.runbook.id).file;
    loaded = loadFile(runbookFile);
  } catch (e) {
    if (e instanceof UnknownRunbookError) throw new CliError(`runbook ${state.runbook.id} of run ${runId} is gone (looked in ${runbooks})`, EXIT.usage);
    throw new CliError(`cannot read ${runbookFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, EXIT.usage);
  }
  if (loaded.diagnostics.length) throw new CliError(`invalid runbook: ${formatDiagnosticLine(loaded.diagnostics[0]!)}`, EXIT.usage);
  await refuseUnlinted(runbookFile);
  const runbook = asRunbook(loaded);
  const hash = sha256(loaded.source.text);
  const hashChanged = hash !== state.runbook.hash;
  if (hashChanged && !opts.json) printError(`warning: ${runbookFile} changed since run ${runId} started; continuing by step id`);

  let sets: Map<string, string>;
  try {
    sets = resumedParamSets(state, runbook, parseSets(opts.set ?? []));
  } catch (e) {
    throw e instanceof ResumeRefused ? new CliError(e.message, EXIT.usage) : e;
  }
  if (opts.option && state.option && opts.option !== state.option) {
    throw new CliError(`run ${runId} already chose option "${state.option}"; start a new run to take "${opts.option}"`, EXIT.usage);
  }
  checkOption(runbook, opts.option);
  const option = opts.option ?? state.options.option;
  const p = params(runbook, sets, process.env);
  try {
    checkResumedSecrets(state, runbook, p, fingerprintKey(dir));
  } catch (e) {
    throw e instanceof ResumeRefused ? new CliError(e.message, EXIT.usage) : e;
  }
  checkApprovals(runbook, opts.approve);
  const engine = await buildEngine(
    { runId, runbook, file: runbookFile, source: loaded.source, hash, params: p, stateDir: dir, runbooksDir: runbooks, prompter: makePrompter(opts), ...(opts.journalDir ? { journalDirFlag: opts.journalDir } : {}) },
    {
      hashChanged,
      dryRun: state.options.dryRun,
      ...(option ? { option } : {}),
      approve: [...state.options.approve, ...(opts.approve ?? [])],
      resumeApprove: opts.approve ?? [],
      nonInteractive: !!opts.nonInteractive,
      resume: state,
      refresh: !!opts.refresh,
    },
  );
  const journal = openJournal(file);
  const code = await runSession(engine, journal, opts);
  lock.release();
  await exitWhenFlushed(code);
}

/** A write the killed run started may still be running (its process group
 *  outlives oncall): it must end before the write can be asked for again. */
function refuseWhileOrphansRun(pids: ReadonlyMap<string, number>): void {
  for (const [stepId, pid] of pids) {
    if (!groupRunning(pid)) continue;
    let cmdline = '';
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
    } catch {
      /* the group's leader is gone, other members live on */
    }
    throw new CliError(
      `write step "${stepId}" started by the stopped run is still running (process group ${pid}${cmdline ? `: ${cmdline}` : ''}); wait for it to end, check its target, then resume`,
      EXIT.stoppedBeforeWrite,
    );
  }
}

/** Does any process of group `pgid` still run? Zombies (ended, not yet reaped) do not count. */
function groupRunning(pgid: number): boolean {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((n) => /^\d+$/.test(n));
  } catch {
    try {
      process.kill(-pgid, 0);
      return true;
    } catch (e) {
      return (e as NodeJS.ErrnoException).code !== 'ESRCH';
    }
  }
  return entries.some((n) => {
    try {
      const stat = readFileSync(`/proc/${n}/stat`, 'utf8');
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return Number(pgrp) === pgid && state !== 'Z' && state !== 'X';
    } catch {
      return false;
    }
  });
}
