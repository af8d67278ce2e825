// Turning a `run:` template into what execa gets. Without a shell the template
// is split into argv first and each word is interpolated afterwards, so a
// parameter value is always exactly one argument, whatever it contains. With
// `shell: true` values never become script text: each reaches bash as an
// environment variable the script refers to (src/commands/script-values.ts).
import { splitCommand } from '../runbook/argv.js';
import { placements, placeValues, prepareScript, PlacementError } from '../commands/script-values.js';
import { parseScript, ScriptSyntaxError } from '../commands/shell-script.js';
import { findInterpolations, stringify } from '../runbook/expressions.js';
import { hideArgvSecrets, shownArgs } from '../steps/secret-args.js';
import { hideScriptSecrets } from './script-secrets.js';
import type { Step } from '../runbook/types.js';
import type { DocPath } from '../runbook/source.js';
import type { Scope } from './scope.js';

export interface RenderedCommand {
  file: string;
  args: string[];
  /** Copy-pasteable form: argv quoted for a POSIX shell, or the script with each value shown where it goes. */
  display: string;
  shell: boolean;
  /** Environment the command needs besides the run's (the values of a shell script). */
  env?: Record<string, string>;
  /** For `shell: true`: the script with placeholders and each value, for the command model. */
  script?: { text: string; values: string[] };
}

/** Quotes one word for a POSIX shell, only when it needs it. */
export function shellQuote(word: string): string {
  if (word !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

export function displayArgv(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}

/** The script text a shell step runs, before interpolation. */
export function shellTemplate(run: string | string[]): string {
  return Array.isArray(run) ? run.join(' ') : run;
}

export function renderCommand(step: Step, stepPath: DocPath, scope: Scope): RenderedCommand {
  const run = step.run!;
  if (step.shell) return renderShell(shellTemplate(run), [...stepPath, 'run'], scope, Array.isArray(run));
  let argv: string[];
  if (Array.isArray(run)) {
    argv = run.map((word, i) => stringify(scope.interpolate(word, [...stepPath, 'run', i])));
  } else {
    let words: string[];
    try {
      words = splitCommand(run);
    } catch (e) {
      throw scope.located(`cannot split command: ${(e as Error).message}`, [...stepPath, 'run'], (e as { offset?: number }).offset ?? 0);
    }
    // The k-th interpolation of the words is the k-th of the template: errors point into the template.
    const templateOffsets = findInterpolations(run).map((i) => i.offset);
    let k = 0;
    argv = words.map((word) => {
      const n = findInterpolations(word).length;
      const offsets = templateOffsets.slice(k, k + n);
      k += n;
      return stringify(scope.interpolate(word, [...stepPath, 'run'], undefined, offsets));
    });
  }
  if (!argv.length || !argv[0]) throw scope.located('command is empty', [...stepPath, 'run']);
  // A password on the command line is readable in `ps`: runCommand moves it
  // off the argv at the spawn (environment, stdin, option file) where the
  // program allows. The argv stays as written for the command model; people
  // are shown what the child's command line will be.
  const hidden = hideArgvSecrets(argv[0], argv.slice(1));
  const display = displayArgv(hidden ? [argv[0], ...shownArgs(hidden)] : argv);
  return { file: argv[0], args: argv.slice(1), display, shell: false };
}

/** A shell step: values placed as environment variables, never spliced into the script. */
function renderShell(template: string, path: DocPath, scope: Scope, isArray: boolean): RenderedCommand {
  const prepared = prepareScript(template);
  // Array templates are joined with spaces: offsets are only exact for strings.
  const at = (offset: number) => (isArray ? 0 : offset);
  let slots;
  try {
    slots = placements(prepared, parseScript(prepared.text));
  } catch (e) {
    if (e instanceof ScriptSyntaxError) throw scope.located(`the script does not parse as bash: ${e.message}`, path, at(prepared.toTemplate(e.offset)));
    if (e instanceof PlacementError) throw scope.located(e.message, path, at(e.offset));
    throw e;
  }
  const values = prepared.interpolations.map((f) => stringify(scope.interpolate(template.slice(f.start, f.end), path, undefined, isArray ? undefined : [f.offset])));
  // Judged as written (`script`); what bash runs passes known programs their passwords off the command line.
  const hidden = hideScriptSecrets(prepared.text, values);
  const placed = hidden ? placeValues(hidden, hidden.slots, hidden.values, hidden.masked) : placeValues(prepared, slots, values);
  // bash with pipefail: a pipeline fails when any part fails, not only the last
  // (`kubectl … | grep x` must not report success when kubectl could not connect).
  return { file: 'bash', args: ['-o', 'pipefail', '-c', placed.script], display: placed.display, shell: true, env: placed.env, script: { text: prepared.text, values } };
}
