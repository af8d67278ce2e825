// CEL expressions (the language Kubernetes uses for validation rules) for
// conditions, and `${{ expr }}` interpolation in strings, GitHub-Actions style.
// Used by the engine: evaluation, interpolation, and the references that decide which reads can run side by side.
import { oneLine } from '../shared/text.js';
import { parse } from '@marcbachmann/cel-js';
import { findInterpolations } from './interpolation.js';

export { findInterpolations, type Interpolation } from './interpolation.js';

export class ExpressionError extends Error {
  constructor(
    message: string,
    /** Offset within the expression text. */
    readonly offset: number,
  ) {
    super(message);
    this.name = 'ExpressionError';
  }
}

type CompiledExpression = ReturnType<typeof parse>;
const cache = new Map<string, CompiledExpression>();

export function compileExpression(expression: string): CompiledExpression {
  let compiled = cache.get(expression);
  if (compiled) return compiled;
  try {
    compiled = parse(expression);
  } catch (e) {
    const err = e as Error & { range?: { start: number } };
    throw new ExpressionError(`invalid expression "${expression}": ${oneLine(err.message).toLowerCase()}`, err.range?.start ?? 0);
  }
  cache.set(expression, compiled);
  return compiled;
}

/** A dotted reference to a variable: `steps.lag.result.totalLag` → root "steps", path ["lag","result","totalLag"]. */
export interface Reference {
  root: string;
  path: string[];
  offset: number;
}

interface AstNode {
  op: string;
  args: unknown;
  start: number;
}

/** Every variable reference in the expression, with the longest dotted path. */
export function references(expression: string): Reference[] {
  const found: Reference[] = [];
  const visit = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    const n = node as AstNode;
    if (n.op === '.' || n.op === '.?' || n.op === 'id') {
      const chain = dottedChain(n);
      if (chain) {
        found.push({ root: chain[0]!, path: chain.slice(1), offset: n.start });
        return;
      }
    }
    if (Array.isArray(n.args)) n.args.forEach((a) => (Array.isArray(a) ? a.forEach(visit) : visit(a)));
    else visit(n.args);
  };
  visit(compileExpression(expression).ast);
  return found;
}

function dottedChain(node: AstNode): string[] | null {
  if (node.op === 'id') return [node.args as string];
  if (node.op === '.' || node.op === '.?') {
    const [target, field] = node.args as [AstNode, string];
    const inner = dottedChain(target);
    return inner ? [...inner, field] : null;
  }
  return null;
}

/** CEL keeps int and double apart; JS numbers that are whole become ints so
 *  `result.totalLag * 2` and `result.share > 0.5` both work. */
function toCel(value: unknown): unknown {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map(toCel);
  if (value && typeof value === 'object' && !(value instanceof Uint8Array)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toCel(v);
    return out;
  }
  return value;
}

function fromCel(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(fromCel);
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [k, fromCel(v)]));
  if (value && typeof value === 'object' && !(value instanceof Uint8Array)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromCel(v)]));
  }
  return value;
}

export function evaluateExpression(expression: string, variables: Record<string, unknown>): unknown {
  const compiled = compileExpression(expression);
  try {
    return fromCel(compiled(toCel(variables) as Record<string, unknown>));
  } catch (e) {
    const err = e as Error & { range?: { start: number } };
    throw new ExpressionError(`cannot evaluate "${expression}": ${oneLine(err.message).toLowerCase()}`, err.range?.start ?? 0);
  }
}

/** Replace every `${{ expr }}` with its value. A string that is exactly one
 *  interpolation keeps the value's type (number, boolean, object). */
export function interpolate(text: string, variables: Record<string, unknown>): unknown {
  const found = findInterpolations(text);
  if (found.length === 0) return text;
  if (found.length === 1 && found[0]!.start === 0 && found[0]!.end === text.length) {
    return evaluateExpression(found[0]!.expression, variables);
  }
  let out = '';
  let last = 0;
  for (const f of found) {
    out += text.slice(last, f.start) + stringify(evaluateExpression(f.expression, variables));
    last = f.end;
  }
  return out + text.slice(last);
}

export function stringify(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

