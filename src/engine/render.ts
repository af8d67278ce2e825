// Turning a `run:` template into what execa gets. Without a shell the template
// is split into argv first and each word is interpolated afterwards, so a
// parameter value is always exactly one argument, whatever it contains. With
// `shell: true` every interpolated value is shell-quoted for where it sits.
import { splitCommand } from '../runbook/argv.js';
import { findInterpolations, stringify } from '../runbook/expressions.js';
import type { Step } from '../runbook/types.js';
import type { DocPath } from '../runbook/source.js';
import type { Scope } from './scope.js';

export interface RenderedCommand {
  file: string;
  args: string[];
  /** Copy-pasteable form: argv quoted for a POSIX shell, or the shell script. */
  display: string;
  shell: boolean;
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
  if (step.shell) {
    const script = renderShellScript(shellTemplate(run), [...stepPath, 'run'], scope, Array.isArray(run));
    // bash with pipefail: a pipeline fails when any part fails, not only the last
    // (`kubectl … | grep x` must not report success when kubectl could not connect).
    return { file: 'bash', args: ['-o', 'pipefail', '-c', script], display: script, shell: true };
  }
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
  return { file: argv[0], args: argv.slice(1), display: displayArgv(argv), shell: false };
}

/** Interpolates a shell script, quoting each value for its position:
 *  bare → '…', inside '…' → close, quote, reopen; inside "…" → backslash-escape. */
export function renderShellScript(template: string, path: DocPath, scope: Scope, isArray = false): string {
  const found = findInterpolations(template);
  let out = '';
  let state: 'none' | 'single' | 'double' = 'none';
  let i = 0;
  let next = 0;
  while (i < template.length) {
    const f = found[next];
    if (f && i === f.start) {
      // Array templates are joined with spaces: offsets are only exact for strings.
      const value = stringify(scope.interpolate(template.slice(f.start, f.end), path, undefined, isArray ? undefined : [f.offset]));
      if (state === 'none') out += `'${value.replace(/'/g, `'\\''`)}'`;
      else if (state === 'single') out += `'${`'${value.replace(/'/g, `'\\''`)}'`}'`;
      else out += value.replace(/[\\"$`]/g, '\\$&');
      i = f.end;
      next++;
      continue;
    }
    const ch = template[i]!;
    if (state === 'none') {
      if (ch === '\\' && i + 1 < template.length) {
        out += ch + template[i + 1];
        i += 2;
        continue;
      }
      if (ch === "'") state = 'single';
      else if (ch === '"') state = 'double';
    } else if (state === 'single') {
      if (ch === "'") state = 'none';
    } else {
      if (ch === '\\' && i + 1 < template.length) {
        out += ch + template[i + 1];
        i += 2;
        continue;
      }
      if (ch === '"') state = 'none';
    }
    out += ch;
    i++;
  }
  return out;
}
