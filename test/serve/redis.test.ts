// Two receivers sharing one real Redis (127.0.0.1:6379, a key prefix of this
// test's own): the same alert delivered to both is triaged once; a claim whose
// replica died (key left to expire) lets the alert be triaged again; what a
// replica knows for certain costs no round trip; the queue's room as in memory;
// a Redis that stops answering (a private redis-server, stopped) fails open.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { RedisClaims } from '../../src/serve/dedupe.js';
import { startRedisServer } from '../support/redis-server.js';
import { fixture, journals, payload, post, startServer, until, type Fixture } from './helpers.js';

const URL_ = 'redis://127.0.0.1:6379';
const prefix = `oncall-test:serve:${randomBytes(4).toString('hex')}:`;
let f: Fixture;
let redis: Redis;
beforeAll(() => {
  f = fixture();
  redis = new Redis(URL_);
});
afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
  f.cleanup();
});

test('two servers sharing --redis triage a fingerprint once', async () => {
  const times = { runningMs: 30_000, windowMs: 30_000 };
  const a = await startServer(f, { stateDir: join(f.dir, 'a') }, await RedisClaims.connect(URL_, prefix, times));
  const b = await startServer(f, { stateDir: join(f.dir, 'b') }, await RedisClaims.connect(URL_, prefix, times));
  const body = payload([{ fingerprint: 'r1', delay: '0.3' }, { fingerprint: 'r2' }]);
  const answers = await Promise.all([post(a.url, body), post(b.url, body), post(a.url, body), post(b.url, body)]);
  expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200]);
  await until(() => a.server.metrics.triaged + b.server.metrics.triaged === 2);
  await new Promise((r) => setTimeout(r, 200));
  expect(a.server.metrics.triaged + b.server.metrics.triaged).toBe(2);
  expect(a.server.metrics.deduplicated + b.server.metrics.deduplicated).toBe(6);
  expect(journals(join(f.dir, 'a')).length + journals(join(f.dir, 'b')).length).toBe(2);
  // Finished: the key now holds the dedupe window.
  const ttl = await redis.pttl(`${prefix}r1`);
  expect(ttl).toBeGreaterThan(20_000);
  await a.server.stop(1000);
  await b.server.stop(1000);
});

test('a claim left by a replica that died expires, and the alert is triaged again', async () => {
  // A dead replica's claim: set like RedisClaims does, never finished or released.
  await redis.set(`${prefix}dead1`, 'dead-replica:0000', 'PX', 150, 'NX');
  const claims = await RedisClaims.connect(URL_, prefix, { runningMs: 30_000, windowMs: 30_000 });
  const s = await startServer(f, { stateDir: join(f.dir, 'c') }, claims);
  expect((await post(s.url, payload([{ fingerprint: 'dead1' }]))).status).toBe(200);
  // Answered before the claim is back (the queue has room): counted once Redis said no.
  await until(() => s.server.metrics.deduplicated === 1);
  await new Promise((r) => setTimeout(r, 200));
  await post(s.url, payload([{ fingerprint: 'dead1' }]));
  await until(() => s.server.metrics.triaged === 1);
  await s.server.stop(1000);
});

test('a claim that expired and was taken by another replica is not overwritten by the first', async () => {
  const times = { runningMs: 100, windowMs: 30_000 };
  const one = await RedisClaims.connect(URL_, prefix, times);
  const two = await RedisClaims.connect(URL_, prefix, times);
  expect(await one.claim('x1')).toBe(true);
  expect(await two.claim('x1')).toBe(false);
  await new Promise((r) => setTimeout(r, 150));
  expect(await two.claim('x1')).toBe(true);
  await one.finish('x1'); // late: must not touch two's claim
  expect(await redis.get(`${prefix}x1`)).not.toMatch(/:done$/);
  await two.finish('x1');
  expect(await redis.get(`${prefix}x1`)).toMatch(/:done$/);
  await one.close();
  await two.close();
});

