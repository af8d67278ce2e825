// End-to-end harness: the built CLI as a real child process with no TTY
// (stdin ignored), the bundled runbooks, a clean environment (nothing
// inherited that could point a run at a real cluster, Redis or broker), its
// own journal directory, and the --json events parsed.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, assertBuilt, journalEvents, ROOT } from '../cli-run/helpers.js';

export { assertBuilt, ROOT };
export const RUNBOOKS = join(ROOT, 'runbooks');

/* eslint-disable @typescript-eslint/no-explicit-any */
export type Event = Record<string, any>;

export interface CliRun {
  args: string[];
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** --json events from stdout (empty without --json). */
  events: Event[];
  /** The run's journal, as written to disk. */
  journal: Event[];
  durationMs: number;
}

export interface CliOptions {
  /** Added to the clean base environment. */
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
}

/** A temp dir per test file: HOME, journals. */
export function scratch(prefix = 'oncall-e2e-'): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

let runs = 0;

/**
 * `oncall --runbooks runbooks run <args>` with no TTY. The base environment
 * has PATH and a private HOME only; ONCALL_STEP_TIMEOUT defaults to 10s so an
 * unreachable peer fails fast.
 */
export function oncallRun(home: string, args: string[], opts: CliOptions = {}): Promise<CliRun> {
  const journalDir = join(home, `journal-${process.pid}-${++runs}`);
  const argv = ['--runbooks', RUNBOOKS, 'run', ...args, '--journal-dir', journalDir];
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, NO_COLOR: '1', ONCALL_STEP_TIMEOUT: '10s' };
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...argv], { cwd: home, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (d: string) => (stdout += d));
    child.stderr.on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`oncall ${argv.join(' ')} did not finish within ${opts.timeoutMs ?? 30_000} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, opts.timeoutMs ?? 30_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const events = args.includes('--json') ? parseLines(stdout, argv) : [];
      resolve({ args: argv, code, signal, stdout, stderr, events, journal: journalEvents(journalDir) as Event[], durationMs: Date.now() - t0 });
    });
  });
}

function parseLines(stdout: string, argv: string[]): Event[] {
  return stdout
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      try {
        return JSON.parse(l) as Event;
      } catch {
        throw new Error(`oncall ${argv.join(' ')}: --json printed a line that is not JSON: ${l}`);
      }
    });
}

export const ofType = (events: Event[], type: string): Event[] => events.filter((e) => e.type === type);

/** The last step-finished event of a step. */
export function finished(events: Event[], stepId: string): Event | undefined {
  return events.filter((e) => e.type === 'step-finished' && e.stepId === stepId).pop();
}

export const startedIds = (events: Event[]): string[] => ofType(events, 'step-started').map((e) => e.stepId);

/** What a failed run shows when it dumps a stack: "    at fn (file.js:1:2)". */
export const STACK_FRAME = /^\s+at .*(\(.*:\d+:\d+\)|:\d+:\d+)$/m;

/** A readable failure message: the run's output, for expect(..., ) contexts. */
export function describeRun(r: CliRun): string {
  return `exit ${r.code}${r.signal ? ` (${r.signal})` : ''} in ${r.durationMs} ms\n$ oncall ${r.args.join(' ')}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
}

/** Fails with the run's output when the exit code is not the expected one. */
export function expectExit(r: CliRun, code: number): void {
  if (r.code !== code) throw new Error(`expected exit ${code}, got ${describeRun(r)}`);
}
