// The mitigation choice: which options the evidence recommends (and the
// measured values that say so), how they are offered, who or what chose one
// (resume, --option, a rehearsal of all, the recommendation, the operator),
// and another option after a declined write. Running an option's steps is the
// walk's job; it comes in as `runOption`.
import type { MitigationOption } from '../runbook/types.js';
import { defined } from '../shared/defined.js';
import { Declined, describeValues, Stop, type RunCore } from './core.js';
import type { Choice } from './events.js';
import type { PromptChoice } from './prompter.js';

type RunOption = (option: MitigationOption) => Promise<void>;

/** The options with what the evidence says of each: recommended first, last resorts last. */
function recommendations(core: RunCore): Choice[] {
  const mitigate = core.o.runbook.stages.mitigate!;
  const choices: Choice[] = mitigate.options.map((opt, oi) => {
    const base = ['stages', 'mitigate', 'options', oi];
    let recommended = false;
    let values: Record<string, unknown> | undefined;
    if (opt.recommend) {
      try {
        const r = core.scope.condition(opt.recommend, [...base, 'recommend']);
        recommended = r.value;
        if (r.note) core.note(`option "${opt.id}": ${r.note}`, 'warn');
        values = core.scope.values(opt.recommend);
      } catch (e) {
        core.note(`option "${opt.id}" cannot be evaluated: ${(e as Error).message}`, 'warn');
      }
    }
    const notes: string[] = [];
    const measured = recommended && opt.evidence ? core.scope.interpolateText(opt.evidence, [...base, 'evidence'], notes) : undefined;
    const evidence = measured && core.evidenceAge ? `${measured}, measured ${core.evidenceAge} ago` : measured;
    notes.forEach((n) => core.note(n, 'warn'));
    return {
      id: opt.id,
      title: opt.title,
      recommended,
      ...defined({
        lastResort: opt.lastResort,
        evidence,
        values: values && Object.keys(values).length ? values : undefined,
        recommend: opt.recommend,
        warnings: opt.warnings,
      }),
    };
  });
  // Recommended first, last resorts last, runbook order otherwise.
  const rank = (c: Choice): number => (c.recommended ? 0 : c.lastResort ? 2 : 1);
  return choices.map((c, i) => ({ c, i })).sort((a, b) => rank(a.c) - rank(b.c) || a.i - b.i).map((x) => x.c);
}

function promptChoices(choices: Choice[], exclude: string[] = []): PromptChoice[] {
  return choices
    .filter((c) => !exclude.includes(c.id))
    .map((c) => ({
      value: c.id,
      label: `${c.recommended ? '★ ' : ''}${c.title} (${c.id})${c.lastResort ? ' — last resort' : ''}`,
      ...(c.recommended ? { hint: [c.evidence, c.values ? describeValues(c.values) : ''].filter(Boolean).join(' — ') } : {}),
    }));
}

/** Offers the options, takes one (or, rehearsing, all) and runs it through `runOption`.
 *  Returns the options tried, the one that ran to its end last. */
