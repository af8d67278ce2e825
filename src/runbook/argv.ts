// Splitting `run` strings into argv the way a POSIX shell would, without a
// shell: quotes group words, backslashes escape, and `${{ … }}` interpolations
// are opaque (never split, never taken for shell syntax), so an interpolated
// value always stays one argument. The engine splits with `splitCommand`
// before interpolating; lint uses the same tokens and `findShellSyntax` to say
// when a command would mean something else in a shell.
// (First version by the engine helper; extended for lint. Kept API:
// splitCommand(text) → string[], throwing SplitError on bad quoting.)

export interface Token {
  /** The word after quote removal (interpolations kept verbatim). */
  value: string;
  /** Offsets of the raw word in the command text. */
  start: number;
  end: number;
  /** Some part of the word was quoted or escaped. */
  quoted: boolean;
}

/** Bad quoting: an unterminated quote or `${{`. */
export class SplitError extends Error {
  constructor(
    message: string,
    /** Offset in the command text. */
    readonly offset: number,
  ) {
    super(message);
    this.name = 'SplitError';
  }
}

export type ShellSyntaxKind =
  | 'pipe'
  | 'list'
  | 'background'
  | 'redirect'
  | 'subshell'
  | 'substitution'
  | 'variable'
  | 'glob'
  | 'comment'
  | 'tilde'
  | 'newline';

export interface ShellSyntax {
  kind: ShellSyntaxKind;
  /** The characters as written: "|", "&&", ">", "$(", "`", "$HOME", "*", "\n"… */
  text: string;
  offset: number;
  /** The word the finding sits in (for globs and tildes), raw as written. */
  word?: string;
}

const SPACE = new Set([' ', '\t', '\n', '\r']);
const OPERATOR_START = new Set(['|', '&', ';', '<', '>', '(', ')']);
const OPERATORS = ['&&', '||', ';;', '|&', '>>', '<<<', '<<', '<>', '>&', '<&', '>|', '&>', '|', '&', ';', '<', '>', '(', ')'];
/** Characters that need a closer look; every other character just extends the current word. */
const SPECIAL = new Uint8Array(128);
for (const c of ' \t\n\r\\\'"$`|&;<>()*?[#~') SPECIAL[c.charCodeAt(0)] = 1;

