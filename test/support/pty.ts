// A real pseudo-terminal for end-to-end tests of interactive commands
// (node-pty). Output is collected with ANSI escapes stripped, so tests can
// wait for what a person would read.
import { createRequire } from 'node:module';
import type { IPty } from 'node-pty';

const require = createRequire(import.meta.url);

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|\x1b[()][A-Za-z0-9]|\x1b[=>]/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '').replace(/\r/g, '');
}

export const KEY = { enter: '\r', down: '\x1b[B', up: '\x1b[A', ctrlC: '\x03' } as const;

export interface PtySession {
  pid: number;
  /** Everything printed so far, ANSI stripped. */
  output(): string;
  /** Resolves once the output (after `from`) matches; rejects with the output on timeout. */
  waitFor(pattern: string | RegExp, timeoutMs?: number): Promise<void>;
  write(data: string): void;
  exited: Promise<{ exitCode: number; signal?: number }>;
  kill(signal?: string): void;
}

export function spawnPty(file: string, args: string[], opts: { cwd?: string; env?: Record<string, string | undefined>; cols?: number } = {}): PtySession {
  const pty = require('node-pty') as typeof import('node-pty');
  const term: IPty = pty.spawn(file, args, {
    name: 'xterm-256color',
    cols: opts.cols ?? 160,
    rows: 50,
    cwd: opts.cwd ?? process.cwd(),
    env: Object.fromEntries(Object.entries(opts.env ?? process.env).filter(([, v]) => v !== undefined)) as Record<string, string>,
  });
  let raw = '';
  const listeners = new Set<() => void>();
  term.onData((d) => {
    raw += d;
    for (const l of [...listeners]) l();
  });
  const exited = new Promise<{ exitCode: number; signal?: number }>((resolve) => term.onExit((e) => resolve(e)));
  let consumed = 0;
  return {
    pid: term.pid,
    output: () => stripAnsi(raw),
    waitFor(pattern, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          const text = stripAnsi(raw).slice(consumed);
          const m = typeof pattern === 'string' ? text.indexOf(pattern) : text.search(pattern);
          if (m >= 0) {
            consumed += m + (typeof pattern === 'string' ? pattern.length : 1);
            return true;
          }
          return false;
        };
        if (check()) return resolve();
        const timer = setTimeout(() => {
          listeners.delete(onData);
          reject(new Error(`timed out waiting for ${String(pattern)}; output so far:\n${stripAnsi(raw)}`));
        }, timeoutMs);
        const onData = (): void => {
          if (check()) {
            clearTimeout(timer);
            listeners.delete(onData);
            resolve();
          }
        };
        listeners.add(onData);
        void exited.then(() => setTimeout(() => {
          if (listeners.has(onData)) {
            clearTimeout(timer);
            listeners.delete(onData);
            reject(new Error(`process exited before ${String(pattern)}; output:\n${stripAnsi(raw)}`));
          }
        }, 50));
      });
    },
    write: (data) => term.write(data),
    exited,
    kill: (signal) => term.kill(signal),
  };
}
