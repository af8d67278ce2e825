// CEL as lint sees it: a parse with a precise error range and a readable
// message, and the variable references of an expression with the position of
// each path segment. Macro variables (`pods.all(p, p.ready)`, `cel.bind`) are
// bound names, not references.
import { celLib } from '../runbook/libraries.js';

export interface CelError {
  message: string;
  /** Offsets within the expression. */
  start: number;
  end: number;
}

export interface Segment {
  name: string;
  /** Offset of the segment's text within the expression. */
  offset: number;
}

export interface CelReference {
  root: Segment;
  /** Field or constant-index segments after the root: steps.lag.result → [lag, result]. */
  path: Segment[];
}

interface Node {
  op: string;
  args: unknown;
  start: number;
  end: number;
  pos?: number;
}

export { findInterpolations, type Interpolation } from '../runbook/interpolation.js';

export type ParsedCel = { ok: true; ast: Node } | { ok: false; error: CelError };

const cache = new Map<string, ParsedCel>();

export function parseCel(expression: string): ParsedCel {
  let parsed = cache.get(expression);
  if (parsed) return parsed;
  try {
    parsed = { ok: true, ast: celLib().parse(expression).ast as unknown as Node };
  } catch (e) {
    const err = e as Error & { range?: { start: number; end: number } };
    const start = err.range?.start ?? 0;
    const end = err.range?.end ?? start;
    parsed = { ok: false, error: { message: explain(err.message ?? String(e), expression, start, end), start, end } };
  }
  cache.set(expression, parsed);
  return parsed;
}

const TOKEN_TEXT: Record<string, string> = {
  COLON: '":"',
  COMMA: '","',
  RPAREN: '")"',
  LPAREN: '"("',
  RBRACKET: '"]"',
  LBRACKET: '"["',
  RBRACE: '"}"',
  LBRACE: '"{"',
  IDENTIFIER: 'a name',
  NUMBER: 'a number',
  STRING: 'a string',
  EOF: 'the end of the expression',
};

/** cel-js messages ("Unexpected token: PLUS") in the words of the text the author wrote. */
function explain(raw: string, expression: string, start: number, end: number): string {
  const first = raw.split('\n')[0]!.trim();
  const found = expression.slice(start, Math.max(end, start + 1)).trim();
  const near = found ? `"${found}"` : 'the end of the expression';
  let m = /^Unexpected token: (\w+)/.exec(first);
  if (m) return m[1] === 'EOF' ? 'the expression ends too early' : `unexpected ${near}`;
  m = /^Unexpected character: '?(.)'?/.exec(first);
  if (m) {
    const c = m[1]!;
    const hint = c === '=' ? ' (compare with ==)' : c === '&' ? ' (use &&)' : c === '|' ? ' (use ||)' : c === '$' ? ' (conditions are CEL already: no ${{ }} needed)' : '';
    return `unexpected "${c}"${hint}`;
  }
  m = /^Expected (\w+), got (\w+)/.exec(first);
  if (m) {
    const wanted = TOKEN_TEXT[m[1]!] ?? m[1]!.toLowerCase();
    return m[2] === 'EOF' ? `expected ${wanted} before the end of the expression` : `expected ${wanted}, found ${near}`;
  }
  return first.charAt(0).toLowerCase() + first.slice(1);
}

const MACROS = new Set(['all', 'exists', 'exists_one', 'existsOne', 'map', 'filter', 'transformList', 'transformMap']);

/** Every free variable reference with its longest constant path. */
export function celReferences(ast: Node): CelReference[] {
  const found: CelReference[] = [];
  const visit = (node: unknown, bound: ReadonlySet<string>): void => {
    if (!node || typeof node !== 'object') return;
    const n = node as Node;
    if (n.op === 'id' || n.op === '.' || n.op === '.?' || n.op === '[]' || n.op === '[?]') {
      const chain = chainOf(n);
      if (chain) {
        if (!bound.has(chain.root.name)) found.push(chain);
        // Index expressions inside the chain (`steps[x]`) are visited by chainOf's caller below.
        for (const inner of chain.dynamic) visit(inner, bound);
        return;
      }
    }
    if (n.op === 'rcall') {
      const [name, target, args] = n.args as [string, Node, Node[]];
      const first = args[0];
      if (MACROS.has(name) && first?.op === 'id' && args.length >= 2) {
        visit(target, bound);
        const inner = new Set(bound).add(first.args as string);
        args.slice(1).forEach((a) => visit(a, inner));
        return;
      }
      // cel.bind(name, init, body)
      if (name === 'bind' && target?.op === 'id' && target.args === 'cel' && first?.op === 'id' && args.length === 3) {
        visit(args[1], bound);
        visit(args[2], new Set(bound).add(first.args as string));
        return;
      }
      visit(target, bound);
      args.forEach((a) => visit(a, bound));
      return;
    }
    if (n.op === 'call') {
      const [, args] = n.args as [string, Node[]];
      args.forEach((a) => visit(a, bound));
      return;
    }
    if (n.op === 'value') return;
    if (n.op === 'map') {
      for (const entry of n.args as Array<[Node, Node]>) entry.forEach((x) => visit(x, bound));
      return;
    }
    if (Array.isArray(n.args)) n.args.forEach((a) => visit(a, bound));
    else visit(n.args, bound);
  };
  visit(ast, new Set());
  return found;
}

/** `a.b["c"].d` → root a, path [b, c, d]; stops at the first non-constant index. */
function chainOf(node: Node): (CelReference & { dynamic: Node[] }) | null {
  if (node.op === 'id') return { root: { name: node.args as string, offset: node.start }, path: [], dynamic: [] };
  if (node.op === '.' || node.op === '.?') {
    const [target, field] = node.args as [Node, string];
    const inner = chainOf(target);
    if (!inner) return null;
    if (inner.dynamic.length === 0) inner.path.push({ name: field, offset: node.pos ?? node.end - field.length });
    return inner;
  }
  if (node.op === '[]' || node.op === '[?]') {
    const [target, index] = node.args as [Node, Node];
    const inner = chainOf(target);
    if (!inner) return null;
    if (index.op === 'value' && typeof index.args === 'string' && inner.dynamic.length === 0) {
      inner.path.push({ name: index.args, offset: index.start + 1 });
    } else inner.dynamic.push(index);
    return inner;
  }
  return null;
}
