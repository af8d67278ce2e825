// The checks a scenario's schema cannot make, because they need its runbook:
// every step id and option id exists, each answer has the shape of its step
// (a check's result in its step type's result shape, a command's exit and
// output), and no resolve condition is false with every answer given.
import { dirname, resolve } from 'node:path';
import type { Diagnostic } from '../runbook/diagnostic.js';
import { loadFile } from '../runbook/load.js';
import { findRunbook } from '../runbook/registry.js';
import { evaluateExpression } from '../runbook/expressions.js';
import { suggest } from '../runbook/schema.js';
import { resultProblems } from '../lint/result-shape.js';
import { locateRange, type DocPath } from '../runbook/source.js';
import type { Runbook, Step } from '../runbook/types.js';
import { buildModel } from '../lint/model.js';
import type { Answer, LoadedScenario, StepAnswers } from './scenario.js';

const RULE = 'scenario';

function answersOf(a: StepAnswers): Array<{ answer: Answer; path: DocPath }> {
  if (!a.sequence?.length) return [{ answer: a, path: [] }];
  return a.sequence.map((answer, i) => ({ answer, path: ['sequence', i] }));
}

/** Every place the scenario answers a step: the story's start and each `after`. */
function allAnswers(loaded: LoadedScenario): Array<{ id: string; answers: StepAnswers; path: DocPath }> {
  const sc = loaded.scenario;
  const out = Object.entries(sc.steps ?? {}).map(([id, answers]) => ({ id, answers, path: ['steps', id] as DocPath }));
  for (const [i, after] of (sc.after ?? []).entries()) {
    for (const [id, answers] of Object.entries(after.steps ?? {})) out.push({ id, answers, path: ['after', i, 'steps', id] });
  }
  return out;
}

/** The value conditions see as `result` for this answer. */
function resultOf(step: Step, a: Answer): unknown {
  if (step.run === undefined) return a.result ?? {};
  const stdout = a.stdout ?? '';
  let json: unknown;
  try {
    json = step.parse === 'json' ? JSON.parse(stdout) : undefined;
  } catch {
    json = undefined;
  }
  return { exitCode: a.exit ?? 0, stdout, stderr: a.stderr ?? '', lines: stdout.split('\n').filter(Boolean), ...(json !== undefined ? { json } : {}), failed: (a.exit ?? 0) !== 0 };
}

export function lintScenario(loaded: LoadedScenario, runbook: Runbook): Diagnostic[] {
  const out: Diagnostic[] = [];
  const sc = loaded.scenario;
  const report = (path: DocPath, message: string, on: 'key' | 'value' = 'value', severity: Diagnostic['severity'] = 'error'): void => {
    out.push({ file: loaded.file, ...locateRange(loaded.source, path, on), path: [...path], severity, ruleId: RULE, message });
  };
  const steps = new Map(buildModel(runbook).steps.map((n) => [n.step.id, n.step]));
  const known = [...steps.keys()];
  const options = runbook.stages.mitigate?.options.map((o) => o.id) ?? [];
  const dirId = loaded.file.split(/[\\/]/).at(-2);
  if (dirId && /^[A-Z][A-Z0-9]*-[0-9]{3,}$/.test(dirId) && dirId !== sc.runbook) report(['runbook'], `the scenario is in the directory of ${dirId} but rehearses ${sc.runbook}`);

  for (const { id, answers, path } of allAnswers(loaded)) {
    const step = steps.get(id);
    if (!step) {
      report(path, `${runbook.id} has no step "${id}"${near(id, known)}`, 'key');
      continue;
    }
    for (const { answer, path: sub } of answersOf(answers)) {
      const p = [...path, ...sub];
      if (step.manual !== undefined || step.message !== undefined) {
        const allowed = step.manual !== undefined ? '"takes" and "fails" (what the check finds when it does not pass) apply' : 'only "takes" applies';
        const extra = step.manual !== undefined ? (['result', 'exit', 'stdout', 'stderr'] as const) : (['result', 'exit', 'stdout', 'stderr', 'fails'] as const);
        for (const k of extra) if (k in answer) report([...p, k], `step "${id}" is a ${step.manual !== undefined ? 'manual step' : 'message'}: ${allowed}`, 'key');
        continue;
      }
      if (step.run !== undefined) {
        if ('result' in answer) report([...p, 'result'], `step "${id}" runs a command: answer it with exit, stdout and stderr, not result`, 'key');
        if (step.parse === 'json' && answer.stdout !== undefined && !answer.fails) {
          try {
            JSON.parse(answer.stdout);
          } catch (e) {
            report([...p, 'stdout'], `step "${id}" parses its output as JSON, but this stdout is not JSON: ${(e as Error).message}`);
          }
        }
        continue;
      }
      for (const k of ['exit', 'stdout', 'stderr'] as const) if (k in answer) report([...p, k], `step "${id}" is a check (${step.check}): answer it with result, not ${k}`, 'key');
      if ('result' in answer) {
        // The step type's own result shape; fields left out are fine, fields it never has are not.
        for (const problem of resultProblems(step.check!, answer.result, { partial: true })) {
          report([...p, 'result', ...problem.at], `not a ${step.check} result: ${problem.message}`, problem.on);
        }
      }
    }
  }

  for (const [i, after] of (sc.after ?? []).entries()) {
    const ran = Array.isArray(after.ran) ? after.ran : [after.ran];
    ran.forEach((id, j) => {
      if (!steps.has(id)) report(['after', i, 'ran', ...(Array.isArray(after.ran) ? [j] : [])], `${runbook.id} has no step "${id}"${near(id, known)}`);
    });
  }
  const exp = sc.expect;
  if (exp.recommended && !options.includes(exp.recommended)) report(['expect', 'recommended'], `${runbook.id} has no option "${exp.recommended}"; options: ${options.join(', ')}`);
  exp.resolves.forEach((id, i) => {
    if (!options.includes(id)) report(['expect', 'resolves', i], `${runbook.id} has no option "${id}"; options: ${options.join(', ')}`);
  });
  unsatisfiable(loaded, runbook, steps, report);
  return out;
}

