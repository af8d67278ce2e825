// redis.* step types against the real Redis on 127.0.0.1:6379 (or $REDIS_URL).
// Every key lives under this file's own random prefix and is removed afterwards.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { redisBigkeys, redisDeletePattern, redisInfo, redisLlen, redisPrefixes } from '../../src/steps/redis/index.js';
import { infoResult, parseInfo } from '../../src/steps/redis/info.js';
import { StepError, type StepContext } from '../../src/steps/types.js';

const URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const tp = `oncall-test:${randomBytes(4).toString('hex')}:`;
let redis: Redis;

function ctx(timeoutMs = 10_000): StepContext {
  return { signal: new AbortController().signal, timeoutMs, env: { REDIS_URL: URL }, progress: () => {} };
}

async function keysUnder(prefix: string): Promise<string[]> {
  const out: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    out.push(...keys);
  } while (cursor !== '0');
  return [...new Set(out)];
}

async function seed(prefix: string, n: number, value = 'v'): Promise<void> {
  const p = redis.pipeline();
  for (let i = 1; i <= n; i++) p.set(`${prefix}${i}`, value);
  await p.exec();
}

beforeAll(async () => {
  redis = new Redis(URL);
  await redis.ping();
});

afterAll(async () => {
  const left = await keysUnder(tp);
  if (left.length) await redis.unlink(...left);
  // Binary keys do not round-trip through strings: sweep them as buffers.
  const [, bin] = await redis.scanBuffer('0', 'MATCH', `${tp}*`, 'COUNT', 10000);
  if (bin.length) await redis.unlink(...bin);
  redis.disconnect();
});

describe('redis.info', () => {
  it('parses INFO into numbers', async () => {
    await redis.set(`${tp}info`, 'x');
    const { ok, result, summary } = await redisInfo.run(ctx(), {});
    expect(ok).toBe(true);
    expect(typeof result.usedMemory).toBe('number');
    expect(result.usedMemory).toBeGreaterThan(0);
    expect(typeof result.maxmemory).toBe('number');
    expect(typeof result.connectedClients).toBe('number');
    expect(typeof result.evictedKeys).toBe('number');
    expect(result.maxmemoryPolicy).toMatch(/^[a-z-]+$/);
    expect(result.dbKeys.db0).toBeGreaterThan(0);
    expect(result.totalKeys).toBeGreaterThanOrEqual(result.dbKeys.db0!);
    if (result.maxmemory === 0) expect(result.usedMemoryPercent).toBeNull();
    expect(summary).toMatch(/memory/);
  });

  it('computes percent and hit rate from the fields', () => {
    const text = [
      '# Memory',
      'used_memory:943718400',
      'used_memory_human:900.00M',
      'maxmemory:1073741824',
      'maxmemory_policy:allkeys-lru',
      '# Stats',
      'keyspace_hits:970',
      'keyspace_misses:30',
      'evicted_keys:12',
      '# Keyspace',
      'db0:keys=10,expires=2,avg_ttl=0',
      'db9:keys=5,expires=0,avg_ttl=0',
    ].join('\r\n');
    const r = infoResult(parseInfo(text));
    expect(r.usedMemoryPercent).toBe(87.89);
    expect(r.hitRate).toBe(0.97);
    expect(r.evictedKeys).toBe(12);
    expect(r.dbKeys).toEqual({ db0: 10, db9: 5 });
    expect(r.totalKeys).toBe(15);
    expect(infoResult(parseInfo('maxmemory:0\r\nused_memory:5\r\n')).usedMemoryPercent).toBeNull();
  });

  it('fetches the named sections only', async () => {
    const { result } = await redisInfo.run(ctx(), { sections: ['memory', 'keyspace'] });
    expect(result.usedMemory).toBeGreaterThan(0);
    expect(result.connectedClients).toBeNull();
  });
});

