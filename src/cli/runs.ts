// oncall runs [--json]: the runs whose journals are in the journal directory,
// newest first: run id, runbook, when it started, the stage it reached, how
// it ended, and whether `oncall resume` can take it up or a process is
// running it right now (it holds the run's lock).
import { Chalk, type ChalkInstance } from 'chalk';
import type { EngineEvent, EventOf, Outcome } from '../engine/events.js';
import { journalDir, readJournal, type JournalContents } from '../engine/journal.js';
import { resumeStateFrom } from '../engine/resume.js';
import { liveRunsOf, type LockInfo } from '../engine/run-lock.js';
import { CliError, EXIT } from './exit-codes.js';
import { listRunJournals, parseRunId, type RunJournal } from './journals.js';
import { printError, printJson, useColor } from './output.js';

export interface RunsOpts {
  json?: boolean;
  journalDir?: string;
  color?: boolean;
}

/** How a run ended; `running` while a live process holds its lock; `unknown` when no line says. */
export type RunOutcome = Outcome | 'running' | 'unknown';

export interface RunSummary {
  runId: string;
  runbook: string;
  title?: string;
  /** Wall-clock start of the run (ISO), from its run-started event, else from its id. */
  startedAt: string;
  /** The last stage the run entered. */
  stage?: string;
  outcome: RunOutcome;
  /** false when the last session has no run-finished (the process was killed, or is still running). */
  ended: boolean;
  exitCode?: number;
  dryRun: boolean;
  /** How many times it was resumed. */
  resumes: number;
  /** `oncall resume RUN_ID` would take it up. */
  resumable: boolean;
  live: boolean;
  /** The live process holding the run's lock. */
  holder?: { pid: number; host: string; since: string };
  journal: string;
  /** Journal lines that did not parse (1-based). */
  badLines?: number[];
}

