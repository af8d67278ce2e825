// redis.delete-pattern: remove keys by pattern without blocking the server —
// SCAN MATCH in short calls, UNLINK in bounded pipelined batches — and never
// touch keys under a protected prefix (sessions, locks), whatever the pattern.
import { CommandBuilder, withRedis, type RedisSession } from '../../integrations/redis.js';
import type { Plan, StepContext, StepType } from '../types.js';
import { StepError } from '../types.js';
import { countProperty, fmtInt, intInput, optionalIntInput, since, stringInput, urlProperty } from './common.js';
import { coversPrefix, matchesEverything } from './glob.js';

export interface RedisDeletePatternInput {
  url?: string;
  /** SCAN MATCH glob, e.g. "cache:wms:stock:*". */
  pattern: string;
  /** Key prefixes never deleted even when they match. Default ["session:", "lock:"]. */
  protect?: string[];
  /** Keys per UNLINK. Default 500. */
  batch?: number;
  /** SCAN COUNT hint. Default 250: with UNLINKs interleaved, short SCANs keep other clients' waits low (measured). */
  count?: number;
  /** Delete at most this many keys. */
  limit?: number;
}

export interface RedisDeletePatternResult {
  pattern: string;
  /** Keys SCAN returned for the pattern, protected ones included. */
  matched: number;
  /** Keys actually removed (UNLINK's own count). */
  deleted: number;
  /** Matching keys kept because of a protected prefix. */
  protectedSkipped: number;
  /** False when `limit` stopped the sweep before the end of the keyspace. */
  complete: boolean;
  durationMs: number;
}

export const DEFAULT_PROTECT = ['session:', 'lock:'];
/** UNLINK batches in flight at once: enough to keep the server busy, few enough not to crowd others out. */
const MAX_INFLIGHT = 2;

interface Checked {
  pattern: string;
  protect: string[];
  batch: number;
  count: number;
  limit: number | undefined;
}

function check(input: RedisDeletePatternInput): Checked {
  const pattern = stringInput(input.pattern, 'pattern');
  const protect = input.protect ?? DEFAULT_PROTECT;
  if (!Array.isArray(protect) || protect.some((p) => typeof p !== 'string' || p === '')) {
    throw new StepError('input "protect" must be a list of non-empty key prefixes', 'bad-input');
  }
  if (matchesEverything(pattern)) {
    throw new StepError(`refusing pattern "${pattern}": it matches every key; name the key family to delete (e.g. "cache:wms:stock:*")`, 'refused');
  }
  const covered = protect.find((p) => coversPrefix(pattern, p));
  if (covered !== undefined) {
    throw new StepError(`refusing pattern "${pattern}": it matches every key under the protected prefix "${covered}"`, 'refused');
  }
  return {
    pattern,
    protect,
    batch: intInput(input.batch, 'batch', 500, 1, 10000),
    count: intInput(input.count, 'count', 250, 10, 10000),
    limit: optionalIntInput(input.limit, 'limit', 1, Number.MAX_SAFE_INTEGER),
  };
}

function isProtected(buf: Buffer, start: number, end: number, protect: Buffer[]): boolean {
  outer: for (const p of protect) {
    if (p.length > end - start) continue;
    for (let i = 0; i < p.length; i++) if (buf[start + i] !== p[i]) continue outer;
    return true;
  }
  return false;
}

interface Sweep {
  matched: number;
  candidates: number;
  deleted: number;
  protectedSkipped: number;
  complete: boolean;
}

