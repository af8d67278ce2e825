// redis.prefixes: which key families fill the keyspace ("cache" 75%, "session" 10%…),
// from a full SCAN (never KEYS). Keys are inspected as bytes straight off the
// socket (see RespConnection.scan); only each key's prefix becomes a string.
import { withRedis } from '../../integrations/redis.js';
import type { StepType } from '../types.js';
import { countProperty, fmtBytes, fmtInt, intInput, optionalIntInput, round, since, stringInput, urlProperty } from './common.js';

export interface RedisPrefixesInput {
  url?: string;
  /** SCAN MATCH pattern; default "*". */
  match?: string;
  /** Default ":". */
  separator?: string;
  /** How many segments make a prefix: 1 → "cache", 2 → "cache:wms". Default 1. */
  depth?: number;
  /** SCAN COUNT hint: work per call (keeps each call short, so other clients wait little). Default 250. */
  count?: number;
  /** Stop after this many keys (default: the whole keyspace). */
  limit?: number;
  /** Keys per prefix measured with MEMORY USAGE to estimate each prefix's size. Default 0. */
  memorySample?: number;
  /** How many prefixes to list, largest first. Default 100. */
  top?: number;
}

export interface PrefixEntry {
  prefix: string;
  count: number;
  /** count / scanned, four decimals. */
  share: number;
  /** With memorySample: bytes of the sampled keys, and that average × count. */
  sampledBytes?: number;
  estimatedBytes?: number;
}

export interface RedisPrefixesResult {
  scanned: number;
  /** False when `limit` stopped the scan early. */
  complete: boolean;
  /** Distinct prefixes seen (the list holds the `top` largest). */
  distinct: number;
  prefixes: PrefixEntry[];
  /** The largest prefix, null on an empty keyspace. */
  top: string | null;
  durationMs: number;
}

interface Tally {
  count: number;
  samples?: Buffer[];
}

/** Beyond this many distinct prefixes, new prefixes get no memory samples (bounds memory). */
const MAX_SAMPLED_PREFIXES = 10_000;

/**
 * Where a key's prefix ends: at the depth-th separator; for keys with fewer
 * separators, at the last one (the leaf is never a prefix); a key with no
 * separator is its own prefix, as `awk -F: '{print $1}'` has it.
 */
export function prefixEnd(buf: Buffer, start: number, end: number, sep: Buffer, depth: number): number {
  let found = 0;
  let last = -1;
  if (sep.length === 1) {
    const b = sep[0];
    for (let i = start; i < end; i++) {
      if (buf[i] === b) {
        last = i;
        if (++found === depth) return i;
      }
    }
  } else {
    const n = sep.length;
    outer: for (let i = start; i + n <= end; i++) {
      for (let j = 0; j < n; j++) if (buf[i + j] !== sep[j]) continue outer;
      last = i;
      if (++found === depth) return i;
      i += n - 1;
    }
  }
  return found > 0 ? last : end;
}