describe('redis.llen', () => {
  it('gives the length of a list, 0 for a missing key', async () => {
    await redis.rpush(`${tp}queue`, 'a', 'b', 'c', 'd', 'e');
    expect((await redisLlen.run(ctx(), { key: `${tp}queue` })).result).toEqual({ key: `${tp}queue`, length: 5 });
    expect((await redisLlen.run(ctx(), { key: `${tp}nope` })).result.length).toBe(0);
  });

  it('says which type the key has when it is not a list', async () => {
    await redis.set(`${tp}str`, 'x');
    await expect(redisLlen.run(ctx(), { key: `${tp}str` })).rejects.toThrow(/key "oncall-test:[0-9a-f]+:str" holds a string, not a list/);
  });
});

describe('redis.prefixes', () => {
  const hp = `${tp}hist:`;
  beforeAll(async () => {
    await seed(`${hp}cache:wms:`, 300);
    await seed(`${hp}session:`, 120);
    await seed(`${hp}lock:`, 30);
    // Long names: replies span several socket reads.
    await seed(`${hp}long:${'x'.repeat(300)}:`, 1500);
  });

  it('counts keys per prefix, largest first', async () => {
    const { result, summary } = await redisPrefixes.run(ctx(), { match: `${hp}*`, depth: 4 });
    expect(result.scanned).toBe(1950);
    expect(result.complete).toBe(true);
    expect(result.distinct).toBe(4);
    expect(result.prefixes).toEqual([
      { prefix: `${hp}long`, count: 1500, share: 0.7692 },
      { prefix: `${hp}cache`, count: 300, share: 0.1538 },
      { prefix: `${hp}session`, count: 120, share: 0.0615 },
      { prefix: `${hp}lock`, count: 30, share: 0.0154 },
    ]);
    expect(result.top).toBe(`${hp}long`);
    expect(summary).toMatch(/^1,950 keys, 4 prefixes/);
  });

  it('goes deeper with depth, and never makes a prefix of the leaf', async () => {
    const { result } = await redisPrefixes.run(ctx(), { match: `${hp}*`, depth: 5, count: 100 });
    const byPrefix = Object.fromEntries(result.prefixes.map((p) => [p.prefix, p.count]));
    expect(byPrefix[`${hp}cache:wms`]).toBe(300);
    // "…:session:17" has no fifth separator: its prefix stops before the leaf.
    expect(byPrefix[`${hp}session`]).toBe(120);
  });

  it('stops at limit and estimates memory from samples', async () => {
    const { result } = await redisPrefixes.run(ctx(), { match: `${hp}*`, depth: 4, limit: 500, memorySample: 3 });
    expect(result.scanned).toBe(500);
    expect(result.complete).toBe(false);
    for (const p of result.prefixes) {
      expect(p.sampledBytes).toBeGreaterThan(0);
      expect(p.estimatedBytes).toBeGreaterThanOrEqual(p.sampledBytes!);
    }
  });

  it('accepts a multi-character separator', async () => {
    await seed(`${tp}sep::a::`, 4);
    const { result } = await redisPrefixes.run(ctx(), { match: `${tp}sep::*`, separator: '::', depth: 2 });
    expect(result.prefixes).toEqual([{ prefix: `${tp}sep::a`, count: 4, share: 1 }]);
  });
});

describe('redis.bigkeys', () => {
  it('finds the big one among small keys', async () => {
    const bp = `${tp}big:`;
    await seed(`${bp}small:`, 200);
    await redis.set(`${bp}blob`, 'x'.repeat(200_000));
    const h: Record<string, string> = {};
    for (let i = 0; i < 500; i++) h[`f${i}`] = 'y'.repeat(50);
    await redis.hset(`${bp}hash`, h);
    const { result, summary } = await redisBigkeys.run(ctx(), { match: `${bp}*`, top: 3 });
    expect(result.sampled).toBe(202);
    expect(result.keys).toHaveLength(3);
    expect(result.keys[0]).toMatchObject({ key: `${bp}blob`, type: 'string' });
    expect(result.keys[0]!.bytes).toBeGreaterThan(200_000);
    expect(result.keys[1]).toMatchObject({ key: `${bp}hash`, type: 'hash' });
    expect(summary).toContain(`${bp}blob`);
  });
});

