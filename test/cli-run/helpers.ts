// Running the built CLI as a real process: stdin closed (no TTY), output captured.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(new URL('../..', import.meta.url).pathname);
export const BIN = join(ROOT, 'bin', 'oncall.js');
export const FIXTURES = join(ROOT, 'test', 'fixtures', 'runbooks');

function newest(dir: string): number {
  let t = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const s = statSync(p);
    t = Math.max(t, s.isDirectory() ? newest(p) : s.mtimeMs);
  }
  return t;
}

/** Builds dist/ when the engine's sources are newer than it (once, across jest workers). */
export function ensureBuilt(): void {
  const built = join(ROOT, 'dist', 'cli', 'run.js');
  const sources = Math.max(...['src/engine', 'src/ui', 'src/cli', 'src/steps', 'src/runbook'].map((d) => newest(join(ROOT, d))));
  if (existsSync(built) && statSync(built).mtimeMs >= sources) return;
  const lock = join(ROOT, '.bench-tmp', 'build.lock');
  mkdirSync(join(ROOT, '.bench-tmp'), { recursive: true });
  for (let i = 0; i < 600; i++) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      execFileSync('sleep', ['0.1']);
      if (existsSync(built) && statSync(built).mtimeMs >= sources) return;
    }
  }
  try {
    try {
      execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'pipe' });
    } catch {
      /* other helpers' unfinished files may not type-check; tsc still emits */
    }
  } finally {
    rmdirSync(lock);
  }
}

export interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function oncall(args: string[], opts: { env?: Record<string, string | undefined>; timeoutMs?: number; cwd?: string } = {}): Promise<Result> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd ?? ROOT, env: opts.env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`oncall ${args.join(' ')} did not finish; stdout:\n${stdout}\nstderr:\n${stderr}`));
    }, opts.timeoutMs ?? 20_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr });
    });
  });
}

export function readLines(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

export function journalEvents(dir: string): Array<Record<string, unknown>> {
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.jsonl')) : [];
  return files.flatMap((f) => readLines(join(dir, f)).flatMap((l) => {
    try {
      return [JSON.parse(l)];
    } catch {
      return [];
    }
  }));
}