export const redisPrefixes: StepType<RedisPrefixesInput, RedisPrefixesResult> = {
  name: 'redis.prefixes',
  description: 'Key-prefix histogram from a full SCAN (never KEYS), optionally with memory estimates per prefix.',
  effect: 'read',
  inputSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      url: urlProperty,
      match: { type: 'string', minLength: 1, default: '*' },
      separator: { type: 'string', minLength: 1, default: ':' },
      depth: { type: 'integer', minimum: 1, maximum: 10, default: 1 },
      count: { type: 'integer', minimum: 10, maximum: 10000, default: 250 },
      limit: { type: 'integer', minimum: 1 },
      memorySample: { type: 'integer', minimum: 0, maximum: 100, default: 0 },
      top: { type: 'integer', minimum: 1, maximum: 10000, default: 100 },
    },
  },
  resultSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['scanned', 'complete', 'distinct', 'prefixes', 'top', 'durationMs'],
    properties: {
      scanned: { ...countProperty, description: 'Keys the scan saw.' },
      complete: { type: 'boolean', description: 'False when `limit` stopped the scan early.' },
      distinct: { ...countProperty, description: 'Distinct prefixes seen.' },
      prefixes: {
        type: 'array',
        description: 'The largest prefixes, largest first.',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['prefix', 'count', 'share'],
          properties: {
            prefix: { type: 'string' },
            count: countProperty,
            share: { type: 'number', minimum: 0, maximum: 1, description: 'count / scanned, four decimals.' },
            sampledBytes: { ...countProperty, description: 'With memorySample: bytes of the sampled keys.' },
            estimatedBytes: { ...countProperty, description: 'With memorySample: the sampled average × count.' },
          },
        },
      },
      top: { type: ['string', 'null'], description: 'The largest prefix ("cache:wms:stock" at depth 3); null on an empty keyspace.' },
      durationMs: countProperty,
    },
  },
  async run(ctx, input) {
    const match = stringInput(input.match, 'match', '*');
    const sep = Buffer.from(stringInput(input.separator, 'separator', ':'));
    const depth = intInput(input.depth, 'depth', 1, 1, 10);
    const count = intInput(input.count, 'count', 250, 10, 10000);
    const limit = optionalIntInput(input.limit, 'limit', 1, Number.MAX_SAFE_INTEGER);
    const memorySample = intInput(input.memorySample, 'memorySample', 0, 0, 100);
    const top = intInput(input.top, 'top', 100, 1, 10000);
    const t0 = performance.now();

    const result = await withRedis(ctx, input.url, async (session) => {
      const tallies = new Map<string, Tally>();
      let scanned = 0;
      let nextProgress = 250_000;
      const conn = await session.rawConnection();
      const outcome = await conn.scan(
        { match: match === '*' ? undefined : match, count, limit },
        {
          key(buf, start, end) {
            const prefix = buf.toString('utf8', start, prefixEnd(buf, start, end, sep, depth));
            let t = tallies.get(prefix);
            if (t === undefined) {
              t = { count: 0 };
              if (memorySample > 0 && tallies.size < MAX_SAMPLED_PREFIXES) t.samples = [];
              tallies.set(prefix, t);
            }
            t.count++;
            if (t.samples !== undefined && t.samples.length < memorySample) {
              t.samples.push(Buffer.from(buf.subarray(start, end)));
            }
            if (++scanned === nextProgress) {
              ctx.progress(`scanned ${fmtInt(scanned)} keys`);
              nextProgress += 250_000;
            }
          },
        },
      );
      conn.close();

      const ranked = [...tallies].sort((a, b) => b[1].count - a[1].count || (a[0] < b[0] ? -1 : 1)).slice(0, top);
      const prefixes: PrefixEntry[] = ranked.map(([prefix, t]) => ({
        prefix,
        count: t.count,
        share: scanned ? round(t.count / scanned, 4) : 0,
      }));
      if (memorySample > 0) {
        for (let i = 0; i < ranked.length; i++) {
          const samples = ranked[i]![1].samples;
          if (!samples?.length) continue;
          // A few MEMORY USAGE calls per prefix, pipelined; keys gone since the scan are skipped.
          const sizes = await Promise.all(
            samples.map((k) => session.client.call('MEMORY', 'USAGE', k) as Promise<number | null>),
          );
          const known = sizes.filter((s): s is number => typeof s === 'number');
          if (known.length === 0) continue;
          const sum = known.reduce((a, b) => a + b, 0);
          prefixes[i]!.sampledBytes = sum;
          prefixes[i]!.estimatedBytes = Math.round((sum / known.length) * prefixes[i]!.count);
        }
      }
      return {
        scanned,
        complete: outcome.complete,
        distinct: tallies.size,
        prefixes,
        top: prefixes[0]?.prefix ?? null,
        durationMs: since(t0),
      } satisfies RedisPrefixesResult;
    });

    const head = result.prefixes
      .slice(0, 3)
      .map((p) => `${p.prefix} ${round(p.share * 100, 1)}%${p.estimatedBytes !== undefined ? ` ~${fmtBytes(p.estimatedBytes)}` : ''}`)
      .join(', ');
    const summary =
      `${fmtInt(result.scanned)} keys${result.complete ? '' : ' (stopped at limit)'}, ` +
      `${fmtInt(result.distinct)} prefixes${head ? `: ${head}` : ''}`;
    return { ok: true, result, summary };
  },
};
