// The command model: one answer, for lint, the engine's pre-spawn check and
// the approval prompt, to "does this command write?" and "what does it
// touch?". A command is a read only when its program family knows that its
// sub-command only reads; every family is one file of this folder.
import { awsFamily, azFamily, dockerFamily, gcloudFamily, terraformFamily } from './cloud.js';
import { mongoFamily, mysqladminFamily, mysqlFamily, psqlFamily } from './databases.js';
import { http, httpieFamily, wgetFamily } from './http.js';
import { kafka, kcatFamily } from './kafka.js';
import { helmFamily, kubernetes } from './kubernetes.js';
import { redis } from './redis.js';
import { parseScript, ScriptSyntaxError, type ParsedScript } from './shell-script.js';
import { opaquePrograms, shells } from './shells.js';
import { system } from './system.js';
import type { Env, Finding, Judge, ProgramFamily, SimpleCommand, Word } from './types.js';
import { lit, opaque, programName } from './words.js';
import { unwrap, wrappers } from './wrappers.js';

export type { Env, Finding, SimpleCommand, Word } from './types.js';
export { ScriptSyntaxError } from './shell-script.js';

/** Every family, in the order names are looked up. */
const FAMILIES: readonly ProgramFamily[] = [
  kubernetes, helmFamily, redis, kafka, kcatFamily, http, wgetFamily, httpieFamily, mysqlFamily, psqlFamily, mongoFamily, mysqladminFamily,
  wrappers, shells, opaquePrograms, awsFamily, gcloudFamily, azFamily, terraformFamily, dockerFamily, system,
];

const byName = new Map<string, ProgramFamily>();
const byTest: ProgramFamily[] = [];
for (const f of FAMILIES) {
  if (typeof f.programs === 'function') byTest.push(f);
  else for (const name of f.programs) if (!byName.has(name)) byName.set(name, f);
}

export function familyOf(program: string): ProgramFamily | undefined {
  return byName.get(program) ?? byTest.find((f) => (f.programs as (n: string) => boolean)(program));
}

export interface JudgeOptions {
  /** Values of `${{ }}` placeholders in scripts (known at run time). */
  placeholderValue?: (n: number) => string | undefined;
}

const MAX_DEPTH = 8;

function judgeFor(opts: JudgeOptions, depth: number, functions: ReadonlySet<string>): Judge {
  return {
    command: (words, stdin = false) => judgeWords(words, stdin, opts, depth + 1, functions),
    script(word) {
      const script = word.script ?? (word.known ? { text: word.value, at: word.at } : undefined);
      if (!script) return opaque('a script only known at run time', word);
      try {
        return judgeParsed(parseScript(script.text, opts.placeholderValue, script.at), opts, depth + 1);
      } catch (e) {
        if (e instanceof ScriptSyntaxError) return opaque(`the nested script does not parse (${e.message})`, word);
        throw e;
      }
    },
  };
}

function judgeWords(words: Word[], stdin: boolean, opts: JudgeOptions, depth: number, functions: ReadonlySet<string>): Finding[] {
  const first = words[0];
  if (!first) return [];
  if (depth > MAX_DEPTH) return opaque('commands nested too deep to follow', first);
  const name = lit(first);
  if (name === undefined || name === '') return opaque('a command name only known at run time', first);
  if (functions.has(name)) return [];
  const program = programName(name);
  const family = familyOf(program);
  if (!family) return [{ kind: 'unverified', what: program, word: first }];
  return family.judge(words, judgeFor(opts, depth, functions), stdin);
}

/** Findings for one command given as argv (no shell). Empty: a proven read. */
export function judgeCommand(words: Word[], opts: JudgeOptions = {}, stdin = false): Finding[] {
  return judgeWords(words, stdin, opts, 0, new Set());
}

/** Findings for every command and construct of a parsed script. */
export function judgeParsed(parsed: ParsedScript, opts: JudgeOptions = {}, depth = 0): Finding[] {
  const out = [...parsed.findings];
  for (const c of parsed.commands) out.push(...judgeWords(c.words, c.stdin, opts, depth, parsed.functions));
  return out;
}

/** Words of an argv whose every value is known (a rendered command). */
export function knownWords(argv: readonly string[]): Word[] {
  return argv.map((value, i) => ({ value, known: true, at: 0, part: i }));
}

/** What the commands act on, for the approval prompt: one line per distinct target. */
export function commandTargets(commands: readonly SimpleCommand[], env: Env): string | undefined {
  const targets = new Set<string>();
  for (const c of commands) {
    const words = unwrap(c.words);
    const name = lit(words[0]);
    if (!name) continue;
    const t = familyOf(programName(name))?.target?.(words, env);
    if (t) targets.add(t);
  }
  return targets.size ? [...targets].join('; ') : undefined;
}

/** A finding that keeps a step from being a read (a KEYS call or an unverified program does not). */
export const isWrite = (f: Finding): boolean => f.kind === 'write' || f.kind === 'opaque';