export function runsCommand(opts: RunsOpts): void {
  const dir = journalDir(opts.journalDir);
  const journals = listRunJournals(dir);
  const holders = liveHolders(dir, journals);
  const runs: RunSummary[] = [];
  for (const j of journals) {
    let contents: JournalContents;
    try {
      contents = readJournal(j.file);
    } catch (e) {
      // Gone between the listing and the read (a test's cleanup, a rotation): not a run any more.
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw new CliError(`cannot read ${j.file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, EXIT.usage);
    }
    warnBadLines(j.file, contents.badLines ?? []);
    runs.push(summarize(j, contents, holders.get(j.file)));
  }
  runs.sort((a, b) => b.startedAt.localeCompare(a.startedAt) || b.runId.localeCompare(a.runId));
  if (opts.json) {
    printJson(runs);
    return;
  }
  if (!runs.length) {
    process.stdout.write(`no runs in ${dir} (use --journal-dir or ONCALL_STATE_DIR)\n`);
    return;
  }
  process.stdout.write(table(runs, new Chalk({ level: useColor(opts) ? 1 : 0 })));
}

/** The live holder of each journal's lock: the very check resume and run make before they touch a journal. */
function liveHolders(dir: string, journals: RunJournal[]): Map<string, LockInfo> {
  const runbooks = new Set(journals.map((j) => parseRunId(j.runId)?.runbookId).filter((id): id is string => !!id));
  const holders = new Map<string, LockInfo>();
  for (const id of runbooks) {
    for (const holder of liveRunsOf(dir, id)) if (holder.file) holders.set(holder.file.replace(/\.lock$/, ''), holder);
  }
  return holders;
}

function warnBadLines(file: string, badLines: number[]): void {
  if (!badLines.length) return;
  const more = badLines.length > 1 ? ` (and ${badLines.length - 1} more: line${badLines.length > 2 ? 's' : ''} ${badLines.slice(1).join(', ')})` : '';
  printError(`warning: ${file}:${badLines[0]}: journal line did not parse${more}; the run is listed from the lines that did`);
}

/** One journal as a row: sessions are run-started/run-resumed … run-finished; the last one decides the outcome. */
export function summarize(j: RunJournal, contents: JournalContents, holder: LockInfo | undefined): RunSummary {
  const events = contents.events;
  const start = events.find((e): e is EventOf<'run-started'> => e.type === 'run-started');
  let sessionStart = -1;
  let last: { index: number; event: EventOf<'run-finished'> } | undefined;
  let stage: string | undefined;
  let resumes = 0;
  let title = start?.runbook?.title;
  events.forEach((e: EngineEvent, index) => {
    if (e.type === 'run-started' || e.type === 'run-resumed') sessionStart = index;
    if (e.type === 'run-resumed') {
      resumes++;
      title = e.runbook?.title ?? title;
    }
    if (e.type === 'run-finished') last = { index, event: e };
    if (e.type === 'stage-started') stage = e.stage;
  });
  const ended = !!last && last.index > sessionStart;
  const fromId = parseRunId(j.runId);
  const outcome: RunOutcome = holder ? 'running' : ended ? last!.event.outcome : sessionStart >= 0 ? 'interrupted' : 'unknown';
  return {
    runId: j.runId,
    runbook: start?.runbook?.id ?? fromId?.runbookId ?? '?',
    ...(title ? { title } : {}),
    startedAt: start?.startedAt ?? start?.at ?? fromId?.startedAt ?? '',
    ...(stage ? { stage } : {}),
    outcome,
    ended,
    ...(ended ? { exitCode: last!.event.exitCode } : {}),
    dryRun: start?.options?.dryRun === true,
    resumes,
    resumable: !holder && resumeWouldContinue(contents),
    live: !!holder,
    ...(holder ? { holder: { pid: holder.pid, host: holder.host, since: holder.since } } : {}),
    journal: j.file,
    ...(contents.badLines?.length ? { badLines: contents.badLines } : {}),
  };
}

/** What `oncall resume` decides from the journal: it needs a run-started, and a run that finished has nothing left. */
function resumeWouldContinue(contents: JournalContents): boolean {
  try {
    const state = resumeStateFrom(contents);
    return state.lastOutcome !== 'resolved' && state.lastOutcome !== 'rehearsed';
  } catch {
    return false;
  }
}

const OUTCOME_TEXT: Record<RunOutcome, string> = {
  resolved: 'resolved',
  rehearsed: 'rehearsed',
  failed: 'failed',
  'not-verified': 'not verified',
  stopped: 'stopped',
  interrupted: 'interrupted',
  running: 'running',
  unknown: 'unknown',
};

function outcomeColor(c: ChalkInstance, outcome: RunOutcome): (text: string) => string {
  if (outcome === 'resolved' || outcome === 'rehearsed') return c.green;
  if (outcome === 'failed' || outcome === 'not-verified') return c.red;
  if (outcome === 'running') return c.cyan.bold;
  return c.yellow;
}

/** "2026-11-22 04:15:00 UTC", as the report's timeline writes it. */
function wallClock(iso: string): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? '?' : `${new Date(t).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

function table(runs: RunSummary[], c: ChalkInstance): string {
  const rows = runs.map((r) => ({
    run: r.runId,
    runbook: r.runbook,
    started: wallClock(r.startedAt),
    stage: r.stage ?? '-',
    outcome: `${OUTCOME_TEXT[r.outcome]}${r.dryRun && r.outcome !== 'rehearsed' ? ' (dry-run)' : ''}${r.ended || r.live || r.outcome === 'unknown' ? '' : ' (no end recorded)'}`,
    state: r.holder ? `live: pid ${r.holder.pid} on ${r.holder.host} since ${r.holder.since}` : r.resumable ? 'resumable' : '-',
    color: outcomeColor(c, r.outcome),
  }));
  const header = { run: 'RUN', runbook: 'RUNBOOK', started: 'STARTED', stage: 'STAGE', outcome: 'OUTCOME', state: 'STATE' };
  const cols = ['run', 'runbook', 'started', 'stage', 'outcome'] as const;
  const width = Object.fromEntries(cols.map((k) => [k, Math.max(header[k].length, ...rows.map((r) => r[k].length))])) as Record<(typeof cols)[number], number>;
  const line = (r: typeof header, paint: (col: string, text: string) => string): string =>
    `${cols.map((k) => paint(k, r[k].padEnd(width[k]))).join('  ')}  ${paint('state', r.state)}\n`;
  return (
    line(header, (_k, text) => c.dim(text)) +
    rows
      .map((r) =>
        line(r, (k, text) => (k === 'run' ? c.bold(text) : k === 'outcome' ? r.color(text) : k === 'state' && r.state.startsWith('live') ? c.cyan(text) : text)),
      )
      .join('')
  );
}