describe('redis.delete-pattern', () => {
  const dp = `${tp}del:`;
  const protect = [`${dp}session:`, `${dp}lock:`];
  const binaryKey = Buffer.concat([Buffer.from(`${dp}cache:wms:stock:`), Buffer.from([0xff, 0xfe, 0x00])]);

  beforeEach(async () => {
    const old = await keysUnder(dp);
    if (old.length) await redis.unlink(...old);
    await seed(`${dp}cache:wms:stock:`, 1200);
    await seed(`${dp}cache:wms:loc:`, 50);
    // These match "*stock*" but sit under protected prefixes.
    await seed(`${dp}session:stock:`, 40);
    await seed(`${dp}lock:stock:`, 5);
    await redis.set(binaryKey, 'v');
  });

  it('plans without deleting anything', async () => {
    const before = (await keysUnder(dp)).length;
    const plan = await redisDeletePattern.plan!(ctx(), { pattern: `${dp}*stock*`, protect });
    expect(plan.summary).toBe(`would delete 1,201 keys matching ${dp}*stock* (45 protected keys kept)`);
    expect(plan.target).toBe(`${dp}*stock*`);
    expect((await keysUnder(dp)).length).toBe(before);
    expect(await redis.exists(binaryKey)).toBe(1);
  });

  it('deletes exactly the matching keys outside protected prefixes', async () => {
    const { ok, result, summary } = await redisDeletePattern.run(ctx(), { pattern: `${dp}*stock*`, protect, batch: 100, count: 200 });
    expect(ok).toBe(true);
    expect(result).toMatchObject({ matched: 1246, deleted: 1201, protectedSkipped: 45, complete: true });
    expect(summary).toMatch(/^deleted 1,201 keys matching .* \(45 protected keys kept\)/);
    const left = await keysUnder(dp);
    expect(left.filter((k) => k.startsWith(`${dp}cache:wms:stock:`))).toEqual([]);
    expect(left.filter((k) => k.startsWith(`${dp}session:stock:`))).toHaveLength(40);
    expect(left.filter((k) => k.startsWith(`${dp}lock:stock:`))).toHaveLength(5);
    expect(left.filter((k) => k.startsWith(`${dp}cache:wms:loc:`))).toHaveLength(50);
    expect(await redis.exists(binaryKey)).toBe(0);
  });

  it('stops at limit', async () => {
    const { result } = await redisDeletePattern.run(ctx(), { pattern: `${dp}cache:wms:stock:*`, protect, limit: 300, batch: 64 });
    expect(result.deleted).toBe(300);
    expect(result.complete).toBe(false);
    expect((await keysUnder(`${dp}cache:wms:stock:`)).length).toBe(1201 - 300);
  });

  it.each([
    ['*', /matches every key/],
    ['**', /matches every key/],
    ['session:*', /every key under the protected prefix "session:"/],
    ['*:*', /protected prefix "session:"/],
    ['lock*', /protected prefix "lock:"/],
  ])('refuses %s with the default protection', async (pattern, message) => {
    const err = await redisDeletePattern.run(ctx(), { pattern }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StepError);
    expect((err as StepError).message).toMatch(message);
    expect((err as StepError).code).toBe('refused');
    await expect(redisDeletePattern.plan!(ctx(), { pattern })).rejects.toThrow(message);
    expect(await redis.exists(`${dp}cache:wms:stock:1`)).toBe(1);
  });

  it('refuses a pattern that covers a custom protected prefix', async () => {
    await expect(redisDeletePattern.run(ctx(), { pattern: `${dp}session:*`, protect })).rejects.toThrow(/protected prefix/);
    expect((await keysUnder(`${dp}session:`)).length).toBe(40);
  });
});
