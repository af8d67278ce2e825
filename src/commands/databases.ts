// Database shells: the statement text is judged statement by statement
// (sql.ts, mongo); a shell with no statement on its command line runs what
// it is fed on standard input, which the model cannot read.
import type { Env, Finding, ProgramFamily, Word } from './types.js';
import { flagValue, lit, opaque, programName, write } from './words.js';
import { maskUrl } from '../shared/mask-url.js';
import { judgeMongoScript, judgeSql } from './sql.js';

interface ClientSpec {
  /** Flags whose value is a statement: short and long forms. */
  statement: string[];
  /** Flags whose value is a file of statements, or that run something else. */
  opaqueFlags: string[];
  /** Flags that need no statement (list databases, version). */
  readFlags: string[];
  dialect: 'mysql' | 'postgres';
}

const MYSQL: ClientSpec = { statement: ['-e', '--execute', '--init-command'], opaqueFlags: [], readFlags: ['--version', '-V', '--help'], dialect: 'mysql' };
const PSQL: ClientSpec = { statement: ['-c', '--command'], opaqueFlags: ['-f', '--file'], readFlags: ['-l', '--list', '--version', '-V', '--help'], dialect: 'postgres' };

/** The statement words of a client's command line (`-e SQL`, `--execute=SQL`, `-eSQL`). */
function statements(words: Word[], flags: string[]): Array<{ sql: Word; word: Word }> {
  const out: Array<{ sql: Word; word: Word }> = [];
  for (let i = 1; i < words.length; i++) {
    const w = words[i]!;
    const v = lit(w);
    if (v === undefined) continue;
    for (const f of flags) {
      if (v === f && words[i + 1]) out.push({ sql: words[i + 1]!, word: words[i + 1]! });
      else if (f.startsWith('--') && v.startsWith(`${f}=`)) out.push({ sql: { ...w, value: v.slice(f.length + 1) }, word: w });
      else if (!f.startsWith('--') && v.startsWith(f) && v.length > 2 && !v.startsWith('--')) out.push({ sql: { ...w, value: v.slice(2) }, word: w });
    }
  }
  return out;
}

function sqlClient(spec: ClientSpec): ProgramFamily['judge'] {
  return (words) => {
    const tool = programName(lit(words[0])!);
    const hidden = words.find((w, k) => k > 0 && !w.known && (w.value === '' || w.value.startsWith('-')));
    const opaqueFlag = words.find((w) => w.known && spec.opaqueFlags.some((f) => w.value === f || w.value.startsWith(`${f}=`)));
    if (opaqueFlag) return opaque(`${tool} ${opaqueFlag.value} runs statements from a file the model cannot read`, opaqueFlag);
    const found = statements(words, spec.statement);
    if (!found.length) {
      if (words.some((w) => w.known && spec.readFlags.includes(w.value))) return [];
      return opaque(`${tool} with no statement on its command line runs what it is fed on standard input`, words[0]!);
    }
    if (hidden && hidden.at < found[0]!.word.at) return opaque(`${tool} argument only known at run time`, hidden);
    const findings: Finding[] = [];
    for (const { sql, word } of found) {
      if (!sql.known) {
        findings.push(...opaque(`${tool} statement only known at run time`, word));
        continue;
      }
      const verdict = judgeSql(sql.value, spec.dialect);
      if (!verdict.read) findings.push(...write(`${tool} ${verdict.why}`, word));
    }
    return findings;
  };
}

function mongosh(words: Word[]): Finding[] {
  const tool = programName(lit(words[0])!);
  const findings: Finding[] = [];
  let scripts = 0;
  for (let i = 1; i < words.length; i++) {
    const w = words[i]!;
    const v = lit(w);
    if (v === undefined) {
      if (w.value === '' || w.value.startsWith('-')) return opaque(`${tool} argument only known at run time`, w);
      continue;
    }
    const script = v === '--eval' ? words[++i] : v.startsWith('--eval=') ? { ...w, value: v.slice(7) } : undefined;
    if (v === '--eval' || v.startsWith('--eval=')) {
      scripts++;
      if (!script || !script.known) return opaque(`${tool} --eval script only known at run time`, script ?? w);
      const verdict = judgeMongoScript(script.value);
      if (!verdict.read) findings.push(...write(`${tool} --eval ${verdict.why}`, v === '--eval' ? script : w));
      continue;
    }
    if (v === '-f' || v === '--file' || /\.js$/.test(v)) return opaque(`${tool} runs a script file the model cannot read`, w);
    if (v === '--version' || v === '--help') return [];
  }
  return scripts ? findings : opaque(`${tool} with no --eval runs what it is fed on standard input`, words[0]!);
}

const MYSQLADMIN_READS = new Set(['status', 'extended-status', 'processlist', 'variables', 'version', 'ping']);

function mysqladmin(words: Word[]): Finding[] {
  const verbs = words.slice(1).filter((w) => !w.known || !w.value.startsWith('-'));
  for (const w of verbs) {
    const v = lit(w);
    if (v === undefined) return opaque('mysqladmin command only known at run time', w);
    if (!MYSQLADMIN_READS.has(v)) return write(`mysqladmin ${v}`, w);
  }
  return [];
}

function sqlTarget(words: Word[], _env: Env): string | undefined {
  const tool = programName(words[0]?.value ?? '');
  const uri = words.slice(1).find((w) => w.known && /^(mongodb(\+srv)?|postgres(ql)?|mysql):\/\//.test(w.value));
  if (uri) return `${tool} ${maskUrl(uri.value)}`;
  const host = flagValue(words, ['-h', '--host']);
  const db = flagValue(words, ['-D', '--database', '-d', '--dbname']);
  return host || db ? `${tool} ${host ?? 'localhost'}${db ? ` database ${db}` : ''}` : undefined;
}

export const mysqlFamily: ProgramFamily = { programs: ['mysql', 'mariadb'], judge: sqlClient(MYSQL), target: sqlTarget };
export const psqlFamily: ProgramFamily = { programs: ['psql'], judge: sqlClient(PSQL), target: sqlTarget };
export const mongoFamily: ProgramFamily = { programs: ['mongosh', 'mongo'], judge: mongosh, target: sqlTarget };
export const mysqladminFamily: ProgramFamily = { programs: ['mysqladmin'], judge: mysqladmin, target: sqlTarget };
