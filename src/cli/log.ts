// oncall log <RUN_ID>: the run as its terminal showed it. The journal holds
// exactly the (redacted) events the live renderer was given, with their
// elapsed times, so replaying them through the same TerminalRenderer and
// Screen prints the same lines; prompts, which are not events, are not
// replayed.
import { readJournal, type JournalContents } from '../engine/journal.js';
import { terminalScreen } from '../ui/screen.js';
import { TerminalRenderer } from '../ui/terminal.js';
import { CliError, EXIT } from './exit-codes.js';
import { findRunJournal } from './journals.js';
import { printError, useColor } from './output.js';

export interface LogOpts {
  journalDir?: string;
  color?: boolean;
}

export function logCommand(runId: string, opts: LogOpts): void {
  const { file } = findRunJournal(runId, opts.journalDir);
  let contents: JournalContents;
  try {
    contents = readJournal(file);
  } catch (e) {
    throw new CliError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, EXIT.usage);
  }
  const badLines = contents.badLines ?? [];
  if (badLines.length) {
    const more = badLines.length > 1 ? ` (and ${badLines.length - 1} more: line${badLines.length > 2 ? 's' : ''} ${badLines.slice(1).join(', ')})` : '';
    printError(`warning: ${file}:${badLines[0]}: journal line did not parse and is not shown${more}`);
  }

  const screen = terminalScreen();
  const newRenderer = (): TerminalRenderer => new TerminalRenderer({ write: (text) => screen.print(text), color: useColor(opts), journalFile: file });
  let renderer = newRenderer();
  let unshown = 0;
  contents.events.forEach((e, i) => {
    // Each resume was a new process with a renderer of its own (peers a rehearsal named are named again).
    if (i > 0 && (e.type === 'run-started' || e.type === 'run-resumed')) renderer = newRenderer();
    try {
      renderer.subscriber(e);
    } catch {
      // A hand-edited event missing a field the renderer reads: the rest of the run is still worth showing.
      unshown++;
    }
  });
  if (unshown) printError(`warning: ${file}: ${unshown} journal ${unshown === 1 ? 'event' : 'events'} could not be shown (fields missing)`);
}
