// Shells and interpreters. `bash -c '…'` is judged by its script when the
// script is written out; a shell reading its standard input or a file, eval,
// source, and `python -c`/`perl -e`/`node -e` run code the model cannot read.
import type { Finding, Judge, ProgramFamily, Word } from './types.js';
import { lit, opaque, programName } from './words.js';

export const SHELL_PROGRAMS = ['sh', 'bash', 'dash', 'zsh', 'ash', 'ksh', 'mksh'];

function shell(words: Word[], judge: Judge, stdin: boolean): Finding[] {
  const tool = programName(lit(words[0])!);
  for (let i = 1; i < words.length; i++) {
    const w = words[i]!;
    if (!w.known) return opaque(`${tool} runs a script only known at run time`, words[0]!);
    const v = w.value;
    if (v === '-o' || v === '+o' || v === '-O' || v === '+O') {
      i++;
      continue;
    }
    if (/^-[a-zA-Z]*c[a-zA-Z]*$/.test(v)) {
      let s = i + 1;
      if (lit(words[s]) === '--') s++;
      const script = words[s];
      if (script && !script.known && !script.script) return opaque(`${tool} -c runs a script only known at run time`, words[0]!);
      return script ? judge.script(script) : [];
    }
    if (v === '--version' || v === '--help') return [];
    if (v.startsWith('-') || v.startsWith('+')) continue;
    return opaque(`${tool} runs the script file ${v}, which the model cannot read`, words[0]!);
  }
  return opaque(stdin ? `${tool} runs the commands fed on its standard input` : `${tool} with no script starts a shell`, words[0]!);
}

const INTERPRETERS = ['python', 'python2', 'python3', 'perl', 'ruby', 'node', 'nodejs', 'deno', 'bun', 'php', 'lua', 'Rscript', 'tclsh', 'expect', 'osascript', 'pwsh', 'java', 'groovy'];

export const shells: ProgramFamily = {
  programs: SHELL_PROGRAMS,
  judge: shell,
};

/** Programs that run code or strings the model does not parse. */
export const opaquePrograms: ProgramFamily = {
  programs: (name) => ['eval', 'source', '.', 'trap', 'alias', 'busybox', 'su', 'ssh', 'parallel', 'at', 'batch', 'script', 'make'].includes(name) || INTERPRETERS.includes(name) || /^python3\.\d+$/.test(name),
  judge(words) {
    const name = lit(words[0])!;
    return opaque(`${programName(name)} runs code the model cannot read`, words[0]!);
  },
};
