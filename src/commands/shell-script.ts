// A shell script as the command model sees it, from mvdan/sh's parser (the
// parser shfmt uses, as the mvdan-sh package): every simple command wherever
// it stands (pipelines, lists, loops, conditions, functions, substitutions,
// here-documents, coproc), the constructs that write on their own (a
// redirection into a file) or hide what runs (a node the walker does not
// know), and, for each `${{ }}` placeholder, the quoting context it sits in,
// which decides how its value reaches the script as a variable.
/* eslint-disable @typescript-eslint/no-explicit-any -- mvdan-sh is GopherJS output without types */
import { shellParserLib } from '../runbook/libraries.js';
import type { Finding, SimpleCommand, Word } from './types.js';

/** `${{ }}` spans are replaced by this before parsing: a plain literal in every context. */
export const placeholder = (n: number): string => `__ONCALL${n}__`;
export const PLACEHOLDER = /__ONCALL(\d+)__/g;

export type Quote = 'bare' | 'double' | 'single' | 'heredoc' | 'comment';

/** Where one placeholder stands, in the judged text's offsets. */
export interface Slot {
  n: number;
  start: number;
  end: number;
  quote: Quote;
  /** Quoting contexts of enclosing nested-shell scripts, innermost last (each was '…'). */
  nested: number;
  /** Why no value may stand here (arithmetic, a command name, a quoted here-document…). */
  error?: string;
}

/** Where the words of `commands[i]` stand in the text, for rewriting it (`calls[i]`). */
export interface CallInfo {
  /** Where each word ends (it starts at `words[k].at`). */
  ends: number[];
  /** Each word stays one word when the shell runs: no unquoted expansion or glob. */
  single: boolean[];
  /** Inside `…`, where text follows other quoting rules. */
  backquote: boolean;
}

export interface ParsedScript {
  commands: SimpleCommand[];
  calls: CallInfo[];
  findings: Finding[];
  slots: Slot[];
  /** Shell functions the script defines: calling one runs commands judged where they are defined. */
  functions: Set<string>;
}

export class ScriptSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'ScriptSyntaxError';
  }
}

// ---------------------------------------------------------------- parser and token codes

interface Tokens {
  pipes: Set<number>;
  outputs: Set<number>;
  inputs: Set<number>;
  heredocs: Set<number>;
  dupOut: number;
  dupIn: number;
  arithmeticTests: Set<number>;
}

let parser: any;
let syntax: any;
let tokens: Tokens;

/** Token codes differ between mvdan/sh releases: learn them from the parser itself. */
function learnTokens(): Tokens {
  const redir = (src: string) => parser.Parse(src, '').Stmts[0].Redirs[0].Op as number;
  const binary = (src: string) => parser.Parse(src, '').Stmts[0].Cmd.Op as number;
  const test = (op: string) => parser.Parse(`[[ a ${op} b ]]`, '').Stmts[0].Cmd.X.Op as number;
  return {
    pipes: new Set([binary('a | b'), binary('a |& b')]),
    outputs: new Set(['a > b', 'a >> b', 'a &> b', 'a &>> b', 'a <> b', 'a >| b'].map(redir)),
    inputs: new Set(['a < b', 'a <<< b'].map(redir)),
    heredocs: new Set([redir('a << E\nE\n'), redir('a <<- E\nE\n')]),
    dupOut: redir('a >& 2'),
    dupIn: redir('a <& 0'),
    arithmeticTests: new Set(['-eq', '-ne', '-lt', '-le', '-gt', '-ge'].map(test)),
  };
}

function load(): void {
  if (parser) return;
  const lib = shellParserLib() as any;
  syntax = lib.syntax;
  parser = syntax.NewParser(syntax.KeepComments(true), syntax.Variant(syntax.LangBash));
  tokens = learnTokens();
}

/** mvdan/sh counts bytes; JavaScript strings count UTF-16 units. */
function charOffsets(text: string): (byte: number) => number {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(text)) return (b) => b;
  const map: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const cp = text.codePointAt(i)!;
    const bytes = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    for (let k = 0; k < bytes; k++) map.push(i);
    if (cp >= 0x10000) i++;
  }
  return (b) => (b < map.length ? map[b]! : text.length);
}

