// A fast path for the YAML runbooks are written in. The `yaml` library is
// exact and reports errors well, but it lexes through nested generators and
// needs ~10 ms per runbook before V8 has warmed up: most of `oncall lint`'s
// time. This parser handles the plain subset runbooks use (block mappings and
// sequences, one-line flow collections, plain and quoted one-line scalars,
// literal and folded block scalars, comments) and gives up — returns
// undefined — on anything else: anchors, aliases, tags, multi-line plain or
// quoted scalars, multi-line flow collections, tabs, CR, directives, documents
// markers, duplicate keys, complex keys, anything that might be an error.
// The caller then parses with `yaml`, which also reports every error. When it
// answers, it answers exactly as `yaml` would (YAML 1.2 core schema values and
// the same node ranges); test/lint/fast-yaml.test.ts checks that against
// `yaml` over every runbook, fixture and thousands of mutations.

export type ScalarType = 'PLAIN' | 'QUOTE_DOUBLE' | 'QUOTE_SINGLE' | 'BLOCK_LITERAL' | 'BLOCK_FOLDED';

export interface FastNode {
  kind: 'map' | 'seq' | 'scalar';
  /** Like yaml's node.range[0] and range[1]. */
  start: number;
  end: number;
  type?: ScalarType;
  value?: unknown;
  pairs?: FastPair[];
  items?: FastNode[];
}

export interface FastPair {
  key: string;
  keyStart: number;
  value: FastNode;
}

export interface FastParsed {
  value: unknown;
  root: FastNode;
  lineStarts: number[];
}

class GiveUp extends Error {}
const giveUp = (): never => {
  throw new GiveUp();
};

interface Line {
  /** Offset of the first character. */
  start: number;
  /** Offset of the line break (or the end of the text). */
  end: number;
  indent: number;
  /** Blank or comment-only. */
  empty: boolean;
}

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

export function fastParse(text: string): FastParsed | undefined {
  if (text.length === 0 || text.includes('\r') || text.includes('\t') || text.charCodeAt(0) === 0xfeff) return undefined;
  try {
    return new FastParser(text).parse();
  } catch (e) {
    if (e instanceof GiveUp) return undefined;
    throw e;
  }
}

class FastParser {
  private readonly lines: Line[] = [];
  private readonly lineStarts: number[] = [];
  /** Index of the current line. */
  private li = 0;