export async function chooseAndRun(core: RunCore, runOption: RunOption): Promise<string[]> {
  const o = core.o;
  const mitigate = o.runbook.stages.mitigate!;
  const choices = recommendations(core);
  const question = mitigate.choose ?? 'Which mitigation?';
  const byId = new Map(mitigate.options.map((opt) => [opt.id, opt]));
  const validIds = mitigate.options.map((opt) => opt.id).join(', ');
  core.emit({ type: 'decision-needed', decision: 'option', question, choices });
  const rehearseAll = async (approver?: string): Promise<string[]> => {
    for (const c of choices) {
      core.emit({ type: 'decision-made', decision: 'option', value: c.id, by: 'rehearsal', ...defined({ approver }) });
      await runOption(byId.get(c.id)!);
    }
    return choices.map((c) => c.id);
  };

  const interactive = o.prompter.interactive;
  let chosen: string;
  const restored = o.resume?.option;
  if (restored && byId.has(restored)) {
    chosen = restored;
    core.note(`continuing with option "${restored}" chosen before the restart`);
  } else if (o.option) {
    if (!byId.has(o.option)) throw new Stop('failed', 2, `unknown option "${o.option}"; valid: ${validIds}`);
    chosen = o.option;
    core.emit({ type: 'decision-made', decision: 'option', value: chosen, by: 'flag', approver: core.user });
  } else if (o.dryRun && !interactive) {
    // A rehearsal without a choice walks every option, so every write is seen.
    return rehearseAll();
  } else if (!interactive) {
    const top = choices.find((c) => c.recommended);
    if (!top) {
      throw new Stop('stopped', 3, `no mitigation option is recommended by the evidence; choose one with --option ID (valid: ${validIds})`, '--option ID');
    }
    chosen = top.id;
    core.emit({ type: 'decision-made', decision: 'option', value: chosen, by: 'auto-selected: recommended' });
  } else {
    const extra: PromptChoice[] = [];
    if (o.dryRun) extra.push({ value: '__all', label: 'Rehearse every option' });
    extra.push({ value: '__stop', label: 'Stop here: no mitigation' });
    const answer = await core.ask(o.prompter.choose(core.redactor.string(question), [...promptChoices(choices), ...extra]));
    if (answer === '__stop') throw new Stop('stopped', 3, 'stopped by the operator before mitigation');
    if (answer === '__all') return rehearseAll(core.user);
    chosen = answer;
    core.emit({ type: 'decision-made', decision: 'option', value: chosen, by: 'operator', approver: core.user });
  }

  return runOffering(core, chosen, [], runOption);
}

/** Runs `chosen`; a declined write offers the options not tried yet, or a stop. */
async function runOffering(core: RunCore, first: string, before: string[], runOption: RunOption): Promise<string[]> {
  const o = core.o;
  const byId = new Map(o.runbook.stages.mitigate!.options.map((opt) => [opt.id, opt]));
  const tried = [...before];
  let chosen = first;
  for (;;) {
    try {
      await runOption(byId.get(chosen)!);
      return [...tried, chosen];
    } catch (e) {
      if (!(e instanceof Declined)) throw e;
      const choices = recommendations(core);
      tried.push(chosen);
      const answer = await core.ask(
        o.prompter.choose(`Declined "${e.stepId}". Take another option, or stop?`, [
          ...promptChoices(choices, tried),
          { value: '__stop', label: `Stop here (resume later with oncall resume ${core.runId}${o.resumeFlags ?? ''})` },
        ]),
      );
      if (answer === '__stop') throw new Stop('stopped', 3, `stopped before write step "${e.stepId}": declined by ${core.user}`);
      chosen = answer;
      core.emit({ type: 'decision-made', decision: 'option', value: chosen, by: 'operator', approver: core.user });
    }
  }
}

/** Resolve did not pass (interactive): the options not tried yet, recommended
 *  first on the refreshed evidence, or a stop. Returns the options tried, or
 *  undefined when the operator stops here. */
export async function tryAnother(core: RunCore, tried: string[], failed: string[], runOption: RunOption): Promise<string[] | undefined> {
  const o = core.o;
  const choices = recommendations(core);
  const left = choices.filter((c) => !tried.includes(c.id));
  if (!left.length) return undefined;
  const question = `Resolve not verified (${failed.join(', ')} did not pass) after ${tried.map((t) => `"${t}"`).join(', ')}. Take another option, or stop?`;
  core.emit({ type: 'decision-needed', decision: 'option', question, choices: left });
  const answer = await core.ask(
    o.prompter.choose(core.redactor.string(question), [...promptChoices(choices, tried), { value: '__stop', label: 'Stop here: the incident is not resolved' }]),
  );
  if (answer === '__stop') return undefined;
  core.emit({ type: 'decision-made', decision: 'option', value: answer, by: 'operator', approver: core.user });
  return runOffering(core, answer, tried, runOption);
}