const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ash', 'ksh', 'mksh', 'busybox']);
const OUTPUT_OK = /^(\/dev\/(null|stdout|stderr|tty|fd\/\d+))$/;

// ---------------------------------------------------------------- the walk

interface State {
  stdin: boolean;
  /** Inside an arithmetic expression, a subscript or an arithmetic test operand. */
  arithmetic?: string;
  /** Inside `…` (backquote substitution). */
  backquote?: boolean;
}

class Walker {
  readonly commands: SimpleCommand[] = [];
  readonly calls: CallInfo[] = [];
  readonly findings: Finding[] = [];
  readonly slots: Slot[] = [];
  readonly functions = new Set<string>();
  private readonly pos: (byte: number) => number;

  constructor(
    private readonly text: string,
    /** Offset of `text` in the text being judged (nested scripts). */
    private readonly base: number,
    private readonly valueOf: (n: number) => string | undefined,
    private readonly nested: number,
  ) {
    this.pos = charOffsets(text);
  }

  at(node: any): number {
    return this.base + this.pos(node.Pos().Offset());
  }

  private construct(kind: 'write' | 'opaque', what: string, node: any, value = ''): void {
    this.findings.push({ kind, what, word: { value, known: false, at: this.at(node) } });
  }

  stmts(list: any[], st: State): void {
    for (const s of list ?? []) this.stmt(s, st);
  }

  stmt(s: any, st: State): void {
    let stdin = st.stdin;
    for (const r of s.Redirs ?? []) {
      const op = r.Op as number;
      if (tokens.heredocs.has(op)) {
        stdin = true;
        this.heredoc(r, st);
      } else {
        if (tokens.inputs.has(op) || op === tokens.dupIn) stdin = stdin || op !== tokens.dupIn;
        this.word(r.Word, st, 'redirect');
        if (tokens.outputs.has(op) || op === tokens.dupOut) this.output(r, op);
      }
    }
    if (s.Cmd) this.cmd(s.Cmd, { ...st, stdin });
  }

  private output(r: any, op: number): void {
    const target = wordLiteral(r.Word);
    if (op === tokens.dupOut && target !== undefined && /^(\d+|-)$/.test(target)) return;
    if (target !== undefined && OUTPUT_OK.test(target)) return;
    this.construct('write', `writes to ${target === undefined ? 'a file named at run time' : `the file ${target}`}`, r.OpPos ? { Pos: () => r.OpPos } : r);
  }

  private heredoc(r: any, st: State): void {
    const delimiter = r.Word;
    const quoted = (delimiter.Parts as any[]).some((p) => syntax.NodeType(p) !== 'Lit') || (wordLiteral(delimiter) ?? '').includes('\\');
    if (this.hasPlaceholder(delimiter)) this.slotsIn(delimiter, 'bare', 'a here-document delimiter cannot come from a value');
    if (!r.Hdoc) return;
    if (quoted) {
      // Not expanded by the shell: a variable would arrive as the text "$NAME".
      this.slotsIn(r.Hdoc, 'heredoc', 'a quoted here-document (<<\'EOF\') does not expand variables; use an unquoted one');
      return;
    }
    this.parts(r.Hdoc.Parts, st, 'heredoc');
  }

