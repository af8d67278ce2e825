// Where runbooks come from: --runbooks DIR, else ONCALL_RUNBOOKS, else
// ./runbooks when it exists, else the runbooks bundled with the package.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import leven from 'leven';

export const BUNDLED_RUNBOOKS = fileURLToPath(new URL('../../runbooks/', import.meta.url));
const RUNBOOK_FILE = /^([A-Z][A-Z0-9]*-[0-9]{3,})(?:-[^/]*)?\.ya?ml$/;
export const PROCESS_FILE = 'process.yaml';

export function runbooksDir(option?: string, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  if (option) return resolve(cwd, option);
  if (env.ONCALL_RUNBOOKS) return resolve(cwd, env.ONCALL_RUNBOOKS);
  const local = join(cwd, 'runbooks');
  if (existsSync(local) && statSync(local).isDirectory()) return local;
  return BUNDLED_RUNBOOKS;
}

export interface RunbookEntry {
  id: string;
  file: string;
}

/** Runbook files in `dir`, sorted by id. Throws when `dir` is unreadable. */
export function listRunbookFiles(dir: string): RunbookEntry[] {
  return readdirSync(dir)
    .map((name) => ({ name, m: RUNBOOK_FILE.exec(name) }))
    .filter((e): e is { name: string; m: RegExpExecArray } => e.m !== null)
    .map((e) => ({ id: e.m[1]!, file: join(dir, e.name) }))
    .sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
}

export function processFile(dir: string): string | undefined {
  const file = join(dir, PROCESS_FILE);
  return existsSync(file) ? file : undefined;
}

export class UnknownRunbookError extends Error {
  constructor(
    readonly id: string,
    readonly suggestions: string[],
  ) {
    super(`unknown runbook "${id}"${suggestions.length ? `; did you mean ${suggestions.join(', ')}?` : ''}`);
    this.name = 'UnknownRunbookError';
  }
}

export function findRunbook(dir: string, id: string): RunbookEntry {
  const entries = listRunbookFiles(dir);
  const wanted = id.toUpperCase();
  const hit = entries.find((e) => e.id === wanted);
  if (hit) return hit;
  throw new UnknownRunbookError(id, closest(wanted, entries.map((e) => e.id)));
}

function closest(id: string, ids: string[]): string[] {
  // "7" or "INC-7" should still find INC-007.
  const digits = id.match(/(\d+)$/)?.[1];
  if (digits) {
    const byNumber = ids.filter((x) => Number(x.match(/(\d+)$/)?.[1]) === Number(digits));
    if (byNumber.length) return byNumber;
  }
  return ids
    .map((x) => ({ x, d: leven(id, x) }))
    .filter((e) => e.d <= 3)
    .sort((a, b) => a.d - b.d)
    .slice(0, 3)
    .map((e) => e.x);
}
