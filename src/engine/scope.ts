// What expressions see: params, steps.<id>.result / .status, env, clock and,
// inside expect/until, result. Errors name the runbook file, line and column.
import { relative } from 'node:path';
import {
  ExpressionError,
  evaluateExpression,
  findInterpolations,
  references,
  stringify,
  type Reference,
} from '../runbook/expressions.js';
import { locate, locateWithin, type DocPath, type SourceFile } from '../runbook/source.js';
import type { StepStatus } from './events.js';

/** A runbook problem found while running, reported as file:line:col. */
export class LocatedError extends Error {
  constructor(
    readonly detail: string,
    readonly file: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`${file}:${line}:${column}: ${detail}`);
    this.name = 'LocatedError';
  }
}

export interface StepState {
  status: StepStatus;
  result?: unknown;
}

export interface ConditionOutcome {
  value: boolean;
  /** Set when the condition was treated as false because a step it reads has no result. */
  note?: string;
}

export function displayPath(file: string, cwd = process.cwd()): string {
  const rel = relative(cwd, file);
  return rel && !rel.startsWith('..') ? rel : file;
}

const refCache = new Map<string, Reference[]>();

export class Scope {
  readonly steps = new Map<string, StepState>();
  private readonly shownFile: string;

  constructor(
    private readonly params: Record<string, unknown>,
    private readonly env: Record<string, string | undefined>,
    private readonly elapsedMs: () => number,
    private readonly source: SourceFile | undefined,
    file: string,
    /** Declared parameters that got no value (no --set, env or default). */
    private readonly unsetParams: ReadonlySet<string> = new Set(),
  ) {
    this.shownFile = displayPath(file);
  }

  setStep(id: string, state: StepState): void {
    this.steps.set(id, state);
  }

  private refs(expression: string): Reference[] {
    let refs = refCache.get(expression);
    if (!refs) {
      try {
        refs = references(expression);
      } catch {
        refs = [];
      }
      refCache.set(expression, refs);
    }
    return refs;
  }

  /** Only what the expression reads is converted for CEL: results can be big. */
  variables(expression: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
    const refs = this.refs(expression);
    const steps: Record<string, unknown> = {};
    const env: Record<string, string> = {};
    const pick = (id: string): void => {
      const s = this.steps.get(id);
      if (s) steps[id] = s.result === undefined ? { status: s.status } : s;
    };
    if (refs.some((r) => r.root === 'steps' && r.path.length === 0)) for (const id of this.steps.keys()) pick(id);
    else for (const r of refs) if (r.root === 'steps' && r.path[0]) pick(r.path[0]);
    if (refs.some((r) => r.root === 'env' && r.path.length === 0)) {
      for (const [k, v] of Object.entries(this.env)) if (v !== undefined) env[k] = v;
    } else {
      for (const r of refs) {
        const v = r.root === 'env' && r.path[0] ? this.env[r.path[0]] : undefined;
        if (v !== undefined) env[r.path[0]!] = v;
      }
    }
    const elapsed = this.elapsedMs();
    return {
      params: this.params,
      steps,
      env,
      clock: { elapsedMinutes: Math.floor(elapsed / 60_000), elapsedSeconds: Math.floor(elapsed / 1000) },
      ...extra,
    };
  }

  locate(path: DocPath, offset?: number): { line: number; column: number } {
    if (!this.source) return { line: 0, column: 0 };
    return offset === undefined ? locate(this.source, path) : locateWithin(this.source, path, offset);
  }

  located(detail: string, path: DocPath, offset?: number): LocatedError {
    const { line, column } = this.locate(path, offset);
    return new LocatedError(detail, this.shownFile, line, column);
  }

  /** Evaluates a whole-field expression (when, expect, recommend…) at `path`. */
  evaluate(expression: string, path: DocPath, extra?: Record<string, unknown>): unknown {
    try {
      return evaluateExpression(expression, this.variables(expression, extra));
    } catch (e) {
      if (e instanceof ExpressionError) throw this.located(e.message, path, e.offset);
      throw e;
    }
  }

  /** A condition. When it fails because a step it reads has no usable result
   *  (failed, skipped, planned in a dry-run, not run), it is false, with a note. */
  condition(expression: string, path: DocPath, extra?: Record<string, unknown>): ConditionOutcome {
    let value: unknown;
    try {
      value = evaluateExpression(expression, this.variables(expression, extra));
    } catch (e) {
      if (!(e instanceof ExpressionError)) throw e;
      const missing = this.missingResults(expression);
      if (missing.length) return { value: false, note: `"${expression}" needs ${missing.join(' and ')}; treated as false` };
      throw this.located(e.message, path, e.offset);
    }
    if (typeof value !== 'boolean') {
      throw this.located(`condition "${expression}" must be true or false, got ${JSON.stringify(value)}`, path, 0);
    }
    return { value };
  }

