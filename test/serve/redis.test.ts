// Two receivers sharing one real Redis (127.0.0.1:6379, a key prefix of this
// test's own): the same alert delivered to both is triaged once; a claim whose
// replica died (key left to expire) lets the alert be triaged again.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { RedisClaims } from '../../src/serve/dedupe.js';
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
  await post(s.url, payload([{ fingerprint: 'dead1' }]));
  expect(s.server.metrics.deduplicated).toBe(1);
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
