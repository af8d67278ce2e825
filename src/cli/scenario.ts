// oncall scenario from-run RUN_ID: a real incident becomes a drill. The
// scenario is written next to the runbooks (scenarios/<ID>/<name>.yaml),
// never over an existing one without --force, for `oncall test` to run.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { readJournal } from '../engine/journal.js';
import { runbooksDir } from '../runbook/registry.js';
import { yamlLib } from '../runbook/libraries.js';
import { FromRunError, scenarioFromEvents } from '../rehearse/from-run.js';
import { scenariosDir } from '../rehearse/scenario.js';
import { CliError, EXIT } from './exit-codes.js';
import { findRunJournal } from './journals.js';

export interface FromRunOpts {
  runbooks?: string;
  journalDir?: string;
  name?: string;
  force?: boolean;
}

const NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;

export async function fromRunCommand(runId: string, opts: FromRunOpts): Promise<void> {
  if (opts.name !== undefined && !NAME.test(opts.name)) throw new CliError(`--name "${opts.name}": use lower-case letters, digits and dashes (e.g. hot-partition)`, EXIT.usage);
  const { file } = findRunJournal(runId, opts.journalDir);
  let built;
  try {
    built = scenarioFromEvents(readJournal(file).events, runId);
  } catch (e) {
    if (e instanceof FromRunError) throw new CliError(e.message, EXIT.usage);
    throw e;
  }
  const dir = runbooksDir(opts.runbooks);
  const name = opts.name ?? `run-${runId.slice(-4)}-${runId.replace(/^.*-(\d{8})T.*$/, '$1')}`;
  const out = join(scenariosDir(dir), built.scenario.runbook, `${name}.yaml`);
  if (existsSync(out) && !opts.force) throw new CliError(`${relative(process.cwd(), out)} exists; choose another --name, or --force to replace it`, EXIT.usage);
  const { stringify } = yamlLib();
  const text = `# yaml-language-server: $schema=../../../schemas/scenario.schema.json\n# Written by oncall scenario from-run ${runId}: the answers are what that run observed (secrets were redacted in its journal).\n${stringify(built.scenario, { lineWidth: 0 })}`;
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, text);
  process.stdout.write(`wrote ${relative(process.cwd(), out)}\nrun it: oncall test ${relative(process.cwd(), out)}\n`);
}
