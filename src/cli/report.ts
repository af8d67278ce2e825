// oncall report <RUN_ID>: a post-mortem draft from the run's journal and its
// runbook, as Markdown (default) or JSON, to stdout or --out FILE.
import { writeFileSync } from 'node:fs';
import { readJournal } from '../engine/journal.js';
import { runbooksDir } from '../runbook/registry.js';
import { renderMarkdown } from '../report/markdown.js';
import { buildPostMortem, ReportError } from '../report/model.js';
import { loadReportSources } from '../report/sources.js';
import { CliError, EXIT } from './exit-codes.js';
import { findRunJournal } from './journals.js';
import { printError } from './output.js';

export interface ReportOpts {
  runbooks?: string;
  format?: string;
  out?: string;
  force?: boolean;
  journalDir?: string;
}

export async function reportCommand(runId: string, opts: ReportOpts): Promise<void> {
  const { file } = findRunJournal(runId, opts.journalDir);
  let contents;
  try {
    contents = readJournal(file);
  } catch (e) {
    throw new CliError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, EXIT.usage);
  }
  const badLines = contents.badLines ?? [];
  if (badLines.length) printError(`warning: journal ${badLines.length === 1 ? 'line' : 'lines'} ${badLines.join(', ')} did not parse and ${badLines.length === 1 ? 'was' : 'were'} left out of the report`);
  if (contents.torn) printError(`warning: the journal's last line was cut off and was left out of the report`);

  const start = contents.events.find((e) => e.type === 'run-started');
  const sources = start?.type === 'run-started' ? loadReportSources(start.runbook, runbooksDir(opts.runbooks)) : {};
  let model;
  try {
    model = buildPostMortem({ events: contents.events, ...sources, badLines, torn: contents.torn });
  } catch (e) {
    if (e instanceof ReportError) throw new CliError(`cannot report on ${runId}: ${e.message}`, EXIT.usage);
    throw e;
  }
  const text = opts.format === 'json' ? `${JSON.stringify(model, null, 2)}\n` : renderMarkdown(model);
  if (!opts.out) {
    process.stdout.write(text);
    return;
  }
  try {
    // 'wx' refuses an existing file atomically: a draft someone edited is never clobbered.
    writeFileSync(opts.out, text, { flag: opts.force ? 'w' : 'wx', mode: 0o600 });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new CliError(`${opts.out} exists; use --force to overwrite it`, EXIT.usage);
    throw new CliError(`cannot write ${opts.out}: ${code ?? (e as Error).message}`, EXIT.usage);
  }
  process.stderr.write(`wrote ${opts.out}\n`);
}
