// INC-004 Redis OOM, end to end: the real CLI against a private redis-server
// with a small maxmemory and noeviction, filled with the seed's offenders
// (cache:wms:stock:* without TTL, session:*, dispatch:invitations:*, lock:*).
import type { Redis } from 'ioredis';
import { startRedisServer, type PrivateRedis } from '../support/redis-server.js';
import { allKeys, connect, fillOom, type OomSeed } from '../support/e2e-redis.js';
import { assertBuilt, expectExit, finished, ofType, oncallRun, scratch, startedIds, STACK_FRAME } from '../support/e2e-cli.js';

let redis: PrivateRedis;
let client: Redis;
let seed: OomSeed;
let home: ReturnType<typeof scratch>;
let before: string[];

const PASSWORD = 'oom-s3cret-pw';
const fmt = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
const run = (...args: string[]) =>
  oncallRun(home.dir, ['INC-004', '--non-interactive', '--json', '--set', `redis_url=${redis.url}`, '--set', 'eviction_window=1', ...args]);

/** Commands Redis ran since the last CONFIG RESETSTAT ("config|get"), minus the RESETSTAT itself. */
async function commandsSince(): Promise<string[]> {
  const stats = await client.info('commandstats');
  return [...stats.matchAll(/^cmdstat_([^:]+):calls=/gm)].map((m) => m[1]!).filter((c) => c !== 'config|resetstat');
}

beforeAll(async () => {
  assertBuilt();
  home = scratch();
  redis = await startRedisServer({ maxmemory: '8mb', maxmemoryPolicy: 'noeviction', password: PASSWORD });
  client = await connect(redis.url);
  seed = await fillOom(client);
  before = await allKeys(client);
}, 60_000);

afterAll(async () => {
  client?.disconnect();
  await redis?.stop();
  home?.cleanup();
});

test('the fixture is an OOM: memory above 90% of maxmemory, mostly cache:wms:stock:* keys without TTL', async () => {
  expect(seed.usedPercent).toBeGreaterThan(90);
  expect(seed.stock.length).toBeGreaterThan(10 * (seed.sessions.length + seed.invitations.length));
  expect(await client.ttl(seed.stock[0]!)).toBe(-1);
  expect(seed.locks.length).toBeGreaterThan(0);
});

test('without approval: memory > 90% detected, the pattern flush recommended, the run stops before it (exit 3), no key deleted', async () => {
  const r = await run();
  expectExit(r, 3);
  const memory = finished(r.events, 'memory')!;
  expect(memory.status).toBe('ok');
  expect(memory.result.usedMemoryPercent).toBeGreaterThan(90);
  expect(memory.result.maxmemoryPolicy).toBe('noeviction');
  expect(finished(r.events, 'prefixes')!.result.top).toBe('cache:wms:stock');

  const decision = ofType(r.events, 'decision-needed')[0]!;
  const flush = decision.choices.find((c: { id: string }) => c.id === 'a');
  expect(flush).toMatchObject({ recommended: true });
  expect(flush.evidence).toMatch(/^Top prefix cache:wms:stock; memory at 9\d(\.\d+)?% of maxmemory$/);
  expect(decision.choices.find((c: { id: string }) => c.id === 'b').recommended).toBe(false);
  expect(ofType(r.events, 'decision-made').find((e) => e.decision === 'option')).toMatchObject({ value: 'a', by: 'auto-selected: recommended' });

  // The approval request shows exactly what would go, then nothing runs.
  const needed = ofType(r.events, 'approval-needed');
  expect(needed.map((e) => e.stepId)).toEqual(['flush']);
  expect(needed[0]).toMatchObject({ highRisk: true, confirmText: 'cache:wms:stock:*' });
  expect(needed[0]!.plan.summary).toContain(`would delete ${fmt(seed.stock.length)} keys matching cache:wms:stock:*`);
  expect(ofType(r.events, 'approval-declined')[0]).toMatchObject({ stepId: 'flush', reason: 'not-approved', hint: '--approve flush' });
  expect(startedIds(r.events)).not.toContain('flush');
  expect(r.events.at(-1)).toMatchObject({ type: 'run-finished', outcome: 'stopped', exitCode: 3, approveHint: '--approve flush' });
  expect(r.stderr).toMatch(/^oncall: stopped before write step "flush": not approved/);

  expect(await allKeys(client)).toEqual(before);
  // The journal tells the same story, event for event.
  expect(r.journal.map((e) => e.seq)).toEqual(r.events.map((e) => e.seq));
});

