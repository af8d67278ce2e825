// `oncall run --alert FILE|-`: the runbook an alert calls for, with the values
// its labels give. One match runs; several are asked about (refused, listed,
// when nobody can be asked); none exits 1 with the closest runbooks. A label
// value that fails its parameter's check stops the run: it must never start
// quietly on a default the alert contradicts.
import { resolve } from 'node:path';
import { AlertInputError } from '../alerts/payload.js';
import { chooseRunbookForAlert, type AlertChoice } from '../alerts/resolve.js';
import type { AlertRef } from '../engine/events.js';
import type { Prompter } from '../engine/prompter.js';
import { escapeControls } from '../ui/control-chars.js';
import { readInput } from './alert.js';
import { loadAll } from './catalog-loader.js';
import { CliError, EXIT } from './exit-codes.js';

export interface AlertStart {
  id: string;
  /** Values from the alert's labels, as `--set` pairs (an explicit --set wins). */
  sets: string[];
  alert: AlertRef;
}

export async function runbookForAlert(file: string, runbooksDir: string, prompter: Prompter, explicitRunbooks?: string): Promise<AlertStart> {
  const { text, name } = await readInput(file);
  let choice;
  try {
    choice = chooseRunbookForAlert(text, loadAll(runbooksDir).runbooks, explicitRunbooks ? { runbooks: resolve(explicitRunbooks) } : {});
  } catch (e) {
    if (e instanceof AlertInputError) throw new CliError(`${name}${e.line !== undefined ? `:${e.line}:${e.column}` : ''}: ${escapeControls(e.message)}`, EXIT.usage);
    throw e;
  }
  if (choice.kind === 'nothing-firing') throw new CliError(`${name}: no firing alert (resolved alerts start no run)`, EXIT.problems);
  if (choice.kind === 'none') {
    const alert = choice.report.outcomes.find((o) => !o.ignored)!;
    const closest = alert.closest.map((c) => c.runbook.id).join(', ');
    throw new CliError(`no runbook matches alert ${safe(alert.alert.name)}${closest ? `; closest: ${closest} (see oncall alert)` : ''}`, EXIT.problems);
  }
  const chosen = choice.kind === 'one' ? choice.choice : await pick(choice.choices, prompter);
  const rejected = chosen.match.params.rejected;
  if (rejected.length) {
    const what = safe(rejected.map((r) => `${r.param} (${r.source}: ${r.reason})`).join('; '));
    throw new CliError(`alert ${safe(chosen.alert.name)}: ${what} did not pass the parameter's check; not starting ${chosen.match.runbook.id} on a default (oncall alert shows why)`, EXIT.usage);
  }
  const a = chosen.alert;
  return {
    id: chosen.match.runbook.id,
    sets: Object.entries(chosen.match.params.values).map(([k, v]) => `${k}=${v}`),
    alert: { name: a.name, labels: a.labels, ...(a.startsAt ? { startsAt: a.startsAt } : {}), ...(a.fingerprint ? { fingerprint: a.fingerprint } : {}) },
  };
}

async function pick(choices: AlertChoice[], prompter: Prompter): Promise<AlertChoice> {
  if (!prompter.interactive) {
    const list = choices.map((c) => c.match.command).join('; ');
    throw new CliError(`the alert matches ${choices.length} runbooks; run one of them: ${list}`, EXIT.usage);
  }
  const answer = await prompter.choose(
    'The alert matches several runbooks. Which one?',
    choices.map((c, i) => ({ value: String(i), label: `${c.match.runbook.id} · ${c.match.runbook.title} (${safe(c.alert.name)})`, hint: c.match.why })),
  );
  return choices[Number(answer)]!;
}

const safe = (text: string) => escapeControls(text).replace(/\n/g, '\\n');