/** One pass over the pattern; with `remove`, candidates are UNLINKed as they come. */
async function sweep(ctx: StepContext, session: RedisSession, c: Checked, remove: boolean): Promise<Sweep> {
  const protect = c.protect.map((p) => Buffer.from(p));
  const conn = await session.rawConnection();
  const s: Sweep = { matched: 0, candidates: 0, deleted: 0, protectedSkipped: 0, complete: false };
  let batch = new CommandBuilder().addString('UNLINK');
  const inflight = new Set<Promise<unknown>>();
  let failure: Error | undefined;
  let nextProgress = 100_000;

  const flush = () => {
    if (batch.length <= 1) return;
    const p = conn.send(batch).then(
      (n) => {
        s.deleted += Number(n);
        if (remove) ctx.tally?.({ done: s.deleted, unit: 'keys', doing: 'deleting' });
      },
      (err: Error) => {
        failure ??= err;
      },
    );
    batch = new CommandBuilder().addString('UNLINK');
    inflight.add(p);
    void p.finally(() => inflight.delete(p));
  };

  const outcome = await conn.scan(
    { match: c.pattern, count: c.count },
    {
      key(buf, start, end) {
        s.matched++;
        if (isProtected(buf, start, end, protect)) {
          s.protectedSkipped++;
          return;
        }
        if (c.limit !== undefined && s.candidates >= c.limit && remove) return;
        s.candidates++;
        if (!remove) return;
        // A range of the received bytes, not a copy: it is sent within a batch or two.
        batch.add(buf, start, end);
        if (batch.length > c.batch) flush();
        if (s.candidates >= nextProgress) {
          ctx.progress(`unlinked ${fmtInt(s.deleted)} keys, ${fmtInt(s.candidates)} queued`);
          nextProgress += 100_000;
        }
      },
      beforeNext() {
        if (failure) return false;
        if (remove && c.limit !== undefined && s.candidates >= c.limit) return false;
        if (inflight.size < MAX_INFLIGHT) return true;
        return Promise.race(inflight).then(() => !failure);
      },
    },
  );
  flush();
  await Promise.all(inflight);
  conn.close();
  if (failure) {
    throw new StepError(
      `redis at ${session.target.redacted}: UNLINK failed after ${fmtInt(s.deleted)} keys were deleted: ${failure.message.split('\n')[0]}`,
      'redis-write',
    );
  }
  s.complete = outcome.complete;
  return s;
}

export const redisDeletePattern: StepType<RedisDeletePatternInput, RedisDeletePatternResult> = {
  name: 'redis.delete-pattern',
  description: 'Delete keys matching a pattern with SCAN + UNLINK in bounded batches; protected prefixes are never touched.',
  effect: 'write',
  inputSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['pattern'],
    properties: {
      url: urlProperty,
      pattern: { type: 'string', minLength: 1, description: 'SCAN MATCH glob, e.g. cache:wms:stock:*' },
      protect: { type: 'array', items: { type: 'string', minLength: 1 }, default: DEFAULT_PROTECT },
      batch: { type: 'integer', minimum: 1, maximum: 10000, default: 500 },
      count: { type: 'integer', minimum: 10, maximum: 10000, default: 250 },
      limit: { type: 'integer', minimum: 1 },
    },
  },
  resultSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['pattern', 'matched', 'deleted', 'protectedSkipped', 'complete', 'durationMs'],
    properties: {
      pattern: { type: 'string' },
      matched: { ...countProperty, description: 'Keys SCAN returned for the pattern, protected ones included.' },
      deleted: { ...countProperty, description: "Keys removed (UNLINK's own count)." },
      protectedSkipped: { ...countProperty, description: 'Matching keys kept because of a protected prefix.' },
      complete: { type: 'boolean', description: 'False when `limit` stopped the sweep early.' },
      durationMs: countProperty,
    },
  },

  async plan(ctx, input): Promise<Plan> {
    const c = check(input);
    const s = await withRedis(ctx, input.url, (session) => sweep(ctx, session, c, false).then((r) => ({ ...r, where: session.target.redacted })));
    const would = c.limit !== undefined ? Math.min(c.limit, s.candidates) : s.candidates;
    const of = would < s.candidates ? ` of ${fmtInt(s.candidates)}` : '';
    return {
      summary: `would delete ${fmtInt(would)}${of} keys matching ${c.pattern} (${fmtInt(s.protectedSkipped)} protected keys kept)`,
      target: c.pattern,
      amount: would,
      details: [`redis: ${s.where}`, `protected prefixes: ${c.protect.length ? c.protect.join(', ') : '(none)'}`],
    };
  },

  async run(ctx, input) {
    const c = check(input);
    const t0 = performance.now();
    const s = await withRedis(ctx, input.url, (session) => sweep(ctx, session, c, true));
    const result: RedisDeletePatternResult = {
      pattern: c.pattern,
      matched: s.matched,
      deleted: s.deleted,
      protectedSkipped: s.protectedSkipped,
      complete: s.complete,
      durationMs: since(t0),
    };
    const summary =
      `deleted ${fmtInt(s.deleted)} keys matching ${c.pattern} (${fmtInt(s.protectedSkipped)} protected keys kept)` +
      `${s.complete ? '' : ', stopped at limit'} in ${(result.durationMs / 1000).toFixed(1)}s`;
    return { ok: true, result, summary };
  },
};