test('--dry-run: shows "would delete N keys matching cache:wms:stock:*", deletes nothing, reconfigures nothing', async () => {
  await client.config('RESETSTAT');
  const configBefore = await client.config('GET', 'maxmemory*');
  const dbsize = await client.dbsize();
  const r = await run('--dry-run');
  expectExit(r, 0);
  expect(r.events.at(-1)).toMatchObject({ type: 'run-finished', outcome: 'rehearsed' });
  const flush = finished(r.events, 'flush')!;
  expect(flush).toMatchObject({ status: 'planned', effect: 'write' });
  expect(flush.summary).toBe(`would delete ${fmt(seed.stock.length)} keys matching cache:wms:stock:* (0 protected keys kept)`);
  // Options b and c (CONFIG SET maxmemory / maxmemory-policy, CONFIG REWRITE) are shown with the
  // server's current values, not run: 8 MiB × grow_factor 1.5 = 12 MiB.
  const target = `redis://:***@127.0.0.1:${redis.port}`;
  expect(finished(r.events, 'maxmemory')).toMatchObject({
    status: 'planned',
    effect: 'write',
    summary: 'would set maxmemory 8.0 MiB → 12.0 MiB',
    plan: { target, details: ['maxmemory: 8388608 (8.0 MiB) → 12582912 (12.0 MiB)'] },
  });
  expect(finished(r.events, 'policy')).toMatchObject({
    status: 'planned',
    summary: 'would set maxmemory-policy noeviction → volatile-lru',
    plan: { target, details: ['maxmemory-policy: noeviction → volatile-lru'] },
  });
  // This server was started without a config file: the rehearsal says the rewrite cannot work.
  expect(finished(r.events, 'persistconfig')).toMatchObject({
    status: 'planned',
    summary: 'would rewrite the config file, but the server runs without one: CONFIG REWRITE will fail',
  });
  expect(ofType(r.events, 'step-started').filter((e) => e.effect === 'write')).toEqual([]);
  expect(r.stdout).not.toMatch(STACK_FRAME);
  expect(r.stdout).not.toContain(PASSWORD);

  expect(await client.dbsize()).toBe(dbsize);
  expect(await allKeys(client)).toEqual(before);
  expect(await client.config('GET', 'maxmemory*')).toEqual(configBefore);
  // The plans read the real values (CONFIG GET), and nothing was set or rewritten.
  const ran = await commandsSince();
  expect(ran).toContain('config|get');
  expect(ran.filter((c) => /^config\|(set|rewrite|resetstat)$/.test(c))).toEqual([]);
});

