// Runs an Engine in this process's terminal: journal, terminal or --json
// subscriber, the right Prompter, and Ctrl-C (and SIGTERM/SIGHUP) turned into
// an interrupted, resumable run.
import type { Engine } from '../engine/engine.js';
import type { JournalWriter } from '../engine/journal.js';
import { NonInteractivePrompter, type Prompter } from '../engine/prompter.js';
import { jsonLines } from './json.js';
import { TerminalPrompter } from './prompter.js';
import { TerminalRenderer } from './terminal.js';

export interface SessionOptions {
  json?: boolean;
  color?: boolean;
  nonInteractive?: boolean;
}

/** Where prompts are drawn: stdout, unless it carries --json or is not a terminal. */
function promptStream(opts: SessionOptions): NodeJS.WriteStream | undefined {
  if (!opts.json && process.stdout.isTTY) return process.stdout;
  return process.stderr.isTTY ? process.stderr : undefined;
}

/** Prompts need a terminal on stdin and one to draw on. */
export function isInteractive(opts: SessionOptions): boolean {
  if (opts.nonInteractive) return false;
  return process.stdin.isTTY === true && promptStream(opts) !== undefined;
}

export function makePrompter(opts: SessionOptions): Prompter {
  return isInteractive(opts) ? new TerminalPrompter(promptStream(opts)) : new NonInteractivePrompter();
}

export function useColorFor(opts: SessionOptions): boolean {
  return opts.color !== false && !process.env.NO_COLOR && process.stdout.isTTY === true;
}

function writeOut(text: string): void {
  process.stdout.write(text);
}

export async function runSession(engine: Engine, journal: JournalWriter, opts: SessionOptions): Promise<number> {
  engine.subscribe((e) => journal.write(e), { critical: true });
  if (opts.json) engine.subscribe(jsonLines(writeOut));
  else engine.subscribe(new TerminalRenderer({ write: writeOut, color: useColorFor(opts), journalFile: journal.file }).subscriber);

  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    signals++;
    if (signals > 1) process.exit(130);
    engine.interrupt(signal === 'SIGINT' ? 'Ctrl-C' : signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  let resume: string | undefined;
  engine.subscribe((e) => {
    if (e.type === 'run-finished') resume = e.resume;
  });
  try {
    const result = await engine.run();
    if (opts.json && result.exitCode !== 0) {
      const hint = resume ? `; continue with: ${resume}` : '';
      process.stderr.write(`oncall: ${engine.redactor.string(result.message)}${hint}\n`);
    }
    return result.exitCode;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
    journal.close();
  }
}

/** Exits once stdout and stderr are flushed: a native client's idle socket
 *  or timer must not keep a finished run alive. */
export async function exitWhenFlushed(code: number): Promise<never> {
  await Promise.all([
    new Promise<void>((r) => process.stdout.write('', () => r())),
    new Promise<void>((r) => process.stderr.write('', () => r())),
  ]);
  process.exit(code);
}