/** A resolve condition that is false with every answer the scenario gives its step can never pass. */
function unsatisfiable(loaded: LoadedScenario, runbook: Runbook, steps: Map<string, Step>, report: (path: DocPath, message: string, on: 'key' | 'value') => void): void {
  const answered = allAnswers(loaded);
  const params = Object.fromEntries(Object.entries(runbook.params ?? {}).map(([k, p]) => [k, loaded.scenario.params?.[k] ?? (p as { default?: unknown }).default ?? null]));
  const latest: Record<string, unknown> = {};
  for (const { id, answers } of answered) {
    const step = steps.get(id);
    const last = answersOf(answers).at(-1)?.answer;
    if (step && last) latest[id] = { status: 'ok', result: resultOf(step, last) };
  }
  for (const step of runbook.stages.resolve.steps ?? []) {
    const condition = step.until?.condition ?? step.expect;
    if (!condition) continue;
    const mine = answered.filter((a) => a.id === step.id);
    if (!mine.length) continue;
    const tries = mine.flatMap((a) => answersOf(a.answers).filter((x) => !x.answer.fails).map((x) => ({ ...x, at: [...a.path, ...x.path] })));
    if (!tries.length) continue;
    let anyTrue = false;
    let judged = 0;
    for (const t of tries) {
      try {
        if (evaluateExpression(condition, { result: resultOf(step, t.answer), steps: latest, params, env: {}, clock: { elapsedMinutes: 0, elapsedSeconds: 0 } }) === true) anyTrue = true;
        judged++;
      } catch {
        /* a value the scenario leaves out: oncall test will say which */
      }
    }
    if (judged === tries.length && !anyTrue) {
      report(mine.at(-1)!.path, `resolve step "${step.id}" can never pass in this scenario: ${condition} is false with every answer given`, 'key');
    }
  }
}

function near(id: string, known: string[]): string {
  const close = suggest(id, known);
  return close ? ` (did you mean "${close}"?)` : '';
}

/** `oncall lint` of a scenario file: its runbook is the one it names, from the
 *  runbooks directory the scenario sits in (runbooks/scenarios/<ID>/), else `fallbackDir`. */
export function lintScenarioText(file: string, source: LoadedScenario['source'], value: unknown, fallbackDir: string): Diagnostic[] {
  const scenario = value as LoadedScenario['scenario'];
  const loaded: LoadedScenario = { file, name: file.replace(/^.*[\\/]/, '').replace(/\.ya?ml$/, ''), source, scenario, diagnostics: [] };
  for (const dir of [resolve(dirname(file), '..', '..'), fallbackDir]) {
    let entry;
    try {
      entry = findRunbook(dir, scenario.runbook);
    } catch {
      continue;
    }
    const runbook = loadFile(entry.file);
    if (runbook.diagnostics.length) return [at(loaded, ['runbook'], `its runbook ${entry.file} is not valid; lint it first`)];
    return lintScenario(loaded, runbook.value as Runbook);
  }
  return [at(loaded, ['runbook'], `no runbook ${scenario.runbook} in ${resolve(dirname(file), '..', '..')} or ${fallbackDir}`)];
}

function at(loaded: LoadedScenario, path: DocPath, message: string): Diagnostic {
  return { file: loaded.file, ...locateRange(loaded.source, path), path: [...path], severity: 'error', ruleId: RULE, message };
}