test('what a replica knows for certain it answers without Redis; what may change it asks again', async () => {
  const times = { runningMs: 30_000, windowMs: 30_000 };
  const one = await RedisClaims.connect(URL_, prefix, times);
  const two = await RedisClaims.connect(URL_, prefix, times);
  try {
    // Its own running claim: a repeat is a duplicate even with the key gone behind its back (no round trip).
    expect(await one.claim('own1')).toBe(true);
    await redis.del(`${prefix}own1`);
    expect(await one.claim('own1')).toBe(false);
    // Its own finished window: the same.
    expect(await one.claim('own2')).toBe(true);
    await one.finish('own2');
    expect(await redis.get(`${prefix}own2`)).toMatch(/:done$/);
    await redis.del(`${prefix}own2`);
    expect(await one.claim('own2')).toBe(false);
    // Another replica's finished window: remembered for the time the key has left.
    expect(await two.claim('done1')).toBe(true);
    await two.finish('done1');
    expect(await one.claim('done1')).toBe(false);
    await redis.del(`${prefix}done1`);
    expect(await one.claim('done1')).toBe(false);
    // Another replica's running claim is not remembered: it may be released (queue full, shutdown).
    expect(await two.claim('run1')).toBe(true);
    expect(await one.claim('run1')).toBe(false);
    await two.release('run1');
    expect(await one.claim('run1')).toBe(true);
    // A released claim of its own is forgotten at once.
    await one.release('run1');
    expect(await two.claim('run1')).toBe(true);
  } finally {
    await one.close();
    await two.close();
  }
});

test('a finished window another replica holds is remembered only as long as its key lives', async () => {
  const one = await RedisClaims.connect(URL_, prefix, { runningMs: 30_000, windowMs: 30_000 });
  const two = await RedisClaims.connect(URL_, prefix, { runningMs: 30_000, windowMs: 150 });
  try {
    expect(await two.claim('short1')).toBe(true);
    await two.finish('short1');
    expect(await one.claim('short1')).toBe(false);
    await new Promise((r) => setTimeout(r, 200));
    expect(await one.claim('short1')).toBe(true);
  } finally {
    await one.close();
    await two.close();
  }
});

test('with --redis the queue room works as in memory: a full queue refuses only new alerts, and none stays claimed', async () => {
  const p = `${prefix}room:`;
  const claims = await RedisClaims.connect(URL_, p, { runningMs: 30_000, windowMs: 30_000 });
  const s = await startServer(f, { stateDir: join(f.dir, 'room'), concurrency: 1, queueSize: 1 }, claims);
  expect((await post(s.url, payload([{ fingerprint: 'w1', delay: '1' }]))).status).toBe(200);
  await until(() => s.server.metrics.text().includes('oncall_serve_triages_running 1'));
  expect((await post(s.url, payload([{ fingerprint: 'w1', delay: '1' }, { fingerprint: 'w2', delay: '0' }]))).status).toBe(200);
  const full = await post(s.url, payload([{ fingerprint: 'w1' }, { fingerprint: 'w2' }, { fingerprint: 'w3' }]));
  expect(full.status).toBe(503);
  expect(await redis.exists(`${p}w3`)).toBe(0);
  await until(() => s.server.metrics.triaged === 2);
  expect((await post(s.url, payload([{ fingerprint: 'w1' }, { fingerprint: 'w2' }, { fingerprint: 'w3' }]))).status).toBe(200);
  await until(() => s.server.metrics.triaged === 3);
  expect(journals(join(f.dir, 'room'))).toHaveLength(3);
  await s.server.stop(1000);
});

test('Redis gone: alerts are still triaged, each once by this replica, and the failures are counted', async () => {
  const own = await startRedisServer();
  const claims = await RedisClaims.connect(own.url, prefix, { runningMs: 30_000, windowMs: 30_000 });
  const s = await startServer(f, { stateDir: join(f.dir, 'gone') }, claims);
  try {
    await own.stop();
    expect((await post(s.url, payload([{ fingerprint: 'g1' }]))).status).toBe(200);
    await until(() => s.server.metrics.triaged === 1);
    expect((await post(s.url, payload([{ fingerprint: 'g1' }]))).status).toBe(200);
    await new Promise((r) => setTimeout(r, 200));
    expect(s.server.metrics.triaged).toBe(1);
    expect(s.server.metrics.deduplicated).toBe(1);
    expect(claims.errors).toBe(1);
    expect(s.server.metrics.text()).toMatch(/^oncall_serve_claim_errors_total 1$/m);
    expect(journals(join(f.dir, 'gone'))).toHaveLength(1);
  } finally {
    await s.server.stop(1000);
  }
});
