// Input coercion shared by the kafka step types. Values may arrive as strings
// after `${{ }}` interpolation, so integers are accepted as digit strings too.

import { parseBrokerTimeout } from '../../integrations/kafka.js';
import { StepError } from '../types.js';

export const brokersSchema = {
  type: 'string',
  description: 'Comma-separated bootstrap brokers (host:port). Default: $KAFKA_BROKERS, else localhost:9092.',
};

export const brokerTimeoutSchema = {
  type: ['string', 'integer'],
  description:
    'How long each bootstrap broker has to answer before the others are used without it (500ms, 1.5s, or milliseconds). ' +
    'Default: $KAFKA_BROKER_TIMEOUT, else 1.5s; never more than the step timeout.',
};

/** The `brokerTimeout` input in milliseconds, undefined when not given. */
export function brokerTimeoutInput(input: Record<string, unknown>, step: string): number | undefined {
  const v = input.brokerTimeout;
  if (v === undefined || v === null || v === '') return undefined;
  const ms = typeof v === 'string' || typeof v === 'number' ? parseBrokerTimeout(v) : null;
  if (ms === null) {
    throw new StepError(`${step}: input "brokerTimeout" must be a duration such as 1500ms or 1.5s, got ${JSON.stringify(v)}`, 'bad-input');
  }
  return ms;
}

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
