// Judging a command right before it is spawned: the rendered argv, or the
// prepared script with its real values. The engine runs every step through
// this; what it finds decides whether the step needs an approval.
import { commandTargets, judgeCommand, judgeParsed, knownWords } from './index.js';
import { unwrap } from './wrappers.js';
import { lit, programName } from './words.js';
import { parseScript, ScriptSyntaxError } from './shell-script.js';
import type { Env, Finding, SimpleCommand } from './types.js';

export interface RenderedForJudging {
  file: string;
  args: readonly string[];
  /** For `shell: true`: the script with placeholders and the value of each. */
  script?: { text: string; values: readonly string[] };
}

export interface RenderedJudgement {
  findings: Finding[];
  /** The programs it runs (wrappers looked through), e.g. to read their error replies. */
  programs: string[];
  /** What the command acts on, for the approval prompt. */
  target?: string;
}

/** Judgements by rendered command: the same command (a rehearsal walks each
 *  option of each scenario, a poll renders the same step again) parses once. */
const judged = new Map<string, { commands: SimpleCommand[]; findings: Finding[] }>();
const JUDGED_MAX = 1000;

export function judgeRendered(cmd: RenderedForJudging, env: Env): RenderedJudgement {
  const key = JSON.stringify(cmd.script ? [cmd.script.text, cmd.script.values] : [cmd.file, cmd.args]);
  let known = judged.get(key);
  if (!known) {
    const fresh = judgeWords(cmd);
    if ('early' in fresh) return fresh.early;
    known = fresh;
    if (judged.size >= JUDGED_MAX) judged.delete(judged.keys().next().value!);
    judged.set(key, known);
  }
  const { commands, findings } = known;
  const target = commandTargets(commands, env);
  const programs = [...new Set(commands.map((c) => lit(unwrap(c.words)[0])).filter((n): n is string => !!n).map(programName))];
  return { findings, programs, ...(target ? { target } : {}) };
}

function judgeWords(cmd: RenderedForJudging): { commands: SimpleCommand[]; findings: Finding[] } | { early: RenderedJudgement } {
  let commands: SimpleCommand[];
  let findings: Finding[];
  if (cmd.script) {
    const values = cmd.script.values;
    const valueOf = (n: number) => values[n];
    try {
      const parsed = parseScript(cmd.script.text, valueOf);
      commands = parsed.commands;
      findings = judgeParsed(parsed, { placeholderValue: valueOf });
    } catch (e) {
      if (!(e instanceof ScriptSyntaxError)) throw e;
      const word = { value: '', known: false, at: e.offset };
      return { early: { findings: [{ kind: 'opaque', what: `the script does not parse (${e.message})`, word }], programs: [] } };
    }
  } else {
    const words = knownWords([cmd.file, ...cmd.args]);
    commands = [{ words, stdin: false }];
    findings = judgeCommand(words);
  }
  return { commands, findings };
}

/** "runs \"kubectl delete\"", for the note that turns a declared read into a write. */
export function describeFindings(findings: readonly Finding[]): string | undefined {
  const f = findings.find((x) => x.kind === 'write' || x.kind === 'opaque');
  if (!f) return undefined;
  return f.kind === 'write' ? `runs "${f.what}"` : `cannot be shown to read: ${f.what}`;
}