  constructor(private readonly text: string) {
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      const end = nl < 0 ? text.length : nl;
      this.lineStarts.push(start);
      let i = start;
      while (i < end && text.charCodeAt(i) === 32) i++;
      const empty = i === end || text.charCodeAt(i) === 35; /* # */
      this.lines.push({ start, end, indent: i - start, empty });
      if (nl < 0) break;
      start = nl + 1;
    }
  }

  parse(): FastParsed {
    this.skipEmpty();
    const first = this.lines[this.li];
    if (!first || first.indent !== 0) giveUp();
    const c = this.text.slice(first!.start, first!.start + 3);
    if (c === '---' || c === '...' || c[0] === '%') giveUp();
    const root = this.block(0, first!.start);
    this.skipEmpty();
    if (this.li < this.lines.length) giveUp();
    return { value: toValue(root), root, lineStarts: this.lineStarts };
  }

  private skipEmpty(): void {
    while (this.li < this.lines.length && this.lines[this.li]!.empty) this.li++;
  }

  /** A block node whose first line starts at `at` (column `indent`). */
  private block(indent: number, at: number): FastNode {
    const t = this.text;
    if (t.charCodeAt(at) === 45 /* - */ && (at + 1 === this.lines[this.li]!.end || t.charCodeAt(at + 1) === 32)) return this.seq(indent, at);
    return this.map(indent, at);
  }

  private map(indent: number, firstAt: number): FastNode {
    const t = this.text;
    const pairs: FastPair[] = [];
    const seen = new Set<string>();
    let at = firstAt;
    const node: FastNode = { kind: 'map', start: firstAt, end: firstAt, pairs };
    for (;;) {
      const line = this.lines[this.li]!;
      // The key: plain identifier-like or quoted, then ":" and a space or the end of the line.
      let key: string;
      let keyEnd: number;
      const c = t.charCodeAt(at);
      if (c === 34 /* " */ || c === 39 /* ' */) {
        const q = this.quoted(at, line.end);
        if (q.node.type === 'QUOTE_DOUBLE' && q.node.value !== t.slice(at + 1, q.end - 1)) giveUp();
        key = q.node.value as string;
        keyEnd = q.end;
      } else {
        const colon = t.indexOf(':', at);
        if (colon < 0 || colon > line.end) giveUp();
        key = t.slice(at, colon);
        if (!PLAIN_KEY.test(key) || key.length > 1000) giveUp();
        keyEnd = colon;
      }
      if (t.charCodeAt(keyEnd) !== 58 /* : */) giveUp();
      if (key === '__proto__' || seen.has(key)) giveUp();
      seen.add(key);
      let v = keyEnd + 1;
      if (v < line.end && t.charCodeAt(v) !== 32) giveUp();
      while (v < line.end && t.charCodeAt(v) === 32) v++;
      let value: FastNode;
      if (v === line.end || t.charCodeAt(v) === 35 /* # */) {
        // The value is the block on the following, more indented lines.
        this.li++;
        this.skipEmpty();
        const next = this.lines[this.li];
        if (!next || next.indent <= indent) giveUp(); // null, or an indentless sequence
        value = this.block(next!.indent, next!.start + next!.indent);
      } else {
        value = this.inline(v, line, indent);
      }
      pairs.push({ key, keyStart: at, value });
      node.end = this.collectionEnd(value, line);
      this.skipEmpty();
      const next = this.lines[this.li];
      if (!next || next.indent < indent) break;
      if (next.indent > indent) giveUp();
      at = next.start + next.indent;
      if (t.charCodeAt(at) === 45 && (at + 1 === next.end || t.charCodeAt(at + 1) === 32)) giveUp(); // "- " at a key's indent
    }
    return node;
  }

  private seq(indent: number, firstAt: number): FastNode {
    const t = this.text;
    const items: FastNode[] = [];
    const node: FastNode = { kind: 'seq', start: firstAt, end: firstAt, items };
    let at = firstAt;
    for (;;) {
      const line = this.lines[this.li]!;
      let v = at + 1;
      while (v < line.end && t.charCodeAt(v) === 32) v++;
      let item: FastNode;
      if (v === line.end || t.charCodeAt(v) === 35) {
        this.li++;
        this.skipEmpty();
        const next = this.lines[this.li];
        if (!next || next.indent <= indent) giveUp();
        item = this.block(next!.indent, next!.start + next!.indent);
      } else if (t.charCodeAt(v) === 45 && (v + 1 === line.end || t.charCodeAt(v + 1) === 32)) {
        return giveUp(); // "- - x"
      } else if (this.isKeyLine(v, line.end)) {
        // A mapping that starts on the item's line: its keys sit at this column.
        item = this.map(v - line.start, v);
      } else {
        item = this.inline(v, line, indent);
      }
      items.push(item);
      node.end = this.collectionEnd(item, line);
      this.skipEmpty();
      const next = this.lines[this.li];
      if (!next || next.indent < indent) break;
      if (next.indent > indent) giveUp();
      at = next.start + next.indent;
      if (!(t.charCodeAt(at) === 45 && (at + 1 === next.end || t.charCodeAt(at + 1) === 32))) break;
    }
    return node;
  }

  /** Where a block collection ends, as in yaml: after a trailing comment on the line of its last
   *  value, when that value sits on the `line` of its key or dash (not a block scalar). */
  private collectionEnd(last: FastNode, line: Line): number {
    return last.end > line.end || last.type === 'BLOCK_LITERAL' || last.type === 'BLOCK_FOLDED' ? last.end : line.end;
  }

  /** Does the text at `at` start with `key:` (then a space or the end of the line)? */
  private isKeyLine(at: number, end: number): boolean {
    const t = this.text;
    const c = t.charCodeAt(at);
    if (c === 34 || c === 39) {
      const close = t.indexOf(String.fromCharCode(c), at + 1);
      if (close < 0 || close > end) return false;
      return t.charCodeAt(close + 1) === 58 && (close + 2 === end || t.charCodeAt(close + 2) === 32);
    }
    const colon = t.indexOf(':', at);
    if (colon < 0 || colon >= end) return false;
    if (!(colon + 1 === end || t.charCodeAt(colon + 1) === 32)) return false;
    return PLAIN_KEY.test(t.slice(at, colon));
  }

  /** A value that starts on a key's or item's line at `at`; consumes the line (and a block scalar's lines). */
  private inline(at: number, line: Line, parentIndent: number): FastNode {
    const t = this.text;
    const c = t.charCodeAt(at);
    let node: FastNode;
    let end: number;
    if (c === 124 /* | */ || c === 62 /* > */) {
      return this.blockScalar(at, line, parentIndent);
    } else if (c === 91 /* [ */ || c === 123 /* { */) {
      ({ node, end } = this.flow(at, line.end));
    } else if (c === 34 || c === 39) {
      ({ node, end } = this.quoted(at, line.end));
    } else {
      ({ node, end } = this.plain(at, line.end, false));
    }
    // Only a comment may follow on the line.
    let i = end;
    while (i < line.end && t.charCodeAt(i) === 32) i++;
    if (i < line.end && !(t.charCodeAt(i) === 35 && i > end)) giveUp();
    // The caller checks the next line: deeper would continue a multi-line scalar.
    this.li++;
    return node;
  }

  private plain(at: number, end: number, flow: boolean): { node: FastNode; end: number } {
    const t = this.text;
    const c = t[at]!;
    if ('&*!%@`,]}#|>\'"[{'.includes(c)) giveUp();
    // "-", "?" and ":" begin a plain scalar only before a safe character; in a flow collection a flow
    // indicator is not one ("[-]", "{ a: ?}" are a block indicator or an empty key to yaml).
    if ((c === '-' || c === '?' || c === ':') && (at + 1 >= end || t.charCodeAt(at + 1) === 32 || (flow && ',]}[{'.includes(t[at + 1]!)))) giveUp();
    let i = at;
    let last = at;
    while (i < end) {
      const ch = t.charCodeAt(i);
      if (ch === 32) {
        if (t.charCodeAt(i + 1) === 35) break; // " #": a comment
        i++;
        continue;
      }
      if (ch === 58 /* : */ && (i + 1 >= end || t.charCodeAt(i + 1) === 32 || (flow && ',]}[{'.includes(t[i + 1]!)))) {
        if (flow) break;
        giveUp(); // "a: b: c"
      }
      if (flow && (ch === 44 || ch === 93 || ch === 125 || ch === 91 || ch === 123)) break;
      i++;
      last = i;
    }
    const raw = t.slice(at, last);
    if (raw.length === 0) giveUp();
    return { node: { kind: 'scalar', type: 'PLAIN', start: at, end: last, value: resolvePlain(raw) }, end: last };
  }

  private quoted(at: number, end: number): { node: FastNode; end: number } {
    const t = this.text;
    if (t[at] === "'") {
      let out = '';
      let i = at + 1;
      for (;;) {
        const close = t.indexOf("'", i);
        if (close < 0 || close >= end) giveUp();
        out += t.slice(i, close);
        if (t[close + 1] === "'") {
          out += "'";
          i = close + 2;
          continue;
        }
        return { node: { kind: 'scalar', type: 'QUOTE_SINGLE', start: at, end: close + 1, value: out }, end: close + 1 };
      }
    }
    let out = '';
    let i = at + 1;
    for (;;) {
      if (i >= end) giveUp();
      const ch = t[i]!;
      if (ch === '"') return { node: { kind: 'scalar', type: 'QUOTE_DOUBLE', start: at, end: i + 1, value: out }, end: i + 1 };
      if (ch === '\\') {
        const e = t[i + 1];
        const simple = e === undefined ? undefined : ESCAPES[e];
        if (simple !== undefined) {
          out += simple;
          i += 2;
          continue;
        }
        const width = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
        const hex = t.slice(i + 2, i + 2 + width);
        if (!width || hex.length !== width || !/^[0-9a-fA-F]+$/.test(hex) || i + 2 + width > end) giveUp();
        const code = parseInt(hex, 16);
        if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) giveUp();
        out += String.fromCodePoint(code);
        i += 2 + width;
        continue;
      }
      out += ch;
      i++;
    }
  }

  private flow(at: number, end: number): { node: FastNode; end: number } {
    const t = this.text;
    const skip = (i: number) => {
      while (i < end && t.charCodeAt(i) === 32) i++;
      return i;
    };
    const value = (i: number): { node: FastNode; end: number } => {
      const c = t.charCodeAt(i);
      if (c === 91 || c === 123) return this.flow(i, end);
      if (c === 34 || c === 39) return this.quoted(i, end);
      return this.plain(i, end, true);
    };
    if (t[at] === '[') {
      const items: FastNode[] = [];
      let i = skip(at + 1);
      if (t[i] === ']') return { node: { kind: 'seq', start: at, end: i + 1, items }, end: i + 1 };
      for (;;) {
        const v = value(i);
        if (v.node.kind === 'scalar' && t[skip(v.end)] === ':') giveUp(); // [a: b] pairs
        items.push(v.node);
        i = skip(v.end);
        if (t[i] === ',') {
          i = skip(i + 1);
          if (t[i] === ']' || t[i] === ',') giveUp();
          continue;
        }
        if (t[i] === ']') return { node: { kind: 'seq', start: at, end: i + 1, items }, end: i + 1 };
        giveUp();
      }
    }
    const pairs: FastPair[] = [];
    const seen = new Set<string>();
    let i = skip(at + 1);
    if (t[i] === '}') return { node: { kind: 'map', start: at, end: i + 1, pairs }, end: i + 1 };
    for (;;) {
      const keyStart = i;
      const k = t.charCodeAt(i) === 34 || t.charCodeAt(i) === 39 ? this.quoted(i, end) : this.plain(i, end, true);
      const key = k.node.value;
      if (k.node.type === 'PLAIN' && (typeof key !== 'string' || !PLAIN_KEY.test(t.slice(k.node.start, k.node.end)))) giveUp();
      if (typeof key !== 'string' || key === '__proto__' || seen.has(key)) giveUp();
      seen.add(key as string);
      i = k.end;
      if (t[i] !== ':') giveUp();
      // yaml requires a space after ":" unless the key was quoted (JSON-like).
      if (t[i + 1] !== ' ') giveUp();
      i = skip(i + 1);
      if (t[i] === ',' || t[i] === '}') giveUp(); // an empty value
      const v = value(i);
      pairs.push({ key: key as string, keyStart, value: v.node });
      i = skip(v.end);
      if (t[i] === ',') {
        i = skip(i + 1);
        if (t[i] === '}' || t[i] === ',') giveUp();
        continue;
      }
      if (t[i] === '}') return { node: { kind: 'map', start: at, end: i + 1, pairs }, end: i + 1 };
      giveUp();
    }
  }

  private blockScalar(at: number, line: Line, parentIndent: number): FastNode {
    const t = this.text;
    const folded = t[at] === '>';
    let i = at + 1;
    let chomp: 'clip' | 'strip' | 'keep' = 'clip';
    if (t[i] === '-' || t[i] === '+') {
      chomp = t[i] === '-' ? 'strip' : 'keep';
      i++;
    }
    // An indentation indicator, or anything but a comment after the header: leave it to yaml.
    while (i < line.end && t.charCodeAt(i) === 32) i++;
    if (i < line.end && !(t[i] === '#' && t[i - 1] === ' ')) giveUp();
    this.li++;
    // Content lines: blank ones, and those indented more than the parent.
    const first = this.lines[this.li];
    if (!first || first.start === first.end || first.indent === first.end - first.start) giveUp(); // leading blank lines
    const indent = first!.indent;
    if (indent <= parentIndent) giveUp(); // an empty block scalar
    const content: string[] = [];
    let lastText = -1;
    while (this.li < this.lines.length) {
      const l = this.lines[this.li]!;
      const blank = l.indent === l.end - l.start;
      if (!blank && l.indent < indent) break;
      if (blank && l.end - l.start > indent) giveUp(); // whitespace-only lines longer than the indent
      content.push(blank ? '' : t.slice(l.start + indent, l.end));
      if (!blank) lastText = content.length - 1;
      this.li++;
    }
    const body = content.slice(0, lastText + 1);
    const trailing = content.length - body.length;
    let value: string;
    if (folded) {
      if (body.some((s) => s.startsWith(' '))) giveUp(); // more-indented lines keep their breaks
      value = foldLines(body);
    } else value = body.join('\n');
    if (chomp === 'clip') value += '\n';
    else if (chomp === 'keep') value += '\n'.repeat(1 + trailing);
    // Only the start and the text matter for positions; end at the next line.
    const rangeEnd = this.li < this.lines.length ? this.lines[this.li]!.start : t.length;
    return { kind: 'scalar', type: folded ? 'BLOCK_FOLDED' : 'BLOCK_LITERAL', start: at, end: rangeEnd, value };
  }
}