  cmd(c: any, st: State): void {
    const type = syntax.NodeType(c);
    switch (type) {
      case 'CallExpr':
        return this.call(c, st);
      case 'BinaryCmd': {
        this.stmt(c.X, st);
        this.stmt(c.Y, tokens.pipes.has(c.Op) ? { ...st, stdin: true } : st);
        return;
      }
      case 'Block':
      case 'Subshell':
        return this.stmts(c.Stmts, st);
      case 'IfClause':
        this.stmts(c.Cond, st);
        this.stmts(c.Then, st);
        if (c.Else) this.cmd(c.Else, st);
        return;
      case 'WhileClause':
        this.stmts(c.Cond, st);
        return this.stmts(c.Do, st);
      case 'ForClause': {
        const loop = c.Loop;
        if (syntax.NodeType(loop) === 'WordIter') for (const w of loop.Items ?? []) this.word(w, st, 'argument');
        else for (const x of [loop.Init, loop.Cond, loop.Post]) if (x) this.arith(x, { ...st, arithmetic: 'an arithmetic for loop' });
        return this.stmts(c.Do, st);
      }
      case 'CaseClause':
        this.word(c.Word, st, 'argument');
        for (const item of c.Items ?? []) {
          for (const p of item.Patterns ?? []) this.word(p, st, 'argument');
          this.stmts(item.Stmts, st);
        }
        return;
      case 'FuncDecl':
        this.functions.add(c.Name.Value);
        return this.stmt(c.Body, st);
      case 'ArithmCmd':
        return this.arith(c.X, { ...st, arithmetic: '(( ))' });
      case 'LetClause':
        for (const x of c.Exprs ?? []) this.arith(x, { ...st, arithmetic: 'let' });
        return;
      case 'TestClause':
        return this.test(c.X, st);
      case 'DeclClause': {
        const integer = (c.Args as any[]).some((a) => a.Naked && /^-[a-zA-Z]*i/.test(wordLiteral(a.Value) ?? ''));
        for (const a of c.Args ?? []) this.assign(a, integer ? { ...st, arithmetic: 'declare -i' } : st);
        return;
      }
      case 'TimeClause':
      case 'CoprocClause':
        if (c.Stmt) this.stmt(c.Stmt, st);
        return;
      default:
        this.construct('opaque', `shell construct ${type}`, c);
    }
  }

  private assign(a: any, st: State): void {
    if (a.Index) this.arith(a.Index, { ...st, arithmetic: 'an array subscript' });
    if (a.Value) this.word(a.Value, st, a.Naked ? 'argument' : 'assignment');
    for (const e of a.Array?.Elems ?? []) {
      if (e.Index) this.arith(e.Index, { ...st, arithmetic: 'an array subscript' });
      if (e.Value) this.word(e.Value, st, 'assignment');
    }
  }

  private call(c: any, st: State): void {
    for (const a of c.Assigns ?? []) this.assign(a, st);
    const args: any[] = c.Args ?? [];
    if (!args.length) return;
    const scripts = nestedScriptArgs(args);
    const name = wordLiteral(args[0]);
    if (name === 'eval' || name === 'trap') {
      for (const w of args.slice(1)) this.slotsIn(w, 'bare', `a value passed to ${name} would run as code`);
    }
    const words: Word[] = args.map((w, i) => {
      const role = i === 0 ? 'command' : scripts.has(i) ? 'script' : 'argument';
      const word = this.word(w, st, role);
      if (role === 'script') {
        const sq = singleQuoted(w);
        if (sq !== undefined) word.script = { text: sq, at: this.at(w) + 1 };
        else if (word.known) word.script = { text: word.value, at: word.at };
      }
      return word;
    });
    this.commands.push({ words, stdin: st.stdin });
    const source = (w: any) => this.text.slice(this.pos(w.Pos().Offset()), this.pos(w.End().Offset()));
    this.calls.push({ ends: args.map((w) => this.base + this.pos(w.End().Offset())), single: args.map((w) => singleField(w, source(w))), backquote: !!st.backquote });
  }

  /** Walks a word (its substitutions, its placeholders) and returns its value. */
  word(w: any, st: State, role: 'command' | 'argument' | 'assignment' | 'redirect' | 'script'): Word {
    const at = this.at(w);
    if (role === 'command' && this.hasPlaceholder(w)) this.slotsIn(w, 'bare', 'a command name cannot come from a value');
    if (role === 'script') {
      const sq = singleQuoted(w);
      if (sq !== undefined) {
        if (this.hasPlaceholder(w)) this.nestedSlots(sq, this.at(w) + 1);
        return { ...this.evaluate(w), at };
      }
      if (this.hasPlaceholder(w)) this.slotsIn(w, 'bare', "inside a nested shell's script a value must stand within '…' (it would become code)");
    }
    this.parts(w.Parts, st, 'bare');
    return { ...this.evaluate(w), at };
  }

