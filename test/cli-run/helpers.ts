// Running the built CLI as a real process: stdin closed (no TTY), output captured.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(new URL('../..', import.meta.url).pathname);
export const BIN = join(ROOT, 'bin', 'oncall.js');
export const FIXTURES = join(ROOT, 'test', 'fixtures', 'runbooks');

export { assertBuilt } from '../support/built.js';

export interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The built CLI; `stdin` is piped in when given, else stdin is closed. */
export function oncall(args: string[], opts: { env?: Record<string, string | undefined>; timeoutMs?: number; cwd?: string; stdin?: string } = {}): Promise<Result> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd ?? ROOT, env: opts.env as NodeJS.ProcessEnv, stdio: [opts.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    if (opts.stdin !== undefined) child.stdin!.end(opts.stdin);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
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
