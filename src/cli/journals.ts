// Where run journals are, for the commands that read them: the one a run id
// names (report, resume, log) and every one in a directory (runs). One lookup,
// so all of them accept the same ids and fail with the same line.
import { readdirSync } from 'node:fs';
import { RUN_ID, findJournal, journalDir, journalFile } from '../engine/journal.js';
import { CliError, EXIT } from './exit-codes.js';

export interface RunJournal {
  runId: string;
  /** The journal directory (absolute). */
  dir: string;
  file: string;
}

/** The journal of `runId` in --journal-dir (else ONCALL_STATE_DIR, …), or a one-line usage error. */
export function findRunJournal(runId: string, journalDirOption: string | undefined): RunJournal {
  if (!RUN_ID.test(runId)) throw new CliError(`"${runId}" is not a run id (they look like INC-007-20261122T041500Z-3f9a)`, EXIT.usage);
  const dir = journalDir(journalDirOption);
  const file = findJournal(runId, [dir]);
  if (!file) throw new CliError(`no journal for run ${runId} in ${dir} (use --journal-dir or ONCALL_STATE_DIR)`, EXIT.usage);
  return { runId, dir, file };
}

/** Every journal in `dir` (none when it does not exist). Lock files, the fingerprint key and other files are not journals. */
export function listRunJournals(dir: string): RunJournal[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new CliError(`cannot read ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, EXIT.usage);
  }
  return names
    .filter((n) => n.endsWith('.jsonl') && RUN_ID.test(n.slice(0, -'.jsonl'.length)))
    .map((n) => {
      const runId = n.slice(0, -'.jsonl'.length);
      return { runId, dir, file: journalFile(dir, runId) };
    });
}

/** The runbook id and start time a run id carries (INC-007-20261122T041500Z-3f9a), for journals whose first line is lost. */
export function parseRunId(runId: string): { runbookId: string; startedAt: string } | undefined {
  const m = /^(.+)-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z-[0-9a-f]{4}$/.exec(runId);
  if (!m) return undefined;
  const [, runbookId, y, mo, d, h, mi, s] = m;
  return { runbookId: runbookId!, startedAt: `${y}-${mo}-${d}T${h}:${mi}:${s}.000Z` };
}
