// Input coercion shared by the kafka step types. Values may arrive as strings
// after `${{ }}` interpolation, so integers are accepted as digit strings too.

import { StepError } from '../types.js';

export const brokersSchema = {
  type: 'string',
  description: 'Comma-separated bootstrap brokers (host:port). Default: $KAFKA_BROKERS, else localhost:9092.',
};

/** Schema for an integer that may also be written as a string after interpolation. */
export function integerSchema(description: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: ['integer', 'string'], description, ...extra };
}

export function requiredString(input: Record<string, unknown>, key: string, step: string): string {
  const v = input[key];
  if (typeof v !== 'string' || v.trim() === '') {
    throw new StepError(`${step}: input "${key}" is required (a non-empty string)`, 'bad-input');
  }
  return v.trim();
}

export function optionalString(input: Record<string, unknown>, key: string, step: string): string | undefined {
  const v = input[key];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw new StepError(`${step}: input "${key}" must be a string, got ${JSON.stringify(v)}`, 'bad-input');
  return v.trim() || undefined;
}

export function integerInput(
  input: Record<string, unknown>,
  key: string,
  step: string,
  opts: { default?: number; min?: number; max?: number } = {},
): number {
  const v = input[key];
  if (v === undefined || v === null || v === '') {
    if (opts.default !== undefined) return opts.default;
    throw new StepError(`${step}: input "${key}" is required (an integer)`, 'bad-input');
  }
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n)) {
    throw new StepError(`${step}: input "${key}" must be an integer, got ${JSON.stringify(v)}`, 'bad-input');
  }
  if (opts.min !== undefined && n < opts.min) {
    throw new StepError(`${step}: input "${key}" must be ≥ ${opts.min}, got ${n}`, 'bad-input');
  }
  if (opts.max !== undefined && n > opts.max) {
    throw new StepError(`${step}: input "${key}" must be ≤ ${opts.max}, got ${n}`, 'bad-input');
  }
  return n;
}

export const fmtInt = (n: number) => n.toLocaleString('en-US');
