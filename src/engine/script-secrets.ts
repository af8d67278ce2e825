// A `shell: true` script keeps its values in bash's environment, but a
// command inside it that takes a password as an argument (`redis-cli -a
// "$ONCALL_V1"`) puts it back on a command line, readable in `ps`. For the
// programs secret-args.ts knows, that command is rewritten in the executed
// script so the secret travels the way the program allows:
//   redis-cli -a "$V" PING          → REDISCLI_AUTH="$V" redis-cli PING
//   psql "postgres://u:$V@h/db"     → PGPASSWORD="$V2" psql "$V3"
//   curl -H "Authorization: $V" URL → curl -K <(printf '%s' "$V2") URL
//   mysql -p"$V" -h db              → mysql --defaults-extra-file=<(printf '%s' "$V2") -h db
// `printf` is a builtin: the text never becomes anyone's argv. Every changed
// word becomes a new value (ONCALL_Vn), never script text. The runbook's
// script is judged as written; only what bash runs is rewritten, and a rewrite
// that does not place cleanly is dropped (the script then runs as written).
import { parseScript, PLACEHOLDER, placeholder, type CallInfo, type Slot } from '../commands/shell-script.js';
import type { SimpleCommand } from '../commands/types.js';
import { hideArgvSecrets, SECRET_FILE } from '../steps/secret-args.js';

export interface HiddenScript {
  /** The script with placeholders, rewritten. */
  text: string;
  /** The original values, then the new ones. */
  values: string[];
  slots: Slot[];
  /** Values that are secrets (shown as ***). */
  masked: Set<number>;
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

// A word only known when the shell runs, standing for itself in the argv
// (NUL: no value can hold one, an environment variable cannot).
const sentinel = (k: number) => `\u0000word${k}\u0000`;
// eslint-disable-next-line no-control-regex
const SENTINEL = /^\u0000word(\d+)\u0000$/;
// eslint-disable-next-line no-control-regex
const HAS_SENTINEL = /\u0000word\d+\u0000/;
const HAS_PLACEHOLDER = new RegExp(PLACEHOLDER.source);
/** Options secret-args.ts adds of its own: script text, not values. */
const OWN_FLAGS = new Set(['-K', '--user']);

type Step = { keep: [number, number] } | { drop: number } | { add: number };

/** Longest common subsequence of two word lists, as keep / drop / add steps. */
function align(a: readonly string[], b: readonly string[]): Step[] {
  const L: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) for (let j = b.length - 1; j >= 0; j--) L[i]![j] = a[i] === b[j] ? L[i + 1]![j + 1]! + 1 : Math.max(L[i + 1]![j]!, L[i]![j + 1]!);
  const steps: Step[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) steps.push({ keep: [i++, j++] });
    else if (j < b.length && (i === a.length || L[i]![j + 1]! >= L[i + 1]![j]!)) steps.push({ add: j++ });
    else steps.push({ drop: i++ });
  }
  return steps;
}

/** The edits that move one command's secrets, given a way to mint new values; undefined when it has none to move. */
function commandEdits(text: string, cmd: SimpleCommand, info: CallInfo, mint: (value: string, secret: boolean) => string): Edit[] | undefined {
  const words = cmd.words;
  if (info.backquote || words.length < 2 || !words[0]!.known) return undefined;
  const source = (k: number) => text.slice(words[k]!.at, info.ends[k]);
  const tokens: string[] = [];
  for (let k = 1; k < words.length; k++) {
    if (words[k]!.known) tokens.push(words[k]!.value);
    else if (info.single[k]) tokens.push(sentinel(k));
    else return undefined; // may split into several words: the argv is not known
  }
  const hidden = hideArgvSecrets(words[0]!.value, tokens);
  if (!hidden) return undefined;
  const file = hidden.file;
  if (file && HAS_SENTINEL.test(file.text)) return undefined;
  const clean = (v: string) => SENTINEL.test(v) || !HAS_SENTINEL.test(v);
  if (!Object.values(hidden.env).every(clean) || !hidden.args.every(clean)) return undefined;
  const steps = align(tokens, hidden.args);
  // A password written literally is in bash's own argv anyway: nothing to gain.
  const moved = steps.filter((s): s is { drop: number } => 'drop' in s).map((s) => s.drop + 1);
  if (!moved.some((k) => !words[k]!.known || HAS_PLACEHOLDER.test(source(k)))) return undefined;

  const asWord = (v: string, secret: boolean): string => {
    const m = SENTINEL.exec(v);
    return m ? source(Number(m[1])) : mint(v, secret);
  };
  const edits: Edit[] = [];
  const env = Object.entries(hidden.env).map(([name, v]) => `${name}=${asWord(v, true)} `);
  if (env.length) edits.push({ start: words[0]!.at, end: words[0]!.at, text: env.join('') });
  let fileWord: string | undefined;
  const argText = (v: string): string => {
    if (v.includes(SECRET_FILE)) return v.split(SECRET_FILE).join((fileWord ??= `<(printf '%s' ${mint(file!.text, true)})`));
    return OWN_FLAGS.has(v) ? v : asWord(v, false);
  };
  let at = info.ends[0]!;
  for (const s of steps) {
    if ('keep' in s) at = info.ends[s.keep[0] + 1]!;
    else if ('add' in s) edits.push({ start: at, end: at, text: ` ${argText(hidden.args[s.add]!)}` });
    else {
      const k = s.drop + 1;
      let start = words[k]!.at;
      const floor = info.ends[k - 1]!;
      while (start > floor && (text[start - 1] === ' ' || text[start - 1] === '\t')) start--;
      edits.push({ start, end: info.ends[k]!, text: '' });
    }
  }
  return edits;
}

function apply(text: string, edits: Edit[]): string {
  // Insertions before deletions that start at the same place.
  const sorted = edits.map((e, i) => ({ e, i })).sort((x, y) => x.e.start - y.e.start || x.e.end - x.e.start - (y.e.end - y.e.start) || x.i - y.i);
  let out = '';
  let cursor = 0;
  for (const { e } of sorted) {
    out += text.slice(cursor, e.start) + e.text;
    cursor = Math.max(cursor, e.end);
  }
  return out + text.slice(cursor);
}

/** The script with its commands' secrets moved off their command lines; undefined when there is nothing to move. */
export function hideScriptSecrets(text: string, values: readonly string[]): HiddenScript | undefined {
  // Most scripts name none of these programs: no second parse for them.
  if (!/redis-cli|valkey-cli|psql|pg_|mysql|mariadb|curl/.test(text)) return undefined;
  let parsed;
  try {
    parsed = parseScript(text, (n) => values[n]);
  } catch {
    return undefined;
  }
  const all = [...values];
  const masked = new Set<number>();
  const mint = (value: string, secret: boolean): string => {
    const n = all.push(value) - 1;
    if (secret) masked.add(n);
    return placeholder(n);
  };
  const edits: Edit[] = [];
  parsed.commands.forEach((cmd, i) => edits.push(...(commandEdits(text, cmd, parsed.calls[i]!, mint) ?? [])));
  if (!edits.length) return undefined;
  const rewritten = apply(text, edits);
  // The rewrite must place every value as cleanly as the original did.
  let slots: Slot[];
  try {
    slots = parseScript(rewritten).slots;
  } catch {
    return undefined;
  }
  const placed = new Set(slots.map((s) => s.n));
  if (slots.some((s) => s.error) || all.some((_v, n) => n >= values.length && !placed.has(n))) return undefined;
  return { text: rewritten, values: all, slots, masked };
}
