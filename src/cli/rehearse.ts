// oncall rehearse <ID>: practise an incident on its runbook. A scenario gives
// the story, every step's result and how long it takes; the simulated clock
// jumps instead of waiting; the operator chooses and approves as in a live
// run; the end is a score card. Nothing is spawned and no socket is opened.
import { randomInt } from 'node:crypto';
import { Chalk } from 'chalk';
import { formatDiagnosticLine } from '../runbook/diagnostic.js';
import { runbooksDir } from '../runbook/registry.js';
import { parseDuration } from '../shared/duration.js';
import { loadScenario, scenariosOf, type LoadedScenario } from '../rehearse/scenario.js';
import { PathPrompter } from '../rehearse/path-prompter.js';
import { rehearse, startOf } from '../rehearse/rehearsal.js';
import { describeCard } from '../rehearse/score.js';
import { sealProcess } from '../rehearse/sealed.js';
import { baseSetup, SetupError, type BaseSetup } from '../rehearse/setup.js';
import { bestPath } from '../rehearse/best-path.js';
import { jsonLines } from '../ui/json.js';
import { isInteractive, makePrompter, useColorFor, exitWhenFlushed } from '../ui/session.js';
import { terminalScreen } from '../ui/screen.js';
import { TerminalRenderer } from '../ui/terminal.js';
import { CliError, EXIT } from './exit-codes.js';
import { loadRunbookById } from './catalog-loader.js';
import { checkOption } from './run.js';

export interface RehearseOpts {
  runbooks?: string;
  color?: boolean;
  scenario?: string;
  option?: string;
  set?: string[];
  nonInteractive?: boolean;
  json?: boolean;
}

/** The scenario named, or (a drill: the operator should not know the cause) a random one; scripted runs take the first. */
export function pickScenario(dir: string, id: string, name: string | undefined, interactive: boolean): LoadedScenario {
  const files = scenariosOf(dir, id);
  if (!files.length) throw new CliError(`${id} has no scenarios (${dir}/scenarios/${id}/*.yaml); write one, or make one from a run with oncall scenario from-run RUN_ID`, EXIT.usage);
  const names = files.map((f) => f.replace(/^.*\//, '').replace(/\.ya?ml$/, ''));
  let file: string;
  if (name !== undefined) {
    const i = names.indexOf(name);
    if (i < 0) throw new CliError(`${id} has no scenario "${name}"; scenarios: ${names.join(', ')}`, EXIT.usage);
    file = files[i]!;
  } else {
    file = interactive ? files[randomInt(files.length)]! : files[0]!;
  }
  const loaded = loadScenario(file);
  if (loaded.diagnostics.length) throw new CliError(`invalid scenario: ${formatDiagnosticLine(loaded.diagnostics[0]!)}`, EXIT.usage);
  if (loaded.scenario.runbook !== id) throw new CliError(`${file} rehearses ${loaded.scenario.runbook}, not ${id}`, EXIT.usage);
  return loaded;
}

export async function rehearseCommand(givenId: string, opts: RehearseOpts): Promise<void> {
  const dir = runbooksDir(opts.runbooks);
  const interactive = !opts.json && isInteractive(opts);
  // An unknown id is the same one-line error (with the closest ids) as for run.
  const id = loadRunbookById(dir, givenId).runbook.id;
  const loaded = pickScenario(dir, id, opts.scenario, interactive);
  let base: BaseSetup;
  try {
    base = baseSetup(dir, loaded);
  } catch (e) {
    if (e instanceof SetupError) throw new CliError(e.message, EXIT.usage);
    throw e;
  }
  checkOption(base.runbook, opts.option);
  // From here on this process may not spawn or connect: the scenario is the world.
  sealProcess();
  const screen = terminalScreen();
  const color = useColorFor(opts);
  const c = new Chalk({ level: color ? 1 : 0 });
  const say = (text: string): void => {
    if (!opts.json) screen.print(text);
  };
  const sc = loaded.scenario;
  say(`${c.bold(`Rehearsal: ${base.runbook.id} ${base.runbook.title}`)} — scenario "${loaded.name}"${interactive && !opts.scenario ? ' (picked at random)' : ''}\n`);
  say(`${sc.story.trim()}\n`);
  say(c.dim(`Simulated clock from ${new Date(startOf(sc)).toISOString().slice(11, 16)} UTC: each step takes its time in the story, nothing waits; nothing leaves this machine.\n\n`));
  const subscriber = opts.json ? jsonLines((text) => screen.print(text, { wrap: false })) : new TerminalRenderer({ write: (text) => screen.print(text), color }).subscriber;
  let r;
  try {
    r = await rehearse({
      ...base,
      prompter: interactive ? makePrompter(opts) : new PathPrompter(opts.option),
      ...(opts.option ? { option: opts.option } : {}),
      sets: opts.set ?? [],
      subscribers: [subscriber],
    });
  } catch (e) {
    if ((e as Error).name === 'ParamError') throw new CliError((e as Error).message, EXIT.usage);
    throw e;
  }
  const budgetMs = parseDuration(sc.expect.budget);
  const best = await bestPath(base, sc.expect.resolves);
  const judged = describeCard(r.card, budgetMs, best);
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ type: 'score', scenario: loaded.name, ...r.card, budgetMs, best, withinBudget: judged.withinBudget })}\n`);
  } else {
    say(`\n${c.bold('Score')}\n${judged.lines.map((l) => `  ${l}`).join('\n')}\n`);
  }
  await exitWhenFlushed(r.result.exitCode);
}
