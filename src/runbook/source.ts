// YAML parsing that keeps source ranges, so every later problem (schema,
// rule, expression, runtime) can be reported at file:line:col.
import type { Document, Node } from 'yaml';
import type { Diagnostic } from './diagnostic.js';
import { fastParse, type FastNode } from './fast-yaml.js';
import { yamlLib } from './libraries.js';


export type DocPath = ReadonlyArray<string | number>;

export interface Position {
  line: number;
  column: number;
}

/** Offsets → 1-based line and column (the shape of yaml's LineCounter). */
export interface Lines {
  lineStarts: number[];
  linePos(offset: number): { line: number; col: number };
}

export interface SourceFile {
  file: string;
  text: string;
  /** yaml's document, when yaml parsed the text. */
  doc?: Document.Parsed;
  /** The fast parser's tree, when it parsed the text (see fast-yaml.ts). */
  tree?: FastNode;
  lineCounter: Lines;
}

function linesOf(lineStarts: number[]): Lines {
  return {
    lineStarts,
    linePos(offset: number) {
      let lo = 0;
      let hi = lineStarts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (lineStarts[mid]! <= offset) lo = mid;
        else hi = mid - 1;
      }
      return { line: lo + 1, col: offset - lineStarts[lo]! + 1 };
    },
  };
}

export interface ParsedSource {
  source: SourceFile;
  /** YAML syntax errors; when non-empty, `value` must not be trusted. */
  errors: Diagnostic[];
  value: unknown;
}

/** Runbooks are a few kilobytes; parsing megabytes of YAML takes seconds. */
export const MAX_SOURCE_BYTES = 1024 * 1024;
/** Later YAML errors are mostly echoes of the first ones. */
const MAX_YAML_ERRORS = 10;

