// A real pseudo-terminal for end-to-end tests of interactive commands
// (node-pty). Output is collected with ANSI escapes stripped, so tests can
// wait for what a person would read; screen() replays the raw output through
// a terminal emulator for what is still on the screen after redraws.
import { createRequire } from 'node:module';
import type { IPty } from 'node-pty';
import { renderTerminal, type TerminalInput } from './vt.js';

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
  /** Everything printed so far, as printed. */
  raw(): string;
  /** Resolves once the output (after `from`) matches; rejects with the output on timeout. */
  waitFor(pattern: string | RegExp, timeoutMs?: number): Promise<void>;
  /** What the terminal shows now (scrollback included), one string per row. */
  screen(): string[];
  /** Resolves once `check(screen())` holds; rejects with the screen on timeout. */
  waitForScreen(check: (lines: string[]) => boolean, timeoutMs?: number): Promise<string[]>;
  /** Resizes the terminal, as a window resize does (the program gets SIGWINCH). */
  resize(cols: number, rows?: number): void;
  write(data: string): void;
  exited: Promise<{ exitCode: number; signal?: number }>;
  kill(signal?: string): void;
}

export function spawnPty(file: string, args: string[], opts: { cwd?: string; env?: Record<string, string | undefined>; cols?: number; rows?: number } = {}): PtySession {
  const pty = require('node-pty') as typeof import('node-pty');
  let cols = opts.cols ?? 160;
  let rows = opts.rows ?? 50;
  const term: IPty = pty.spawn(file, args, {
    name: 'xterm-256color',
    cols,
    rows,
    cwd: opts.cwd ?? process.cwd(),
    env: Object.fromEntries(Object.entries(opts.env ?? process.env).filter(([, v]) => v !== undefined)) as Record<string, string>,
  });
  let raw = '';
  const initial = { cols, rows };
  const inputs: TerminalInput[] = [];
  const listeners = new Set<() => void>();
  term.onData((d) => {
    raw += d;
    inputs.push(d);
    for (const l of [...listeners]) l();
  });
  const screen = (): string[] => renderTerminal(inputs, initial.cols, initial.rows);
  const exited = new Promise<{ exitCode: number; signal?: number }>((resolve) => term.onExit((e) => resolve(e)));
  let consumed = 0;
  return {
    pid: term.pid,
    output: () => stripAnsi(raw),
    raw: () => raw,
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
    screen,
    waitForScreen(check, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const attempt = (): boolean => {
          const lines = screen();
          if (!check(lines)) return false;
          clearTimeout(timer);
          listeners.delete(attempt);
          resolve(lines);
          return true;
        };
        const timer = setTimeout(() => {
          listeners.delete(attempt);
          reject(new Error(`timed out waiting for the screen; it shows:\n${screen().join('\n')}`));
        }, timeoutMs);
        if (!attempt()) listeners.add(attempt);
      });
    },
    resize(c, r = rows) {
      cols = c;
      rows = r;
      inputs.push({ resize: { cols, rows } });
      term.resize(cols, rows);
    },
    write: (data) => term.write(data),
    exited,
    kill: (signal) => term.kill(signal),
  };
}

/** Sessions to kill after each test: a failed expectation must not leave a
 *  run waiting at its prompt (and jest waiting for it). Push each session. */
export function killedAfterEach(): PtySession[] {
  const sessions: PtySession[] = [];
  afterEach(() => {
    for (const s of sessions.splice(0)) {
      try {
        s.kill('SIGKILL');
      } catch {
        /* it had ended */
      }
    }
  });
  return sessions;
}
