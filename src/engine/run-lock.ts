// One live process per run. A lock file beside the journal (RUN_ID.jsonl.lock)
// is taken, with O_EXCL, before anything is read from or appended to the
// journal, and removed when the process ends. A lock left by a dead process
// (its pid gone, or reused by another process: the start time differs) is
// taken over with a note; a live one refuses.
import { closeSync, existsSync, openSync, readdirSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { makeDirs } from './journal.js';

export interface LockInfo {
  runId: string;
  pid: number;
  host: string;
  /** When the process took the lock (ISO time). */
  since: string;
  /** The process's start time in clock ticks since boot (/proc), to tell a reused pid. */
  procStart?: string;
  /** The lock file. */
  file?: string;
}

export class LiveRunError extends Error {
  constructor(readonly holder: LockInfo) {
    super(`run ${holder.runId} is live in pid ${holder.pid} on ${holder.host} (since ${holder.since})`);
    this.name = 'LiveRunError';
  }
}

export const lockFileOf = (journalFile: string): string => `${journalFile}.lock`;

function procStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** Is the lock's process still running? A lock from another host cannot be checked: it counts as live. */
export function holderAlive(info: LockInfo): boolean {
  if (info.host !== hostname()) return true;
  try {
    process.kill(info.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  const now = procStart(info.pid);
  return !(info.procStart && now && now !== info.procStart);
}

function readLock(file: string): LockInfo | undefined {
  try {
    return { ...(JSON.parse(readFileSync(file, 'utf8')) as LockInfo), file };
  } catch {
    return undefined;
  }
}

export class RunLock {
  private released = false;
  private readonly onExit = () => this.release();

  private constructor(readonly file: string) {
    process.on('exit', this.onExit);
  }

  /** Takes the run's lock, or throws LiveRunError. `tookOver` is a stale lock it replaced. */
  static acquire(journalFile: string, runId: string): { lock: RunLock; tookOver?: LockInfo } {
    const file = lockFileOf(journalFile);
    makeDirs(dirname(file));
    const mine: LockInfo = { runId, pid: process.pid, host: hostname(), since: new Date().toISOString(), ...(procStart(process.pid) ? { procStart: procStart(process.pid)! } : {}) };
    let tookOver: LockInfo | undefined;
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const fd = openSync(file, 'wx', 0o600);
        writeSync(fd, JSON.stringify(mine));
        closeSync(fd);
        return { lock: new RunLock(file), ...(tookOver ? { tookOver } : {}) };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const holder = readLock(file);
      // A lock being written this very moment reads as empty: give it a moment.
      if (!holder) {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
        if (!readLock(file) && existsSync(file)) {
          tookOver = { runId, pid: 0, host: '?', since: '?' };
          unlinkSync(file);
        }
        continue;
      }
      if (holderAlive(holder)) throw new LiveRunError(holder);
      tookOver = holder;
      try {
        unlinkSync(file);
      } catch {
        /* another process took it over first: the next attempt sees its lock */
      }
    }
    throw new LiveRunError(readLock(file) ?? { runId, pid: 0, host: '?', since: '?' });
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    process.off('exit', this.onExit);
    try {
      const held = readLock(this.file);
      if (held?.pid === process.pid) unlinkSync(this.file);
    } catch {
      /* already gone */
    }
  }
}

/** Live runs of a runbook in a journal directory (their locks' holders). */
export function liveRunsOf(dir: string, runbookId: string): LockInfo[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => n.startsWith(`${runbookId}-`) && n.endsWith('.jsonl.lock'))
    .map((n) => readLock(join(dir, n)))
    .filter((l): l is LockInfo => !!l && holderAlive(l));
}