test('--option a --approve flush: every cache:wms:stock:* key goes, every session:*, lock:* and dispatch:invitations:* key stays', async () => {
  const r = await run('--option', 'a', '--approve', 'flush');
  expectExit(r, 0);
  expect(r.events.at(-1)).toMatchObject({ type: 'run-finished', outcome: 'resolved', exitCode: 0 });
  expect(finished(r.events, 'flush')).toMatchObject({
    status: 'ok',
    result: { pattern: 'cache:wms:stock:*', deleted: seed.stock.length, protectedSkipped: 0, complete: true },
  });
  // SCAN may hand out a key twice while the table shrinks under the UNLINKs:
  // `matched` counts SCAN hits, `deleted` is UNLINK's own (exact) count.
  expect(finished(r.events, 'flush')!.result.matched).toBeGreaterThanOrEqual(seed.stock.length);
  expect(finished(r.events, 'memoryafter')!.result.usedMemoryPercent).toBeLessThan(70);
  expect(finished(r.events, 'memoryok')).toMatchObject({ status: 'ok' });
  expect(finished(r.events, 'evictionrate')).toMatchObject({ status: 'ok' });
  // The eviction rate is measured after the wait, not beside it.
  const seqOf = (type: string, id: string) => r.events.find((e) => e.type === type && e.stepId === id)!.seq;
  expect(seqOf('step-started', 'evictionrate')).toBeGreaterThan(seqOf('step-finished', 'evictwait'));

  expect(await allKeys(client, 'cache:wms:stock:*')).toEqual([]);
  expect(await allKeys(client, 'session:*')).toEqual(seed.sessions);
  expect(await allKeys(client, 'lock:*')).toEqual(seed.locks);
  expect(await allKeys(client, 'dispatch:invitations:*')).toEqual(seed.invitations);
  expect(await allKeys(client, 'cache:wms:price:*')).toEqual(seed.otherCache);
  expect(await allKeys(client)).toEqual([...seed.sessions, ...seed.locks, ...seed.invitations, ...seed.otherCache].sort());

  // The journal records the option taken and who approved the flush, and how.
  expect(r.journal.find((e) => e.type === 'decision-made' && e.decision === 'option')).toMatchObject({ value: 'a', by: 'flag' });
  const given = r.journal.find((e) => e.type === 'approval-given')!;
  expect(given).toMatchObject({ stepId: 'flush', via: 'flag', optionId: 'a' });
  expect(typeof given.approver).toBe('string');
  // The password inside the Redis URL is never printed nor journaled.
  expect(r.stdout).not.toContain(PASSWORD);
  expect(JSON.stringify(r.journal)).not.toContain(PASSWORD);
});

test('--option b: maxmemory is set and read back; CONFIG REWRITE on a server without a config file fails the step, not a false ✓', async () => {
  const r = await run('--option', 'b', '--approve', 'maxmemory', '--approve', 'persistconfig');
  expectExit(r, 1);
  // 8 MiB × 1.5, read back from the server after the set.
  expect(finished(r.events, 'maxmemory')).toMatchObject({
    status: 'ok',
    summary: 'maxmemory 8.0 MiB → 12.0 MiB (read back)',
    result: { parameters: [{ name: 'maxmemory', before: '8388608', requested: '12582912', after: '12582912', matches: true }] },
  });
  expect(await client.config('GET', 'maxmemory')).toEqual(['maxmemory', '12582912']);
  const persist = finished(r.events, 'persistconfig')!;
  expect(persist).toMatchObject({ status: 'failed', effect: 'write' });
  expect(persist.summary).toBe(`redis at redis://:***@127.0.0.1:${redis.port}: CONFIG REWRITE failed: ERR The server is running without a config file`);
  expect(startedIds(r.events)).not.toContain('rolling-restart');
  expect(r.events.at(-1)).toMatchObject({ type: 'run-finished', exitCode: 1 });
  expect(r.stdout).not.toMatch(STACK_FRAME);
  expect(r.stdout).not.toContain(PASSWORD);
  expect(JSON.stringify(r.journal)).not.toContain(PASSWORD);
});

test('--option c: maxmemory-policy is set and read back', async () => {
  const r = await run('--option', 'c', '--approve', 'policy');
  expectExit(r, 0);
  expect(finished(r.events, 'policy')).toMatchObject({
    status: 'ok',
    summary: 'maxmemory-policy noeviction → volatile-lru (read back)',
    result: { values: { 'maxmemory-policy': 'volatile-lru' } },
  });
  expect(await client.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'volatile-lru']);
});