  /** "the result of "lag" (failed)" for every step the expression reads that has no
   *  usable result, and every parameter it reads that has no value. */
  missingResults(expression: string): string[] {
    const refs = this.refs(expression);
    const out = new Set<string>();
    for (const r of refs) {
      if (r.root === 'params' && r.path[0] !== undefined && this.unsetParams.has(r.path[0])) {
        out.add(`a value for parameter "${r.path[0]}" (none given, no default)`);
        continue;
      }
      if (r.root !== 'steps' || r.path.length < 2 || r.path[1] !== 'result') continue;
      const id = r.path[0]!;
      const s = this.steps.get(id);
      if (!s) out.add(`the result of "${id}" (not run)`);
      else if (s.status !== 'ok' || s.result === undefined) out.add(`the result of "${id}" (${s.status})`);
    }
    return [...out];
  }

  /** The values an expression read: {"steps.lag.result.share": 0.83}. */
  values(expression: string, extra?: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const refs = this.refs(expression);
    const vars = this.variables(expression, extra);
    for (const r of refs) {
      const name = [r.root, ...r.path].join('.');
      if (name in out) continue;
      let v: unknown = vars[r.root];
      for (const seg of r.path) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[seg] : undefined;
      if (v !== undefined) out[name] = typeof v === 'string' && v.length > 200 ? `${v.slice(0, 200)}…` : v;
    }
    return out;
  }

  /** `${{ }}` interpolation of the string at `path`. A string that is one
   *  interpolation keeps its type. Errors are located inside the string. */
  interpolate(text: string, path: DocPath, extra?: Record<string, unknown>, offsets?: number[]): unknown {
    const found = findInterpolations(text);
    if (!found.length) return text;
    const valueOf = (i: (typeof found)[number]): unknown => {
      const at = offsets?.[found.indexOf(i)] ?? i.offset;
      try {
        return evaluateExpression(i.expression, this.variables(i.expression, extra));
      } catch (e) {
        if (e instanceof ExpressionError) {
          const missing = this.missingResults(i.expression);
          const detail = missing.length ? `"${i.expression}" needs ${missing.join(' and ')}` : `${e.message}${this.convertedValue(i.expression, extra)}`;
          throw this.located(detail, path, at + e.offset);
        }
        throw e;
      }
    };
    if (found.length === 1 && found[0]!.start === 0 && found[0]!.end === text.length) return valueOf(found[0]!);
    let out = '';
    let last = 0;
    for (const f of found) {
      out += text.slice(last, f.start) + stringify(valueOf(f));
      last = f.end;
    }
    return out + text.slice(last);
  }

  /** For a failed conversion (`int(steps.q.result.lines[0])`): the value it was given,
   *  so the operator sees what the step printed instead of a number. */
  private convertedValue(expression: string, extra?: Record<string, unknown>): string {
    const m = /^\s*(int|uint|double|bool)\s*\(([\s\S]*)\)\s*$/.exec(expression);
    if (!m) return '';
    try {
      const value = evaluateExpression(m[2]!, this.variables(m[2]!, extra));
      return ` (the value was ${JSON.stringify(stringify(value))})`;
    } catch {
      return '';
    }
  }

  /** Interpolation for text shown to people (messages, evidence, manual
   *  instructions): a value that cannot be computed becomes ‹expr?› and a note. */
  interpolateText(text: string, path: DocPath, notes: string[]): string {
    const found = findInterpolations(text);
    if (!found.length) return text;
    let out = '';
    let last = 0;
    for (const f of found) {
      let piece: string;
      try {
        piece = stringify(evaluateExpression(f.expression, this.variables(f.expression)));
      } catch (e) {
        const missing = this.missingResults(f.expression);
        const why = missing.length ? `needs ${missing.join(' and ')}` : (e as Error).message;
        const at = this.locate(path, f.offset);
        notes.push(`${this.shownFile}:${at.line}:${at.column}: cannot show "${f.expression}": ${why}`);
        piece = `‹${f.expression}?›`;
      }
      out += text.slice(last, f.start) + piece;
      last = f.end;
    }
    return out + text.slice(last);
  }

  /** Deep interpolation of a `with:` object. */
  interpolateDeep(value: unknown, path: DocPath): unknown {
    if (typeof value === 'string') return this.interpolate(value, path);
    if (Array.isArray(value)) return value.map((v, i) => this.interpolateDeep(v, [...path, i]));
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = this.interpolateDeep(v, [...path, k]);
      return out;
    }
    return value;
  }
}