export function parseSource(file: string, text: string, options: { fast?: boolean } = {}): ParsedSource {
  const refusal = refuse(text);
  if (refusal) {
    const source: SourceFile = { file, text, lineCounter: linesOf([0]) };
    return { source, errors: [{ file, line: 1, column: 1, severity: 'error', ruleId: 'yaml-syntax', message: refusal }], value: undefined };
  }
  const deep = tooDeep(text);
  if (deep >= 0) {
    const lineStarts = [0, ...[...text.matchAll(/\n/g)].map((m) => m.index! + 1)];
    const lines = linesOf(lineStarts);
    const { line, col } = lines.linePos(deep);
    const message = `collections nested more than ${MAX_NESTING} levels deep; a runbook never needs that`;
    return { source: { file, text, lineCounter: lines }, errors: [{ file, line, column: col, severity: 'error', ruleId: 'yaml-syntax', message }], value: undefined };
  }
  // Most runbooks are in the plain subset the fast parser reads exactly; the rest
  // (and every file with a YAML error) goes through yaml.
  // ONCALL_FAST_YAML=0 turns the fast path off (to rule it out when debugging,
  // and for CI's second pass); `fast: true` asks for it whatever the environment.
  const useFast = options.fast ?? process.env.ONCALL_FAST_YAML !== '0';
  const fast = useFast ? fastParse(text) : undefined;
  if (fast) return { source: { file, text, tree: fast.root, lineCounter: linesOf(fast.lineStarts) }, errors: [], value: fast.value };
  // yaml loads only when needed: a runbook outside the fast subset, or with an error.
  const { LineCounter, parseDocument } = yamlLib();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const source: SourceFile = { file, text, doc, lineCounter };
  const seen = new Set<string>();
  const errors: Diagnostic[] = [];
  for (const e of doc.errors) {
    const { line, col } = lineCounter.linePos(e.pos[0]);
    const message = yamlMessage(e.message);
    const key = `${line}:${col}:${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    errors.push({ file, line, column: col, severity: 'error', ruleId: 'yaml-syntax', message });
    if (errors.length >= MAX_YAML_ERRORS) break;
  }
  let value: unknown;
  if (!errors.length) {
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (e) {
      // e.g. an alias bomb beyond maxAliasCount.
      errors.push({ file, line: 1, column: 1, severity: 'error', ruleId: 'yaml-syntax', message: yamlMessage((e as Error).message) });
    }
  }
  return { source, errors, value };
}

/** Deeper than this, the YAML parser (and everything after it) would recurse out of stack. */
export const MAX_NESTING = 64;

/** Offset of the first `[`/`{` (or indentation step) past MAX_NESTING levels, or -1. */
function tooDeep(text: string): number {
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    if ((c === '"' || c === "'") && (depth > 0 || /[\s:[{,-]/.test(text[i - 1] ?? ' '))) quote = c;
    else if (c === '#' && /\s/.test(text[i - 1] ?? ' ')) {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl;
    } else if (c === '[' || c === '{') {
      if (++depth > MAX_NESTING) return i;
    } else if ((c === ']' || c === '}') && depth > 0) depth--;
  }
  // Block collections nest by indentation: 2 spaces a level is the narrowest.
  const deepIndent = /^( {128,})\S/m.exec(text);
  return deepIndent ? deepIndent.index + deepIndent[1]!.length : -1;
}

/** Decodes a file's bytes as UTF-8, or says where the first invalid byte is. */
export function decodeUtf8(bytes: Uint8Array): { text: string } | { line: number; column: number; message: string } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    const head = bytes.subarray(0, 8192);
    if (head.includes(0) || (new TextDecoder('utf-8').decode(head).match(/\uFFFD/g)?.length ?? 0) > 4) return { line: 1, column: 1, message: 'file is binary, not UTF-8 YAML text' };
    const at = firstInvalidUtf8(bytes);
    const before = new TextDecoder('utf-8').decode(bytes.subarray(0, at));
    const lines = before.split('\n');
    const hex = bytes[at]!.toString(16).padStart(2, '0');
    return { line: lines.length, column: lines[lines.length - 1]!.length + 1, message: `invalid UTF-8 (byte 0x${hex}); runbooks are UTF-8 text` };
  }
}

function firstInvalidUtf8(b: Uint8Array): number {
  for (let i = 0; i < b.length; ) {
    const x = b[i]!;
    const n = x < 0x80 ? 0 : x >= 0xc2 && x < 0xe0 ? 1 : x >= 0xe0 && x < 0xf0 ? 2 : x >= 0xf0 && x < 0xf5 ? 3 : -1;
    if (n < 0) return i;
    for (let k = 1; k <= n; k++) if (i + k >= b.length || (b[i + k]! & 0xc0) !== 0x80) return i;
    // Overlong three-byte forms and surrogates are invalid too.
    if (n === 2 && ((x === 0xe0 && b[i + 1]! < 0xa0) || (x === 0xed && b[i + 1]! >= 0xa0))) return i;
    if (n === 3 && ((x === 0xf0 && b[i + 1]! < 0x90) || (x === 0xf4 && b[i + 1]! >= 0x90))) return i;
    i += n + 1;
  }
  return 0;
}

/** Text that is not a runbook at all: too big, or binary. */
function refuse(text: string): string | undefined {
  const bytes = text.length; // UTF-16 units: close enough for a limit
  if (bytes > MAX_SOURCE_BYTES) {
    return `file is too large for a runbook (${(bytes / 1024 / 1024).toFixed(1)} MB; the limit is ${MAX_SOURCE_BYTES / 1024 / 1024} MB)`;
  }
  const head = text.slice(0, 8192);
  // NUL never occurs in text; U+FFFD is what invalid UTF-8 decodes to.
  if (head.includes('\u0000') || (head.match(/\uFFFD/g)?.length ?? 0) > 4) return 'file is binary, not UTF-8 YAML text';
  return undefined;
}

function yamlMessage(message: string): string {
  const line = firstLine(message);
  return line.charAt(0).toLowerCase() + line.slice(1);
}

interface Found {
  /** Offset of the node (the deepest existing ancestor when the path runs out). */
  start: number | undefined;
  /** Offset just after the node's value (yaml's range[1]). */
  end: number | undefined;
  /** Offset of the key of the last segment matched, when it was a mapping key. */
  keyStart: number | undefined;
  /** Offset just after that key. */
  keyEnd: number | undefined;
  /** How many segments of the path matched. */
  depth: number;
  scalar?: { type: string; value: unknown; start: number; end: number };
}

/** The node at `path`, or the deepest existing ancestor when the path runs out. */
function nodeAt(source: SourceFile, path: DocPath): Found {
  return source.tree ? fastNodeAt(source.text, source.tree, path) : yamlNodeAt(source.doc?.contents ?? null, path);
}

function yamlNodeAt(contents: Node | null, path: DocPath): Found {
  const { isMap, isScalar, isSeq } = yamlLib();
  let node: Node | null = contents;
  let keyNode: Node | null = null;
  let depth = 0;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
      if (!pair) break;
      keyNode = pair.key as Node;
      node = (pair.value as Node | null) ?? keyNode;
    } else if (isSeq(node) && typeof segment === 'number' && node.items[segment]) {
      keyNode = null;
      node = node.items[segment] as Node;
    } else break;
    depth++;
  }
  const scalar = node && isScalar(node) && node.range ? { type: String(node.type), value: node.value, start: node.range[0], end: node.range[1] } : undefined;
  return { start: node?.range?.[0], end: node?.range?.[1], keyStart: keyNode?.range?.[0], keyEnd: keyNode?.range?.[1], depth, scalar };
}

function fastNodeAt(text: string, root: FastNode, path: DocPath): Found {
  let node = root;
  let keyStart: number | undefined;
  let keyEnd: number | undefined;
  let depth = 0;
  for (const segment of path) {
    if (node.kind === 'map') {
      const pair = node.pairs!.find((p) => p.key === String(segment));
      if (!pair) break;
      keyStart = pair.keyStart;
      keyEnd = keyEndAt(text, pair.keyStart, pair.key);
      node = pair.value;
    } else if (node.kind === 'seq' && typeof segment === 'number' && node.items![segment]) {
      keyStart = keyEnd = undefined;
      node = node.items![segment]!;
    } else break;
    depth++;
  }
  const scalar = node.kind === 'scalar' ? { type: node.type!, value: node.value, start: node.start, end: node.end } : undefined;
  return { start: node.start, end: node.end, keyStart, keyEnd, depth, scalar };
}

/** The fast parser keeps only where a key starts: a plain key is its text, a quoted one ends at its closing quote. */
function keyEndAt(text: string, start: number, key: string): number {
  const q = text[start];
  if (q !== '"' && q !== "'") return start + key.length;
  for (let i = start + 1; i < text.length; i++) {
    if (q === '"' && text[i] === '\\') i++;
    else if (q === "'" && text[i] === "'" && text[i + 1] === "'") i++;
    else if (text[i] === q) return i + 1;
  }
  return start + key.length;
}

/** Position of the value at `path` (or of its key with `on: 'key'`). A missing
 *  path resolves to the deepest existing ancestor, which is where a
 *  "missing property" belongs. */
export function locate(source: SourceFile, path: DocPath, on: 'key' | 'value' = 'value'): Position {
  const found = nodeAt(source, path);
  const offset = (on === 'key' && found.keyStart !== undefined ? found.keyStart : found.start) ?? 0;
  const { line, col } = source.lineCounter.linePos(offset);
  return { line, column: col };
}

/** Position of a character offset inside the string scalar at `path` (for
 *  expression and command errors). Follows escapes, folded lines and block
 *  indentation; falls back to the value start when the text cannot be matched. */
export function locateWithin(source: SourceFile, path: DocPath, offsetInValue: number): Position {
  const at = offsetWithin(source, path, offsetInValue);
  if (at === undefined) return locate(source, path);
  const { line, col } = source.lineCounter.linePos(at);
  return { line, column: col };
}

/** A position and where it ends: the line and column just after the last character (SARIF's region). */
export interface Range extends Position {
  endLine: number;
  endColumn: number;
}

/** Like `locate`, with the end of the key or value (for a missing path, of the deepest existing ancestor). */
export function locateRange(source: SourceFile, path: DocPath, on: 'key' | 'value' = 'value'): Range {
  const found = nodeAt(source, path);
  const useKey = on === 'key' && found.keyStart !== undefined;
  const start = (useKey ? found.keyStart : found.start) ?? 0;
  return rangeOf(source, start, (useKey ? found.keyEnd : found.end) ?? start);
}

/** Like `locateWithin`, for `length` characters of the string (one when the length is unknown). */
export function locateRangeWithin(source: SourceFile, path: DocPath, offsetInValue: number, length = 0): Range {
  const at = offsetWithin(source, path, offsetInValue);
  if (at === undefined) return locateRange(source, path);
  const end = length > 0 ? offsetWithin(source, path, offsetInValue + length) : undefined;
  return rangeOf(source, at, end ?? at + 1);
}

function offsetWithin(source: SourceFile, path: DocPath, offsetInValue: number): number | undefined {
  const { depth, scalar } = nodeAt(source, path);
  if (depth < path.length || !scalar || typeof scalar.value !== 'string') return undefined;
  return sourceOffset(source.text, scalar.start, scalar.end, scalar.type, scalar.value, offsetInValue);
}

function rangeOf(source: SourceFile, start: number, end: number): Range {
  // A block value's range runs on over the line breaks after it; an empty one still covers a character.
  let last = end;
  while (last > start && /\s/.test(source.text[last - 1] ?? '')) last--;
  if (last <= start) last = start + 1;
  const from = source.lineCounter.linePos(start);
  const to = source.lineCounter.linePos(last);
  return { line: from.line, column: from.col, endLine: to.line, endColumn: to.col };
}

/**
 * Where character `offset` of a scalar's value sits in the source. The value
 * is walked against the raw text: equal characters advance both, and what the
 * parser removed (quotes, escapes, indentation, folded line breaks) is skipped.
 */
function sourceOffset(text: string, start: number, end: number, type: string, value: string, offset: number): number | undefined {
  let j = start;
  if (type === 'QUOTE_DOUBLE' || type === 'QUOTE_SINGLE') j++;
  else if (type === 'BLOCK_LITERAL' || type === 'BLOCK_FOLDED') {
    const eol = text.indexOf('\n', j);
    if (eol < 0) return undefined;
    j = eol + 1;
  }
  const target = Math.min(Math.max(offset, 0), value.length);
  for (let i = 0; i <= target; i++) {
    if (i === value.length) return Math.min(j, end);
    const c = value[i]!;
    let guard = 0;
    for (;;) {
      if (j >= end || guard++ > 400) return undefined;
      const r = text[j]!;
      if (type === 'QUOTE_DOUBLE' && r === '\\') {
        const escaped = text[j + 1] ?? '';
        if (escaped === '\n' || escaped === '\r') {
          j += 2;
          continue;
        }
        const width = escaped === 'x' ? 4 : escaped === 'u' ? 6 : escaped === 'U' ? 10 : 2;
        if (i === target) return j;
        j += width;
        break;
      }
      if (type === 'QUOTE_SINGLE' && r === "'" && text[j + 1] === "'") {
        if (i === target) return j;
        j += 2;
        break;
      }
      if (r === c) {
        if (i === target) return j;
        j++;
        break;
      }
      // A folded line break reads as a space (or as nothing at the end of a block).
      if ((c === ' ' || c === '\n') && /\s/.test(r)) {
        if (i === target) return j;
        while (j < end && /\s/.test(text[j]!) && text[j] !== c) j++;
        if (text[j] === c) j++;
        break;
      }
      if (/\s/.test(r)) {
        j++;
        continue;
      }
      return undefined;
    }
  }
  return undefined;
}

export function lineText(source: SourceFile, line: number): string {
  const start = source.lineCounter.lineStarts[line - 1] ?? 0;
  const end = source.lineCounter.lineStarts[line] ?? source.text.length;
  return source.text.slice(start, end).replace(/\r?\n$/, '');
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}