const SPECIAL_PARAMS = new Set(['@', '*', '#', '?', '$', '!', '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);

/** Length of the `${{ … }}` starting at `i`, or 0 when none starts there (or it is unterminated). */
function interpolationAt(text: string, i: number): number {
  if (text[i] !== '$' || text[i + 1] !== '{' || text[i + 2] !== '{') return 0;
  const close = text.indexOf('}}', i + 3);
  return close < 0 ? 0 : close + 2 - i;
}

interface LexResult {
  words: Token[];
  syntax: ShellSyntax[];
}

/**
 * One pass over the text, as execa receives it: operator characters are
 * ordinary word characters, reported in `syntax` because a shell would read
 * them otherwise. (`shell: true` scripts are parsed by src/commands/shell-script.ts.)
 */
function lex(text: string): LexResult {
  const words: Token[] = [];
  const syntax: ShellSyntax[] = [];
  let value = '';
  let start = -1;
  let quoted = false;
  // Glob characters seen unquoted in the current word; `[` counts only with a later `]`.
  let globs: Array<{ ch: string; offset: number }> = [];

  const begin = (i: number) => {
    if (start < 0) start = i;
  };
  const flush = (end: number) => {
    if (start < 0) return;
    const raw = text.slice(start, end);
    for (const g of globs) {
      if (g.ch === '[' && !raw.slice(g.offset - start + 1).includes(']')) continue;
      syntax.push({ kind: 'glob', text: g.ch, offset: g.offset, word: raw });
    }
    words.push({ value, start, end, quoted });
    value = '';
    start = -1;
    quoted = false;
    globs = [];
  };

  /** `$…` at i (unquoted or in double quotes): an expansion a shell would do.
   *  Returns how many characters belong to it when they must be taken whole
   *  (a command substitution, whose parentheses are not operators), else 0. */
  const dollar = (i: number): number => {
    const next = text[i + 1];
    if (next === '(') {
      const close = matchingParen(text, i + 1);
      syntax.push({ kind: 'substitution', text: '$(', offset: i });
      return close < 0 ? text.length - i : close + 1 - i;
    }
    if (next === '{') {
      const close = text.indexOf('}', i + 2);
      syntax.push({ kind: 'variable', text: close > 0 ? text.slice(i, close + 1) : '${', offset: i });
      return 0;
    }
    if (next !== undefined && /[A-Za-z_]/.test(next)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i + 1))!;
      syntax.push({ kind: 'variable', text: `$${m[0]}`, offset: i });
      return 0;
    }
    if (next !== undefined && SPECIAL_PARAMS.has(next)) syntax.push({ kind: 'variable', text: `$${next}`, offset: i });
    return 0;
  };

  /** A backquoted substitution at i: its length, taken whole. */
  const backquote = (i: number): number => {
    const close = text.indexOf('`', i + 1);
    syntax.push({ kind: 'substitution', text: '`', offset: i });
    return close < 0 ? text.length - i : close + 1 - i;
  };

  let i = 0;
  while (i < text.length) {
    // A run of ordinary characters is appended in one piece.
    let j = i;
    for (let code = text.charCodeAt(j); j < text.length && (code >= 128 || SPECIAL[code] === 0); code = text.charCodeAt(++j));
    if (j > i) {
      begin(i);
      value += text.slice(i, j);
      i = j;
      continue;
    }
    const ch = text[i]!;
    const interp = interpolationAt(text, i);
    if (!interp && text.startsWith('${{', i)) throw new SplitError('unterminated "${{" interpolation', i);
    if (interp) {
      begin(i);
      value += text.slice(i, i + interp);
      i += interp;
      continue;
    }
    if (ch === '\\') {
      begin(i);
      quoted = true;
      if (text[i + 1] === '\n') {
        i += 2; // line continuation
        if (value === '' && start === i - 2) start = -1;
        continue;
      }
      if (i + 1 < text.length) value += text[i + 1];
      i += 2;
      continue;
    }
    if (ch === "'") {
      begin(i);
      quoted = true;
      const close = text.indexOf("'", i + 1);
      if (close < 0) throw new SplitError('unterminated single quote', i);
      value += text.slice(i + 1, close);
      i = close + 1;
      continue;
    }
    if (ch === '"') {
      begin(i);
      quoted = true;
      let j = i + 1;
      for (;;) {
        if (j >= text.length) throw new SplitError('unterminated double quote', i);
        const c = text[j]!;
        const inner = interpolationAt(text, j);
        if (!inner && text.startsWith('${{', j)) throw new SplitError('unterminated "${{" interpolation', j);
        if (inner) {
          value += text.slice(j, j + inner);
          j += inner;
          continue;
        }
        if (c === '"') break;
        if (c === '\\' && j + 1 < text.length && '$`"\\\n'.includes(text[j + 1]!)) {
          if (text[j + 1] !== '\n') value += text[j + 1];
          j += 2;
          continue;
        }
        const taken = c === '$' ? dollar(j) : c === '`' ? backquote(j) : 0;
        if (taken) {
          value += text.slice(j, j + taken);
          j += taken;
          continue;
        }
        value += c;
        j++;
      }
      i = j + 1;
      continue;
    }
    if (SPACE.has(ch)) {
      flush(i);
      if (ch === '\n' && /\S/.test(text.slice(i))) syntax.push({ kind: 'newline', text: '\n', offset: i });
      i++;
      continue;
    }
    if (OPERATOR_START.has(ch)) {
      const op = OPERATORS.find((o) => text.startsWith(o, i))!;
      syntax.push({ kind: operatorKind(op), text: op, offset: i });
      begin(i);
      value += op;
      i += op.length;
      continue;
    }
    const taken = ch === '$' ? dollar(i) : ch === '`' ? backquote(i) : 0;
    if (taken) {
      begin(i);
      value += text.slice(i, i + taken);
      i += taken;
      continue;
    }
    if (ch === '#' && start < 0) syntax.push({ kind: 'comment', text: '#', offset: i });
    if (ch === '~' && start < 0 && (i + 1 >= text.length || /[\s/]/.test(text[i + 1]!) || /[a-z_]/.test(text[i + 1]!))) {
      const end = text.slice(i).search(/[\s]/);
      syntax.push({ kind: 'tilde', text: '~', offset: i, word: end < 0 ? text.slice(i) : text.slice(i, i + end) });
    }
    if (ch === '*' || ch === '?' || ch === '[') globs.push({ ch, offset: i });
    begin(i);
    value += ch;
    i++;
  }
  flush(text.length);
  syntax.sort((a, b) => a.offset - b.offset);
  return { words, syntax };
}

function operatorKind(op: string): ShellSyntaxKind {
  if (op === '|' || op === '|&') return 'pipe';
  if (op === '&') return 'background';
  if (op === '(' || op === ')') return 'subshell';
  if (op === '&&' || op === '||' || op === ';' || op === ';;' || op === '\n') return 'list';
  return 'redirect';
}

/** Offset of the `)` closing the `(` at `open`, or -1. Quotes inside are skipped. */
function matchingParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === "'") {
      const close = text.indexOf("'", i + 1);
      if (close < 0) return -1;
      i = close;
    } else if (c === '\\') i++;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return -1;
}

/** Words of a command run without a shell. Throws SplitError on an unterminated quote. */
export function tokenize(text: string): Token[] {
  return lex(text).words;
}

/** argv of a command run without a shell, e.g. `kubectl -n "${{ params.ns }}" get pods`
 *  → ["kubectl", "-n", "${{ params.ns }}", "get", "pods"]. Interpolate each word afterwards. */
export function splitCommand(text: string): string[] {
  return tokenize(text).map((t) => t.value);
}

/** Everything in `text` that a shell would treat specially (unquoted operators,
 *  expansions, globs), in order. An unterminated quote is reported as a throw. */
export function findShellSyntax(text: string): ShellSyntax[] {
  return lex(text).syntax;
}

/** True when the text needs a shell to mean what it says (pipes, redirections,
 *  `;`, `&&`, `||`, `$(…)`, backticks, `$VAR`, globs…), or does not even split. */
export function hasShellSyntax(text: string): boolean {
  try {
    return findShellSyntax(text).length > 0;
  } catch {
    return true;
  }
}

/** Quotes a value for `sh -c` so it stays one literal word. */
export function shellQuote(value: string): string {
  if (value !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
