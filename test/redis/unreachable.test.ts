// Nothing hangs and nothing leaks: a closed port, a server that accepts and
// never answers, an unroutable host, a bad password — each fails within the
// step timeout with one clear line that never contains the password.
import { jest } from '@jest/globals';
import net from 'node:net';
import { withRedis } from '../../src/integrations/redis.js';
import { maskUrl } from '../../src/shared/mask-url.js';
import { formatDuration } from '../../src/shared/duration.js';
import { redisDeletePattern, redisInfo, redisLlen, redisPrefixes } from '../../src/steps/redis/index.js';
import type { StepContext } from '../../src/steps/types.js';
import { stepFailure } from '../support/step-failure.js';

const SECRET = 'hunter2-S3cret';

function ctx(timeoutMs: number, signal = new AbortController().signal): StepContext {
  return { signal, timeoutMs, env: {}, progress: () => {} };
}

/** A TCP server whose behaviour on each connection is given. */
async function server(onSocket: (s: net.Socket) => void): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const srv = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
    s.on('close', () => sockets.delete(s));
    onSocket(s);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return {
    port: (srv.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        srv.close(() => r());
      }),
  };
}

const cleanups: Array<() => void> = [];
function afterThis(fn: () => void): void {
  cleanups.push(fn);
}
afterEach(() => {
  for (const fn of cleanups.splice(0)) fn();
});


describe('maskUrl', () => {
  it.each([
    [`redis://:${SECRET}@10.0.0.1:6379`, 'redis://:***@10.0.0.1:6379'],
    [`redis://admin:${SECRET}@10.0.0.1:6379/2`, 'redis://admin:***@10.0.0.1:6379/2'],
    [`rediss://h:6380?password=${SECRET}`, 'rediss://h:6380?password=***'],
    ['redis://127.0.0.1:6379', 'redis://127.0.0.1:6379'],
  ])('%s', (url, expected) => {
    expect(maskUrl(url)).toBe(expected);
  });

  it('formats durations as messages read', () => {
    expect(formatDuration(2000)).toBe('2s');
    expect(formatDuration(1500)).toBe('1.5s');
    expect(formatDuration(600)).toBe('600ms');
  });
});

describe('a closed port', () => {
  it('fails at once with "refused", without the password', async () => {
    const { error: err, ms } = await stepFailure(redisInfo.run(ctx(5000), { url: `redis://:${SECRET}@127.0.0.1:1` }));
    expect(err.message).toBe('redis at redis://:***@127.0.0.1:1 refused the connection (ECONNREFUSED)');
    expect(err.code).toBe('unreachable');
    expect(ms).toBeLessThan(2000);
  });

  it('fails the same way for every redis step', async () => {
    const url = 'redis://127.0.0.1:1';
    for (const call of [
      () => redisLlen.run(ctx(3000), { url, key: 'q' }),
      () => redisPrefixes.run(ctx(3000), { url }),
      () => redisDeletePattern.plan!(ctx(3000), { url, pattern: 'cache:*' }),
      () => redisDeletePattern.run(ctx(3000), { url, pattern: 'cache:*' }),
    ]) {
      expect((await stepFailure(call())).error.message).toMatch(/refused the connection/);
    }
  });

  it('uses REDIS_URL when no url is given', async () => {
    const c = { ...ctx(3000), env: { REDIS_URL: `redis://:${SECRET}@127.0.0.1:1` } };
    const { error: err } = await stepFailure(redisInfo.run(c, {}));
    expect(err.message).toContain('redis://:***@127.0.0.1:1');
    expect(err.message).not.toContain(SECRET);
  });
});

describe('a stalled server (accepts, never answers)', () => {
  let stalled: Awaited<ReturnType<typeof server>>;
  beforeAll(async () => {
    stalled = await server(() => {});
  });
  afterAll(() => stalled.close());

  it.each([
    ['redis.info', (url: string, c: StepContext) => redisInfo.run(c, { url })],
    ['redis.prefixes', (url: string, c: StepContext) => redisPrefixes.run(c, { url })],
    ['redis.delete-pattern plan', (url: string, c: StepContext) => redisDeletePattern.plan!(c, { url, pattern: 'cache:*' })],
  ])('%s fails within the timeout', async (_name, call) => {
    const url = `redis://:${SECRET}@127.0.0.1:${stalled.port}`;
    const { error: err, ms } = await stepFailure(call(url, ctx(800)));
    expect(err.message).toBe(`redis at redis://:***@127.0.0.1:${stalled.port} did not answer within 800ms`);
    expect(err.message).not.toContain(SECRET);
    expect(ms).toBeGreaterThan(400);
    expect(ms).toBeLessThan(1500);
  });

  it('stops when the run is interrupted', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error('interrupted')), 100);
    const { error: err, ms } = await stepFailure(redisInfo.run(ctx(10_000, ac.signal), { url: `redis://127.0.0.1:${stalled.port}` }));
    expect(err.message).toMatch(/step was interrupted/);
    expect(ms).toBeLessThan(1000);
  });
});

