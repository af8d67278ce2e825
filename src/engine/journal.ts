// The run journal: one JSON event per line, append-only, each line written
// with a synchronous write (and fdatasync) before the engine moves on, so a
// SIGKILL or a lost terminal loses nothing that happened before it.
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fdatasyncSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { EngineEvent } from './events.js';

export const RUN_ID = /^[A-Z][A-Z0-9]*-[0-9]{3,}-\d{8}T\d{6}Z-[0-9a-f]{4}$/;

/** --journal-dir, else $ONCALL_STATE_DIR, else $XDG_STATE_HOME/oncall/runs, else ~/.local/state/oncall/runs. */
export function journalDir(option: string | undefined, env: Record<string, string | undefined> = process.env): string {
  if (option) return resolve(option);
  if (env.ONCALL_STATE_DIR) return resolve(env.ONCALL_STATE_DIR);
  const state = env.XDG_STATE_HOME || join(env.HOME || homedir(), '.local', 'state');
  return join(state, 'oncall', 'runs');
}

/** INC-007-20261122T041500Z-3f9a */
export function newRunId(runbookId: string, now: number): string {
  const stamp = new Date(now).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${runbookId}-${stamp}-${randomBytes(2).toString('hex')}`;
}

export function journalFile(dir: string, runId: string): string {
  return join(dir, `${runId}.jsonl`);
}

/** mkdir -p, one level at a time: Node's recursive mkdirSync never returns for
 *  some paths it cannot create (`/proc/1/nope` spins at 100% CPU). */
export function makeDirs(dir: string): void {
  const parent = dirname(dir);
  if (parent !== dir && !existsSync(parent)) makeDirs(parent);
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
}

export class JournalWriter {
  private fd: number | undefined;

  constructor(
    readonly file: string,
    private readonly fsync = true,
  ) {}

  /** Opens (creating the directory, mode 0700, file 0600). Throws when it cannot. */
  open(): this {
    makeDirs(resolve(this.file, '..'));
    // A journal cut off mid-line (killed process) gets its line ended first,
    // so the next event starts on a line of its own.
    const torn = existsSync(this.file) && !endsWithNewline(this.file);
    this.fd = openSync(this.file, 'a', 0o600);
    if (torn) writeSync(this.fd, '\n');
    return this;
  }

  write(event: EngineEvent): void {
    if (this.fd === undefined) this.open();
    const line = `${JSON.stringify(event)}\n`;
    // One write per event: O_APPEND keeps lines whole between processes.
    const buf = Buffer.from(line, 'utf8');
    let off = 0;
    while (off < buf.length) off += writeSync(this.fd!, buf, off);
    if (this.fsync && event.type !== 'step-progress') fdatasyncSync(this.fd!);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

function endsWithNewline(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return true;
    const b = Buffer.alloc(1);
    readSync(fd, b, 0, 1, size - 1);
    return b[0] === 0x0a;
  } finally {
    closeSync(fd);
  }
}

export interface JournalContents {
  events: EngineEvent[];
  /** The last line was cut off (the process was killed mid-write); it was ignored. */
  torn: boolean;
  /** Lines in the middle that did not parse (ignored). */
  bad: number;
  /** Their 1-based line numbers, for the warning. */
  badLines?: number[];
}

export function parseJournal(text: string): JournalContents {
  const lines = text.split('\n');
  const events: EngineEvent[] = [];
  let torn = false;
  let bad = 0;
  const badLines: number[] = [];
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    try {
      const event: unknown = JSON.parse(line);
      // `null` or `42` parse too, and would break every reader of `e.type`.
      if (typeof (event as { type?: unknown } | null)?.type !== 'string') throw new Error('not an event');
      events.push(event as EngineEvent);
    } catch {
      // Only the last line can be torn by a kill; anything else is damage.
      if (i === lines.length - 1 && !text.endsWith('\n')) torn = true;
      else {
        bad++;
        badLines.push(i + 1);
      }
    }
  });
  return { events, torn, bad, badLines };
}

export function readJournal(file: string): JournalContents {
  return parseJournal(readFileSync(file, 'utf8'));
}

export function findJournal(runId: string, dirs: string[]): string | undefined {
  for (const dir of dirs) {
    const f = journalFile(dir, runId);
    if (existsSync(f)) return f;
  }
  return undefined;
}