  /** Placeholders of a nested `bash -c '…'` script, placed for the inner shell. */
  private nestedSlots(script: string, at: number): void {
    let inner: Walker;
    try {
      inner = walk(script, at, this.valueOf, this.nested + 1);
    } catch {
      this.slotsInText(script, at, 'bare', "the nested shell's script does not parse; a value cannot be placed in it");
      return;
    }
    for (const s of inner.slots) this.slots.push(s.quote === 'single' ? { ...s, error: "inside a nested shell's '…' script a value cannot be quoted again" } : s);
  }

  parts(parts: any[], st: State, quote: Quote): void {
    for (const p of parts ?? []) this.part(p, st, quote);
  }

  private part(p: any, st: State, quote: Quote): void {
    switch (syntax.NodeType(p)) {
      case 'Lit':
        return this.slotsInText(p.Value, this.at(p), quote, this.contextError(st));
      case 'SglQuoted':
        if (p.Dollar) return this.slotsInText(p.Value, this.at(p), 'single', "a value cannot stand inside $'…'");
        return this.slotsInText(p.Value, this.at(p) + 1, quote === 'bare' ? 'single' : quote, this.contextError(st));
      case 'DblQuoted':
        return this.parts(p.Parts, st, 'double');
      case 'ParamExp':
        if (p.Index) this.arith(p.Index, { ...st, arithmetic: 'an array subscript' });
        if (p.Slice) for (const x of [p.Slice.Offset, p.Slice.Length]) if (x) this.arith(x, { ...st, arithmetic: 'a substring offset' });
        if (p.Repl) for (const w of [p.Repl.Orig, p.Repl.With]) if (w) this.parts(w.Parts, st, quote);
        if (p.Exp?.Word) this.parts(p.Exp.Word.Parts, st, quote);
        return;
      case 'CmdSubst':
        return this.stmts(p.Stmts, { stdin: false, ...(p.Backquotes ? { backquote: true } : {}) });
      case 'ProcSubst':
        return this.stmts(p.Stmts, { stdin: false });
      case 'ArithmExp':
        return this.arith(p.X, { ...st, arithmetic: '$(( ))' });
      case 'ExtGlob':
        return this.slotsInText(p.Pattern?.Value ?? '', this.at(p), quote, 'a value cannot stand inside an extended glob');
      default:
        this.construct('opaque', `shell word part ${syntax.NodeType(p)}`, p);
    }
  }

  private contextError(st: State): string | undefined {
    if (st.arithmetic) return `a value inside ${st.arithmetic} is evaluated as arithmetic, where even a variable can run commands; pass it through a typed step or a pattern-checked parameter outside the arithmetic`;
    if (st.backquote) return 'a value cannot stand inside `…`; use $( … )';
    return undefined;
  }

  arith(x: any, st: State): void {
    switch (syntax.NodeType(x)) {
      case 'BinaryArithm':
        this.arith(x.X, st);
        return this.arith(x.Y, st);
      case 'UnaryArithm':
      case 'ParenArithm':
        return this.arith(x.X, st);
      case 'Word':
        return this.parts(x.Parts, st, 'bare');
      default:
        this.construct('opaque', `arithmetic ${syntax.NodeType(x)}`, x);
    }
  }

  test(x: any, st: State): void {
    switch (syntax.NodeType(x)) {
      case 'BinaryTest': {
        const operand = tokens.arithmeticTests.has(x.Op) ? { ...st, arithmetic: 'an arithmetic [[ ]] comparison' } : st;
        this.test(x.X, operand);
        return this.test(x.Y, operand);
      }
      case 'UnaryTest':
      case 'ParenTest':
        return this.test(x.X, st);
      case 'Word':
        return this.parts(x.Parts, st, 'bare');
      default:
        this.construct('opaque', `test ${syntax.NodeType(x)}`, x);
    }
  }

  // ---------------------------------------------------------------- placeholders

  private hasPlaceholder(w: any): boolean {
    const end = w.End().Offset();
    const start = w.Pos().Offset();
    return new RegExp(PLACEHOLDER.source).test(sliceBytes(this.text, start, end, this.pos));
  }

