// Parameter values: --set KEY=VALUE, else the param's env variable, else its
// default. Every value is checked against its pattern (the whole value must
// match) before anything runs.
import { secretDigest } from './fingerprint.js';
import type { Runbook } from '../runbook/types.js';

export type ParamValue = string | number | boolean;
export type ParamSource = 'set' | 'env' | 'default' | 'unset';

export interface ResolvedParams {
  values: Record<string, ParamValue>;
  sources: Record<string, ParamSource>;
  secretNames: string[];
  /** Values to redact everywhere: secret params, their env vars, URL passwords. */
  secretValues: string[];
}

/** An invalid --set or parameter value: exit 2, one line. */
export class ParamError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ParamError';
  }
}

export function parseSets(sets: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const s of sets) {
    const eq = s.indexOf('=');
    if (eq <= 0) throw new ParamError(`--set "${s}" must be KEY=VALUE`);
    out.set(s.slice(0, eq), s.slice(eq + 1));
  }
  return out;
}

const URL_PASSWORD = /[a-z][a-z0-9+.-]*:\/\/[^\s:@/]*:([^\s@/]+)@/gi;

/** What to mask of a secret value. A URL's secret is its password (and query
 *  values): masking the whole URL would hide the host the operator must see. */
function secretPartsOf(value: string): string[] {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    try {
      const u = new URL(value);
      const parts = [u.password, ...[...u.searchParams.values()]].filter((p) => p.length > 0);
      for (const p of [...parts]) {
        try {
          parts.push(decodeURIComponent(p));
        } catch {
          /* keep the raw form */
        }
      }
      return parts;
    } catch {
      /* not a URL after all: mask it whole */
    }
  }
  return [value];
}

function coerce(value: string, like: ParamValue | undefined): ParamValue {
  if (typeof like === 'number' && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  if (typeof like === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}

export function compilePattern(name: string, pattern: string): RegExp {
  try {
    // The whole value must match, whether or not the author anchored it.
    return new RegExp(`^(?:${pattern})$`);
  } catch {
    throw new ParamError(`parameter "${name}" has an invalid pattern ${pattern}`);
  }
}

export function resolveParams(
  runbook: Runbook,
  sets: readonly string[] | Map<string, string>,
  env: Record<string, string | undefined>,
): ResolvedParams {
  const declared = runbook.params ?? {};
  const given = sets instanceof Map ? sets : parseSets(sets);
  for (const key of given.keys()) {
    if (!Object.hasOwn(declared, key)) {
      const known = Object.keys(declared);
      throw new ParamError(
        `unknown parameter "${key}" in --set; ${runbook.id} takes ${known.length ? known.join(', ') : 'no parameters'}`,
      );
    }
  }
  const values: Record<string, ParamValue> = {};
  const sources: Record<string, ParamSource> = {};
  const secretNames: string[] = [];
  const secretValues = new Set<string>();
  for (const [name, p] of Object.entries(declared)) {
    let value: ParamValue | undefined;
    let source: ParamSource = 'unset';
    const fromEnv = p.env ? env[p.env] : undefined;
    if (p.secret) {
      secretNames.push(name);
      if (fromEnv) secretPartsOf(fromEnv).forEach((x) => secretValues.add(x));
    }
    if (given.has(name)) {
      value = coerce(given.get(name)!, p.default);
      source = 'set';
    } else if (fromEnv !== undefined && fromEnv !== '') {
      value = coerce(fromEnv, p.default);
      source = 'env';
    } else if (p.default !== undefined) {
      value = p.default;
      source = 'default';
    }
    if (value === undefined) {
      if (p.required) {
        throw new ParamError(
          `missing required parameter "${name}": set it with --set ${name}=VALUE${p.env ? ` or env ${p.env}` : ''}`,
        );
      }
      // No value at all: left out, so a step that needs it fails (at file:line:col,
      // "needs a value for parameter …") instead of running with an empty string.
      sources[name] = 'unset';
      continue;
    }
    const text = String(value);
    if (p.pattern !== undefined && !compilePattern(name, p.pattern).test(text)) {
      const shown = p.secret ? '' : ` (got ${JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text)})`;
      throw new ParamError(`invalid value for parameter "${name}": must match ${p.pattern}${shown}`);
    }
    if (p.secret) secretPartsOf(text).forEach((x) => secretValues.add(x));
    for (const m of text.matchAll(URL_PASSWORD)) secretValues.add(m[1]!);
    values[name] = value;
    sources[name] = source;
  }
  return { values, sources, secretNames, secretValues: [...secretValues].filter((s) => s.length > 0) };
}

/** Parameters as the journal and --json show them: secrets masked. */
export function publicParams(resolved: ResolvedParams): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = {};
  for (const [k, v] of Object.entries(resolved.values)) out[k] = resolved.secretNames.includes(k) ? '***' : v;
  return out;
}

/** Keyed fingerprints of the secret values (src/engine/fingerprint.ts). */
export function secretDigests(runId: string, p: ResolvedParams, key: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of p.secretNames) if (p.sources[name] !== 'unset') out[name] = secretDigest(runId, String(p.values[name]), key);
  return out;
}
