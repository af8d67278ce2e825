// Runs an Engine in this process's terminal: journal, terminal or --json
// subscriber (both through the shared Screen), the right Prompter, library
// console output as notes, and Ctrl-C (and SIGTERM/SIGHUP) turned into an
// interrupted, resumable run.
import type { Engine } from '../engine/engine.js';
import type { JournalWriter } from '../engine/journal.js';
import { NonInteractivePrompter, type Prompter } from '../engine/prompter.js';
import { jsonLines } from './json.js';
import { routeLibraryOutput } from './library-output.js';
import { TerminalPrompter } from './prompter.js';
import { terminalScreen } from './screen.js';
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
  return isInteractive(opts) ? new TerminalPrompter(terminalScreen().promptOutput(promptStream(opts)!)) : new NonInteractivePrompter();
}

export function useColorFor(opts: SessionOptions): boolean {
  return opts.color !== false && !process.env.NO_COLOR && process.stdout.isTTY === true;
}

export async function runSession(engine: Engine, journal: JournalWriter, opts: SessionOptions): Promise<number> {
  engine.subscribe((e) => journal.write(e), { critical: true });
  const screen = terminalScreen();
  if (opts.json) engine.subscribe(jsonLines((text) => screen.print(text, { wrap: false })));
  else engine.subscribe(new TerminalRenderer({ write: (text) => screen.print(text), color: useColorFor(opts), journalFile: journal.file }).subscriber);
  let live = false;
  let resume: string | undefined;
  engine.subscribe((e) => {
    if (e.type === 'run-started' || e.type === 'run-resumed') live = true;
    if (e.type !== 'run-finished') return;
    live = false;
    resume = e.resume;
  });
  // Library console output becomes the run's notes (journaled, redacted, above any prompt);
  // outside the run's first and last event it is dropped, so the journal keeps its shape.
  const restoreConsole = routeLibraryOutput((level, message) => {
    if (!live) return;
    try {
      engine.bus.emit({ type: 'note', level, message });
    } catch {
      // A journal that cannot be written stops the run at the engine's next event, not inside a library's callback.
    }
  });

  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    signals++;
    if (signals > 1) process.exit(130);
    engine.interrupt(signal === 'SIGINT' ? 'Ctrl-C' : signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  try {
    const result = await engine.run();
    if (opts.json && result.exitCode !== 0) {
      const hint = resume ? `; continue with: ${resume}` : '';
      process.stderr.write(`oncall: ${engine.redactor.string(result.message)}${hint}\n`);
    }
    return result.exitCode;
  } finally {
    restoreConsole();
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