  /** Every placeholder inside a node, all given the same context (usually an error). */
  private slotsIn(node: any, quote: Quote, error: string): void {
    const start = this.pos(node.Pos().Offset());
    const end = this.pos(node.End().Offset());
    this.slotsInText(this.text.slice(start, end), this.base + start, quote, error);
  }

  private slotsInText(text: string, at: number, quote: Quote, error?: string): void {
    for (const m of text.matchAll(PLACEHOLDER)) {
      const start = at + m.index!;
      if (this.slots.some((s) => s.start === start)) continue;
      this.slots.push({ n: Number(m[1]), start, end: start + m[0].length, quote, nested: this.nested, ...(error ? { error } : {}) });
    }
  }

  /** A word's value: literal parts joined; anything expanded at run time makes it unknown. */
  evaluate(w: any): Omit<Word, 'at'> {
    let value = '';
    let known = true;
    const add = (text: string, quoted: boolean) => {
      if (!known) return;
      const resolved = this.resolve(text);
      if (resolved === undefined) {
        known = false;
        return;
      }
      if (!quoted && /[*?[]|^~|\{[^}]*(,|\.\.)[^}]*\}/.test(resolved.literal)) {
        // A glob, a tilde or a brace expansion: the shell decides the words.
        value += resolved.value.slice(0, Math.max(0, resolved.value.search(/[*?[{~]/)));
        known = false;
        return;
      }
      value += resolved.value;
    };
    for (const p of w.Parts ?? []) {
      const type = syntax.NodeType(p);
      if (type === 'Lit') add(unescapeBare(p.Value), false);
      else if (type === 'SglQuoted' && !p.Dollar) add(p.Value, true);
      else if (type === 'SglQuoted' && !/\\/.test(p.Value)) add(p.Value, true);
      else if (type === 'DblQuoted') {
        for (const q of p.Parts ?? []) {
          if (syntax.NodeType(q) === 'Lit') add(unescapeDouble(q.Value), true);
          else known = false;
        }
      } else known = false;
      if (!known) break;
    }
    return { value, known };
  }

  /** Placeholders replaced by their values (the literal text without them, for globs). */
  private resolve(text: string): { value: string; literal: string } | undefined {
    let missing = false;
    const value = text.replace(PLACEHOLDER, (_m, n: string) => {
      const v = this.valueOf(Number(n));
      if (v === undefined) missing = true;
      return v ?? '';
    });
    return missing ? undefined : { value, literal: text.replace(PLACEHOLDER, '') };
  }
}

function sliceBytes(text: string, start: number, end: number, pos: (b: number) => number): string {
  return text.slice(pos(start), pos(end));
}

function unescapeBare(s: string): string {
  return s.replace(/\\\n/g, '').replace(/\\(.)/g, '$1');
}

function unescapeDouble(s: string): string {
  return s.replace(/\\\n/g, '').replace(/\\([$`"\\])/g, '$1');
}

function wordLiteral(w: any): string | undefined {
  if (!w) return undefined;
  let out = '';
  for (const p of w.Parts ?? []) {
    const type = syntax.NodeType(p);
    if (type === 'Lit') out += unescapeBare(p.Value);
    else if (type === 'SglQuoted' && !p.Dollar) out += p.Value;
    else if (type === 'DblQuoted' && (p.Parts as any[]).every((q) => syntax.NodeType(q) === 'Lit')) out += (p.Parts as any[]).map((q) => unescapeDouble(q.Value)).join('');
    else return undefined;
  }
  return out;
}

/** Quoted parts and plain literals only: the word is one word whatever the values ("$@" is not). */
function singleField(w: any, source: string): boolean {
  if (/\$@|\$\{[^}]*@/.test(source)) return false;
  return (w.Parts ?? []).every((p: any) => {
    const type = syntax.NodeType(p);
    return type === 'SglQuoted' || type === 'DblQuoted' || (type === 'Lit' && !/[*?[{~]/.test(p.Value));
  });
}

/** The text of a word that is exactly one '…' part. */
function singleQuoted(w: any): string | undefined {
  const parts = w.Parts ?? [];
  return parts.length === 1 && syntax.NodeType(parts[0]) === 'SglQuoted' && !parts[0].Dollar ? parts[0].Value : undefined;
}

/**
 * Which arguments are scripts for a nested shell: the word after `-c` (or a
 * flag cluster holding c) of a shell program anywhere in the command, so
 * `sudo bash -c '…'` and `kubectl exec p -- sh -c '…'` count; `watch`'s single argument.
 */
function nestedScriptArgs(args: any[]): Set<number> {
  const out = new Set<number>();
  const lits = args.map(wordLiteral);
  for (let i = 0; i < lits.length; i++) {
    const name = lits[i];
    if (name === undefined) continue;
    const base = name.slice(name.lastIndexOf('/') + 1);
    if (base === 'watch' && i === 0) {
      const rest = lits.slice(1).findIndex((v) => v === undefined || !v.startsWith('-'));
      if (rest >= 0 && lits.length - (rest + 1) === 1) out.add(rest + 1);
    }
    if (!SHELLS.has(base)) continue;
    for (let k = i + 1; k < lits.length; k++) {
      const v = lits[k];
      if (v === undefined || !v.startsWith('-') || v === '--') break;
      if (/^-[a-zA-Z]*c[a-zA-Z]*$/.test(v)) {
        let s = k + 1;
        if (lits[s] === '--') s++;
        if (s < args.length) out.add(s);
        break;
      }
    }
  }
  return out;
}

function walk(text: string, base: number, valueOf: (n: number) => string | undefined, nested: number): Walker {
  load();
  let file: any;
  try {
    file = parser.Parse(text, '');
  } catch (e: any) {
    const message = typeof e?.Error === 'function' ? String(e.Error()).replace(/^\d+:\d+: /, '') : String(e?.message ?? e);
    const offset = typeof e?.Pos?.Offset === 'function' ? charOffsets(text)(e.Pos.Offset()) : 0;
    throw new ScriptSyntaxError(message, base + offset);
  }
  const w = new Walker(text, base, valueOf, nested);
  w.stmts(file.Stmts, { stdin: false });
  // Placeholders the walk did not meet stand in comments (the shell never reads them).
  const comments = [...(file.Last ?? [])];
  const collect = (list: any[]) => {
    for (const s of list ?? []) for (const c of s.Comments ?? []) comments.push(c);
  };
  collect(file.Stmts);
  syntax.Walk(file, (node: any) => {
    if (node && node.Comments && node !== file) collect([node]);
    return true;
  });
  const pos = charOffsets(text);
  for (const m of text.matchAll(PLACEHOLDER)) {
    const start = base + m.index!;
    if (w.slots.some((s) => s.start === start)) continue;
    const inComment = comments.some((c) => {
      const from = base + pos(c.Hash.Offset());
      return start > from && start < from + 1 + c.Text.length;
    });
    w.slots.push({ n: Number(m[1]), start, end: start + m[0].length, quote: inComment ? 'comment' : 'bare', nested, ...(inComment ? {} : { error: 'a value cannot be placed safely here' }) });
  }
  w.slots.sort((a, b) => a.start - b.start);
  return w;
}

/**
 * Parses a script whose `${{ }}` spans were replaced by placeholders.
 * `valueOf(n)` gives placeholder n's value when it is known (at run time);
 * without one, words holding it are unknown. Throws ScriptSyntaxError.
 */
/** Parses of templates (no values): a step's script is placed once per process, not once per run of it. */
const templates = new Map<string, ParsedScript>();
const TEMPLATES_MAX = 500;

export function parseScript(text: string, valueOf?: (n: number) => string | undefined, at = 0): ParsedScript {
  const key = valueOf ? undefined : `${at}:${text}`;
  const known = key !== undefined ? templates.get(key) : undefined;
  if (known) return known;
  const w = walk(text, at, valueOf ?? (() => undefined), 0);
  const parsed = { commands: w.commands, calls: w.calls, findings: w.findings, slots: w.slots, functions: w.functions };
  if (key !== undefined) {
    if (templates.size >= TEMPLATES_MAX) templates.delete(templates.keys().next().value!);
    templates.set(key, parsed);
  }
  return parsed;
}
