// oncall resume <RUN_ID>: read the journal, reload the runbook (warning when
// it changed), and continue after the last completed step. Completed writes
// never run again; a write whose outcome is unknown needs a fresh approval.
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { shellQuote } from '../engine/render.js';
import { existsSync } from 'node:fs';
import { Engine } from '../engine/engine.js';
import { RUN_ID, findJournal, journalDir, readJournal } from '../engine/journal.js';
import { JournalError, resumeStateFrom } from '../engine/resume.js';
import { digestMatches, fingerprintKey } from '../engine/fingerprint.js';
import { parseSets } from '../engine/params.js';
import { MASK } from '../engine/redact.js';
import { formatDiagnosticLine } from '../runbook/diagnostic.js';
import { asRunbook, loadFile, type LoadedFile } from '../runbook/load.js';
import { findRunbook, runbooksDir, UnknownRunbookError } from '../runbook/registry.js';
import { resolveRunbook } from '../runbook/resolve.js';
import { exitWhenFlushed, makePrompter, runSession } from '../ui/session.js';
import { loadProcess } from './catalog-loader.js';
import { CliError, EXIT } from './exit-codes.js';
import { printError } from './output.js';
import { checkApprovals, checkOption, defaultTimeout, refuseUnlinted, loadStepTypes, openJournal, params, redactorFor, sha256, takeRunLock } from './run.js';

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
  if (!RUN_ID.test(runId)) throw new CliError(`"${runId}" is not a run id (they look like INC-007-20261122T041500Z-3f9a)`, EXIT.usage);
  const dir = journalDir(opts.journalDir);
  const file = findJournal(runId, [dir]);
  if (!file) throw new CliError(`no journal for run ${runId} in ${dir} (use --journal-dir or ONCALL_STATE_DIR)`, EXIT.usage);
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

  // Journaled values, except secrets (journaled as ***): those come from env or default again.
  const sets = new Map<string, string>();
  for (const [k, v] of Object.entries(state.params)) {
    if (v === MASK || !runbook.params?.[k]) continue;
    sets.set(k, String(v));
  }
  // --set on resume supplies what the journal cannot hold (secrets) or never had;
  // it never rewrites a value the run already used.
  for (const [k, v] of parseSets(opts.set ?? [])) {
    const journaled = state.params[k];
    if (journaled !== undefined && journaled !== MASK && String(journaled) !== v) {
      throw new CliError(`parameter "${k}" was "${journaled}" in run ${runId}; a resumed run keeps its values (start a new run to change it)`, EXIT.usage);
    }
    sets.set(k, v);
  }
  if (opts.option && state.option && opts.option !== state.option) {
    throw new CliError(`run ${runId} already chose option "${state.option}"; start a new run to take "${opts.option}"`, EXIT.usage);
  }
  checkOption(runbook, opts.option);
  const option = opts.option ?? state.options.option;
  const env = process.env;
  const p = params(runbook, sets, env);
  const key = fingerprintKey(dir);
  // Secrets are journaled as fingerprints: a resumed run must act on the very
  // values the original run showed and had approved, not on a default.
  for (const name of p.secretNames) {
    const how = `--set ${name}=…${runbook.params?.[name]?.env ? ` or env ${runbook.params[name]!.env}` : ''}`;
    const digest = state.secretDigests[name];
    const now = p.sources[name] === 'unset' ? undefined : String(p.values[name]);
    if (digest === undefined) {
      if (state.params[name] === MASK && now === undefined) {
        throw new CliError(`secret parameter "${name}" is not in the journal; give it again with ${how} to resume`, EXIT.usage);
      }
      continue;
    }
    if (now !== undefined && digestMatches(digest, runId, now, key)) continue;
    const was = state.paramSources[name] === 'default' ? 'its default' : `a value given by ${state.paramSources[name] === 'env' ? 'env' : '--set'}`;
    throw new CliError(
      now === undefined || p.sources[name] === 'default'
        ? `secret parameter "${name}" had ${was} when run ${runId} started; give the same value again with ${how} to resume`
        : `secret parameter "${name}" is not the value run ${runId} started with; resume with the same value (${how})`,
      EXIT.usage,
    );
  }
  checkApprovals(runbook, opts.approve);
  const timeout = defaultTimeout(env);
  const resolved = resolveRunbook(runbook, loadProcess(runbooks));
  const journal = openJournal(file);
  const engine = new Engine({
    runId,
    runbook,
    file: runbookFile,
    source: loaded.source,
    hash,
    hashChanged,
    params: p,
    fingerprintKey: key,
    dryRun: state.options.dryRun,
    ...(option ? { option } : {}),
    approve: [...state.options.approve, ...(opts.approve ?? [])],
    resumeApprove: opts.approve ?? [],
    nonInteractive: !!opts.nonInteractive,
    ...(opts.journalDir ? { resumeFlags: ` --journal-dir ${shellQuote(resolve(opts.journalDir))}` } : {}),
    prompter: makePrompter(opts),
    stepTypes: await loadStepTypes(runbook),
    env,
    escalation: resolved.escalation,
    statusUpdateEvery: resolved.reminders.statusUpdateEvery,
    ...(timeout ? { defaultTimeoutMs: timeout } : {}),
    redactor: redactorFor(p, env),
    resume: state,
    refresh: !!opts.refresh,
  });
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
