// YAML parsing that keeps source ranges, so every later problem (schema,
// rule, expression, runtime) can be reported at file:line:col.
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { Diagnostic } from './diagnostic.js';

export type DocPath = ReadonlyArray<string | number>;

export interface Position {
  line: number;
  column: number;
}

export interface SourceFile {
  file: string;
  text: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
}

export interface ParsedSource {
  source: SourceFile;
  /** YAML syntax errors; when non-empty, `value` must not be trusted. */
  errors: Diagnostic[];
  value: unknown;
}

export function parseSource(file: string, text: string): ParsedSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const source: SourceFile = { file, text, doc, lineCounter };
  const errors: Diagnostic[] = doc.errors.map((e) => {
    const { line, col } = lineCounter.linePos(e.pos[0]);
    return { file, line, column: col, severity: 'error', ruleId: 'yaml-syntax', message: firstLine(e.message) };
  });
  const value = errors.length ? undefined : doc.toJS({ maxAliasCount: 100 });
  return { source, errors, value };
}

/** The node at `path`, or the deepest existing ancestor when the path runs out. */
function nodeAt(doc: Document.Parsed, path: DocPath): { node: Node | null; keyNode: Node | null; depth: number } {
  let node: Node | null = doc.contents;
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
  return { node, keyNode, depth };
}

/** Position of the value at `path` (or of its key with `on: 'key'`). A missing
 *  path resolves to the deepest existing ancestor, which is where a
 *  "missing property" belongs. */
export function locate(source: SourceFile, path: DocPath, on: 'key' | 'value' = 'value'): Position {
  const { node, keyNode } = nodeAt(source.doc, path);
  const target = on === 'key' && keyNode ? keyNode : node;
  const offset = target?.range?.[0] ?? 0;
  const { line, col } = source.lineCounter.linePos(offset);
  return { line, column: col };
}

/** Position of a character offset inside the scalar at `path` (for expression errors).
 *  Only exact for plain or single-line quoted scalars; block scalars fall back to the value start. */
export function locateWithin(source: SourceFile, path: DocPath, offsetInValue: number): Position {
  const { node } = nodeAt(source.doc, path);
  if (!node?.range || !isScalar(node)) return locate(source, path);
  const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE' ? 1 : 0;
  const raw = source.text.slice(node.range[0], node.range[1]);
  if (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED' || raw.includes('\n')) return locate(source, path);
  const { line, col } = source.lineCounter.linePos(node.range[0] + quoted + offsetInValue);
  return { line, column: col };
}

export function lineText(source: SourceFile, line: number): string {
  const start = source.lineCounter.lineStarts[line - 1] ?? 0;
  const end = source.lineCounter.lineStarts[line] ?? source.text.length;
  return source.text.slice(start, end).replace(/\r?\n$/, '');
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}