describe('other failures', () => {
  it('an unroutable host fails within the timeout', async () => {
    const { error: err, ms } = await stepFailure(redisInfo.run(ctx(800), { url: `redis://:${SECRET}@10.255.255.1:6379` }));
    // Depending on the network: no route, silence, or a proxy that answers in HTTP.
    expect(err.message).toMatch(
      /^redis at redis:\/\/:\*\*\*@10\.255\.255\.1:6379 (did not answer within 800ms|is not reachable|refused|does not speak the Redis protocol)/,
    );
    expect(err.message).not.toContain(SECRET);
    expect(ms).toBeLessThan(1500);
  });

  it('an unknown host is named as such', async () => {
    const { error: err, ms } = await stepFailure(redisInfo.run(ctx(3000), { url: 'redis://no-such-host.invalid:6379' }));
    expect(err.message).toMatch(/^redis at redis:\/\/no-such-host\.invalid:6379(: host not found| did not answer within 3s)/);
    expect(ms).toBeLessThan(4000);
  });

  it('a server that is not Redis is reported as such', async () => {
    const web = await server((s) => s.on('data', () => s.end('HTTP/1.1 400 Bad Request\r\n\r\n')));
    try {
      const { error: err } = await stepFailure(redisInfo.run(ctx(3000), { url: `redis://127.0.0.1:${web.port}` }));
      expect(err.message).toBe(`redis at redis://127.0.0.1:${web.port} does not speak the Redis protocol (got "H" as reply type byte)`);
    } finally {
      await web.close();
    }
  });

  it('a server that hangs up is reported as such', async () => {
    const rude = await server((s) => s.destroy());
    try {
      const { error: err } = await stepFailure(redisInfo.run(ctx(3000), { url: `redis://127.0.0.1:${rude.port}` }));
      expect(err.message).toMatch(/closed the connection|refused/);
    } finally {
      await rude.close();
    }
  });

  it('rejected credentials are reported without the password', async () => {
    const strict = await server((s) => s.on('data', () => s.write('-WRONGPASS invalid username-password pair or user is disabled.\r\n')));
    try {
      const { error: err } = await stepFailure(redisInfo.run(ctx(3000), { url: `redis://app:${SECRET}@127.0.0.1:${strict.port}` }));
      expect(err.message).toBe(
        `redis at redis://app:***@127.0.0.1:${strict.port} rejected the credentials: WRONGPASS invalid username-password pair or user is disabled.`,
      );
    } finally {
      await strict.close();
    }
  });

  it('a password sent to a server without one still works, and appears nowhere', async () => {
    // ioredis warns about the needless password on the console; keep test output clean.
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    afterThis(() => warn.mockRestore());
    const url = `redis://:${SECRET}@127.0.0.1:6379`;
    const info = await redisInfo.run(ctx(5000), { url });
    expect(info.ok).toBe(true);
    const prefixes = await redisPrefixes.run(ctx(5000), { url, match: 'oncall-test:nothing-here:*' });
    expect(prefixes.result.scanned).toBe(0);
    const plan = await redisDeletePattern.plan!(ctx(5000), { url, pattern: 'oncall-test:nothing-here:*' });
    expect(JSON.stringify([info, prefixes, plan])).not.toContain(SECRET);
    expect(plan.details).toContain('redis: redis://:***@127.0.0.1:6379');
  });

  it('withRedis bounds slow work by the step timeout', async () => {
    const { error: err, ms } = await stepFailure(
      withRedis(ctx(600), 'redis://127.0.0.1:6379', () => new Promise((r) => setTimeout(r, 5000).unref())),
    );
    expect(err.message).toBe('redis at redis://127.0.0.1:6379: step did not finish within 600ms');
    expect(ms).toBeLessThan(1000);
  });
});
