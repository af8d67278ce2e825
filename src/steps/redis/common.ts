// Small helpers shared by the redis.* step types: input checks that give one-line
// errors, number formatting for summaries, and the `url` input schema.
import { StepError } from '../types.js';

export const urlProperty = {
  type: 'string',
  description: 'redis:// or rediss:// URL (password allowed, always redacted); default $REDIS_URL, then redis://127.0.0.1:6379',
} as const;

/** A count or size in a result. */
export const countProperty = { type: 'integer', minimum: 0 } as const;

/** A number INFO may lack (older servers, other roles): null then. */
export const infoNumber = { type: ['number', 'null'] } as const;

export function intInput(
  value: unknown,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined || value === null) return fallback;
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
    throw new StepError(`input "${name}" must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`, 'bad-input');
  }
  return n;
}

export function optionalIntInput(value: unknown, name: string, min: number, max: number): number | undefined {
  return value === undefined || value === null ? undefined : intInput(value, name, 0, min, max);
}

export function stringInput(value: unknown, name: string, fallback?: string): string {
  if (value === undefined || value === null) {
    if (fallback !== undefined) return fallback;
    throw new StepError(`input "${name}" is required`, 'bad-input');
  }
  if (typeof value !== 'string' || value === '') {
    throw new StepError(`input "${name}" must be a non-empty string, got ${JSON.stringify(value)}`, 'bad-input');
  }
  return value;
}

/** 550098 → "550,098" */
export function fmtInt(n: number): string {
  // Not toLocaleString: its first call loads ICU data (~25 ms).
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** 1536 → "1.5 KiB" */
export function fmtBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} B` : `${v.toFixed(1)} ${units[u]}`;
}

export function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

export function since(t0: number): number {
  return Math.round(performance.now() - t0);
}