/** Folding of a block scalar's lines (no more-indented lines): single breaks become
 *  spaces, n blank lines between two lines become n newlines. */
function foldLines(lines: string[]): string {
  let out = '';
  let blanks = 0;
  let started = false;
  for (const s of lines) {
    if (s === '') {
      blanks++;
      continue;
    }
    if (!started) out = '\n'.repeat(blanks) + s;
    else out += blanks ? '\n'.repeat(blanks) + s : ` ${s}`;
    started = true;
    blanks = 0;
  }
  return out;
}

const ESCAPES: Record<string, string> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  e: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  N: '\u0085',
  _: '\u00a0',
  L: '\u2028',
  P: '\u2029',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  '\t': '\t',
};

/** YAML 1.2 core schema, in yaml's order: null, bool, octal, int, hex, nan/inf, exp float, float. */
function resolvePlain(s: string): unknown {
  if (/^(?:~|[Nn]ull|NULL)$/.test(s)) return null;
  if (/^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/.test(s)) return s[0] === 't' || s[0] === 'T';
  if (/^0o[0-7]+$/.test(s)) return parseInt(s.slice(2), 8);
  if (/^[-+]?[0-9]+$/.test(s)) return parseInt(s, 10);
  if (/^0x[0-9a-fA-F]+$/.test(s)) return parseInt(s.slice(2), 16);
  if (/^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(s)) {
    return s.slice(-3).toLowerCase() === 'nan' ? NaN : s[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  }
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(s)) return parseFloat(s);
  if (/^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/.test(s)) return parseFloat(s);
  return s;
}

function toValue(node: FastNode): unknown {
  if (node.kind === 'scalar') return node.value;
  if (node.kind === 'seq') return node.items!.map(toValue);
  const out: Record<string, unknown> = {};
  for (const p of node.pairs!) out[p.key] = toValue(p.value);
  return out;
}
