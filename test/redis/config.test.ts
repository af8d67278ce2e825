// redis.config against private redis-servers (server-wide settings must never
// be changed on the shared one): with and without a password, and one started
// from a config file for CONFIG REWRITE. Every claim is checked with a second,
// independent client.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { redisConfig } from '../../src/steps/redis/index.js';
import { applySettings } from '../../src/steps/redis/config.js';
import { memoryBytes, sameConfigValue } from '../../src/steps/redis/config-values.js';
import { effectOf } from '../../src/steps/catalog.js';
import type { StepContext, StepType } from '../../src/steps/types.js';
import { freePort, ping, startRedisServer, type PrivateRedis } from '../support/redis-server.js';
import { stepFailure } from '../support/step-failure.js';

const PASSWORD = 'cfg-S3cret-pw';

function ctx(timeoutMs = 5_000): StepContext {
  return { signal: new AbortController().signal, timeoutMs, env: {}, progress: () => {} };
}

async function get(client: Redis, name: string): Promise<string> {
  const [, value] = (await client.config('GET', name)) as string[];
  return value!;
}

/** A redis-server started from a config file, so that CONFIG REWRITE has somewhere to write. */
async function startFromConfigFile(lines: string[]): Promise<{ url: string; file: string; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'oncall-redis-conf-'));
  const port = await freePort();
  const file = join(dir, 'redis.conf');
  writeFileSync(file, [`port ${port}`, 'bind 127.0.0.1', 'save ""', 'appendonly no', `dir ${dir}`, 'loglevel warning', ...lines, ''].join('\n'));
  const child: ChildProcess = spawn('redis-server', [file], { stdio: 'ignore' });
  const deadline = Date.now() + 10_000;
  while (!(await ping(port))) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`redis-server ${file} did not start`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    file,
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let plain: PrivateRedis;
let locked: PrivateRedis;
let client: Redis;
let lockedClient: Redis;

beforeAll(async () => {
  [plain, locked] = await Promise.all([
    startRedisServer({ maxmemory: '4gb', maxmemoryPolicy: 'noeviction' }),
    startRedisServer({ maxmemory: '4gb', maxmemoryPolicy: 'noeviction', password: PASSWORD }),
  ]);
  client = new Redis(plain.url);
  lockedClient = new Redis(locked.url);
}, 30_000);

afterAll(async () => {
  client?.disconnect();
  lockedClient?.disconnect();
  await Promise.all([plain?.stop(), locked?.stop()]);
});

beforeEach(async () => {
  await client.config('SET', 'maxmemory', '4gb', 'maxmemory-policy', 'noeviction', 'hz', '10');
  await lockedClient.config('SET', 'maxmemory', '4gb', 'maxmemory-policy', 'noeviction');
});

describe('effect', () => {
  const type = redisConfig as unknown as StepType;
  test('set or rewrite is a write, get alone is a read; an interpolated rewrite counts as a write', () => {
    expect(effectOf(type, { set: { maxmemory: '6gb' } })).toBe('write');
    expect(effectOf(type, { rewrite: true })).toBe('write');
    expect(effectOf(type, { rewrite: '${{ params.persist }}' })).toBe('write');
    expect(effectOf(type, { get: ['maxmemory'], rewrite: false })).toBe('read');
    expect(effectOf(type, { get: 'maxmemory' })).toBe('read');
  });
});

describe('plan', () => {
  test('shows each parameter current → new, and changes nothing', async () => {
    const plan = await redisConfig.plan!(ctx(), { url: plain.url, set: { maxmemory: '6gb', 'maxmemory-policy': 'ALLKEYS-LRU' } });
    expect(plan).toEqual({
      summary: 'would set maxmemory 4.0 GiB → 6.0 GiB, maxmemory-policy noeviction → ALLKEYS-LRU',
      target: plain.url,
      details: ['maxmemory: 4294967296 (4.0 GiB) → 6442450944 (6.0 GiB)', 'maxmemory-policy: noeviction → ALLKEYS-LRU'],
    });
    expect(await get(client, 'maxmemory')).toBe('4294967296');
    expect(await get(client, 'maxmemory-policy')).toBe('noeviction');
  });

  test('says when a value is already set (units normalised), and names a rewrite that cannot work', async () => {
    const plan = await redisConfig.plan!(ctx(), { url: plain.url, set: { maxmemory: 4294967296 }, rewrite: true });
    expect(plan.summary).toBe('would leave maxmemory at 4.0 GiB (already set), then rewrite the config file, but the server runs without one: CONFIG REWRITE will fail');
    expect(plan.details).toEqual(['maxmemory: 4294967296 (4.0 GiB), already set', 'config file: none (the server was started without one)']);
  });

  test('an unknown parameter fails the plan with one line', async () => {
    const { error } = await stepFailure(redisConfig.plan!(ctx(), { url: plain.url, set: { 'no-such-parameter': '1' } }));
    expect(error.message).toBe(`redis at ${plain.url}: unknown config parameter "no-such-parameter" (CONFIG GET returned nothing)`);
  });
});

describe('run', () => {
  test('sets, reads back, and reports before → after', async () => {
    const out = await redisConfig.run(ctx(), { url: plain.url, set: { maxmemory: '6gb', 'maxmemory-policy': 'ALLKEYS-LRU' } });
    expect(out).toEqual({
      ok: true,
      summary: 'maxmemory 4.0 GiB → 6.0 GiB, maxmemory-policy noeviction → allkeys-lru (read back)',
      result: {
        values: { maxmemory: '6442450944', 'maxmemory-policy': 'allkeys-lru' },
        parameters: [
          { name: 'maxmemory', before: '4294967296', requested: '6gb', after: '6442450944', matches: true },
          { name: 'maxmemory-policy', before: 'noeviction', requested: 'ALLKEYS-LRU', after: 'allkeys-lru', matches: true },
        ],
      },
    });
    expect(await get(client, 'maxmemory')).toBe('6442450944');
    expect(await get(client, 'maxmemory-policy')).toBe('allkeys-lru');
  });

  test('a number from an expression is set as bytes; setting the current value says "already"', async () => {
    const grown = await redisConfig.run(ctx(), { url: plain.url, set: { maxmemory: Math.trunc(4294967296 * 1.5) } });
    expect(grown.summary).toBe('maxmemory 4.0 GiB → 6.0 GiB (read back)');
    const again = await redisConfig.run(ctx(), { url: plain.url, set: { maxmemory: '6gb' } });
    expect(again).toMatchObject({ ok: true, summary: 'maxmemory already 6.0 GiB (read back)' });
  });

  test('a value Redis stores differently from the request fails the step with both values (hz is capped at 500)', async () => {
    const out = await redisConfig.run(ctx(), { url: plain.url, set: { hz: 1000 } });
    expect(out.ok).toBe(false);
    expect(out.summary).toBe('read-back mismatch: hz is 500 after CONFIG SET hz 1000 (was 10)');
    expect(out.result.parameters).toEqual([{ name: 'hz', before: '10', requested: '1000', after: '500', matches: false }]);
    expect(await get(client, 'hz')).toBe('500');
    // A rehearsal judges a canned result the same way.
    expect(redisConfig.judge!({ url: plain.url, set: { hz: 1000 } }, out.result)).toBe(false);
    const fine = await redisConfig.run(ctx(), { url: plain.url, set: { hz: 20 } });
    expect(redisConfig.judge!({ url: plain.url, set: { hz: 20 } }, fine.result)).toBe(fine.ok);
    expect(fine.ok).toBe(true);
  });

  test('an unknown parameter, to set or to get, fails before anything is set', async () => {
    const { error } = await stepFailure(redisConfig.run(ctx(), { url: plain.url, set: { maxmemory: '6gb', 'no-such-parameter': '1' } }));
    expect(error.message).toBe(`redis at ${plain.url}: unknown config parameter "no-such-parameter" (CONFIG GET returned nothing)`);
    const { error: getError } = await stepFailure(redisConfig.run(ctx(), { url: plain.url, set: { maxmemory: '6gb' }, get: ['maxmemroy'] }));
    expect(getError.message).toBe(`redis at ${plain.url}: unknown config parameter "maxmemroy" (CONFIG GET returned nothing)`);
    expect(await get(client, 'maxmemory')).toBe('4294967296');
  });

  test('a value the server refuses: the server\'s reply, and what changed, read back (Redis 7 applies all or none)', async () => {
    const { error } = await stepFailure(redisConfig.run(ctx(), { url: plain.url, set: { maxmemory: '6gb', 'maxmemory-policy': 'evict-everything' } }));
    expect(error.message).toBe(
      `redis at ${plain.url}: CONFIG SET maxmemory 6gb maxmemory-policy evict-everything failed: ` +
        "ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction; " +
        'nothing changed (read back)',
    );
    expect(error.message).not.toContain('\n');
    expect(await get(client, 'maxmemory')).toBe('4294967296');
  });

  test('one CONFIG SET per parameter (servers before Redis 7): a failure says which ones were already applied', async () => {
    const target = { url: plain.url, redacted: plain.url };
    const before = new Map([
      ['maxmemory', '4294967296'],
      ['maxmemory-policy', 'noeviction'],
    ]);
    const { error } = await stepFailure(
      applySettings(client, target, [['maxmemory', '6gb'], ['maxmemory-policy', 'evict-everything']], before, false),
    );
    expect(error.message).toMatch(/^redis at redis:\/\/127\.0\.0\.1:\d+: CONFIG SET maxmemory-policy evict-everything failed: ERR CONFIG SET failed .*; changed before the failure \(read back\): maxmemory 4\.0 GiB → 6\.0 GiB$/);
    expect(await get(client, 'maxmemory')).toBe('6442450944');
  });

  test('get alone returns the values, by name and by glob', async () => {
    const out = await redisConfig.run(ctx(), { url: plain.url, get: ['maxmemory-policy', 'maxmemory*'] });
    expect(out.ok).toBe(true);
    expect(out.result.parameters).toEqual([]);
    expect(out.result.values).toMatchObject({ maxmemory: '4294967296', 'maxmemory-policy': 'noeviction', 'maxmemory-samples': '5' });
    expect(out.summary).toMatch(/^maxmemory = 4\.0 GiB, .*maxmemory-policy = noeviction/);
    const { error } = await stepFailure(redisConfig.run(ctx(), { url: plain.url, get: 'maxmemroy' }));
    expect(error.message).toBe(`redis at ${plain.url}: unknown config parameter "maxmemroy" (CONFIG GET returned nothing)`);
  });

  test('input problems are one line before any connection', async () => {
    await expect(redisConfig.run(ctx(), { url: plain.url })).rejects.toThrow('redis.config needs "set", "get" or "rewrite: true"');
    await expect(redisConfig.run(ctx(), { url: plain.url, set: { 'max*': '1' } })).rejects.toThrow('input "set": "max*" is not a config parameter name');
    await expect(redisConfig.run(ctx(), { url: plain.url, set: {} })).rejects.toThrow('input "set" must map parameter names to values');
  });
});

describe('with a password', () => {
  test('the right password: set and read back, the password nowhere in plan or result', async () => {
    const plan = await redisConfig.plan!(ctx(), { url: locked.url, set: { maxmemory: '6gb' } });
    expect(plan.target).toBe(locked.url.replace(PASSWORD, '***'));
    const out = await redisConfig.run(ctx(), { url: locked.url, set: { maxmemory: '6gb' }, get: ['requirepass'] });
    expect(out.ok).toBe(true);
    expect(await get(lockedClient, 'maxmemory')).toBe('6442450944');
    // CONFIG GET requirepass answers the password itself: it is masked.
    expect(out.result.values.requirepass).toBe('***');
    expect(JSON.stringify([plan, out])).not.toContain(PASSWORD);
  });

  test('a wrong password: one line naming the Redis, no password, nothing changed', async () => {
    const wrong = locked.url.replace(PASSWORD, 'not-the-Pw-42');
    const { error } = await stepFailure(redisConfig.run(ctx(), { url: wrong, set: { maxmemory: '6gb' } }));
    expect(error.message).toMatch(new RegExp(`^redis at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${locked.port} rejected the credentials: WRONGPASS`));
    expect(error.message).not.toContain('\n');
    expect(error.message).not.toContain('not-the-Pw-42');
    expect(await get(lockedClient, 'maxmemory')).toBe('4294967296');
  });

  test('no password (redis-cli would exit 0 here): NOAUTH fails the step', async () => {
    const bare = `redis://127.0.0.1:${locked.port}`;
    const { error } = await stepFailure(redisConfig.run(ctx(), { url: bare, set: { maxmemory: '6gb' } }));
    expect(error.message).toBe(`redis at ${bare} rejected the credentials: NOAUTH Authentication required.`);
    const { error: planError } = await stepFailure(redisConfig.plan!(ctx(), { url: bare, rewrite: true }));
    expect(planError.message).toBe(`redis at ${bare} rejected the credentials: NOAUTH Authentication required.`);
    expect(await get(lockedClient, 'maxmemory')).toBe('4294967296');
  });
});

describe('rewrite', () => {
  test('without a config file: fails with the server\'s reply', async () => {
    const { error } = await stepFailure(redisConfig.run(ctx(), { url: plain.url, rewrite: true }));
    expect(error.message).toBe(`redis at ${plain.url}: CONFIG REWRITE failed: ERR The server is running without a config file`);
  });

  test('after a set, a failed rewrite says the new value is live but not persisted', async () => {
    const { error } = await stepFailure(redisConfig.run(ctx(), { url: plain.url, set: { maxmemory: '6gb' }, rewrite: true }));
    expect(error.message).toBe(`redis at ${plain.url}: CONFIG REWRITE failed: ERR The server is running without a config file; maxmemory 6.0 GiB is live but not persisted`);
    expect(await get(client, 'maxmemory')).toBe('6442450944');
  });

  test('a read-back mismatch holds the rewrite back', async () => {
    const out = await redisConfig.run(ctx(), { url: plain.url, set: { hz: 1000 }, rewrite: true });
    expect(out).toMatchObject({ ok: false, summary: 'read-back mismatch: hz is 500 after CONFIG SET hz 1000 (was 10); CONFIG REWRITE not run', result: { rewritten: false } });
  });

  test('with a config file: the plan names it, the run writes the new value into it', async () => {
    const server = await startFromConfigFile(['maxmemory 100mb']);
    try {
      const plan = await redisConfig.plan!(ctx(), { url: server.url, set: { maxmemory: '200mb' }, rewrite: true });
      expect(plan.summary).toBe(`would set maxmemory 100.0 MiB → 200.0 MiB, then rewrite the config file ${server.file}`);
      expect(readFileSync(server.file, 'utf8')).toMatch(/^maxmemory 100mb$/m);

      const out = await redisConfig.run(ctx(), { url: server.url, set: { maxmemory: '200mb' }, rewrite: true });
      expect(out).toMatchObject({ ok: true, result: { rewritten: true, configFile: server.file } });
      expect(out.summary).toBe(`maxmemory 100.0 MiB → 200.0 MiB (read back); config file ${server.file} rewritten`);
      const text = readFileSync(server.file, 'utf8');
      expect(text).toMatch(/^maxmemory 200mb$/m);
      expect(text).not.toMatch(/^maxmemory 100mb$/m);

      const rewriteOnly = await redisConfig.run(ctx(), { url: server.url, rewrite: true });
      expect(rewriteOnly).toMatchObject({ ok: true, summary: `config file ${server.file} rewritten`, result: { rewritten: true, parameters: [] } });
    } finally {
      await server.stop();
    }
  }, 20_000);
});

describe('read-back comparison', () => {
  // Each request is sent to the real server; the comparison must accept what it answers.
  const accepted: Array<[string, string]> = [
    ['maxmemory', '1gb'],
    ['maxmemory', '1GB'],
    ['maxmemory', '1g'],
    ['maxmemory', '100mb'],
    ['maxmemory', '1k'],
    ['maxmemory', '2048'],
    ['maxmemory', '0'],
    ['maxmemory-policy', 'ALLKEYS-LRU'],
    ['lazyfree-lazy-eviction', 'YES'],
    ['notify-keyspace-events', 'KEA'],
    ['notify-keyspace-events', 'Kx'],
    ['notify-keyspace-events', ''],
    ['client-output-buffer-limit', 'pubsub 64mb 16mb 90'],
    ['client-output-buffer-limit', 'replica 256MB 64mb 60'],
    ['save', '3600 1 300 100'],
    ['save', ''],
    ['maxmemory-clients', '10%'],
    ['list-max-listpack-size', '-2'],
  ];
  test.each(accepted)('%s %j: what Redis reports means what was asked', async (name, requested) => {
    await client.config('SET', name, requested);
    const reported = await get(client, name);
    expect(sameConfigValue(name, requested, reported)).toBe(true);
  });

  test('values Redis reports for another request do not match', async () => {
    await client.config('SET', 'maxmemory', '1g');
    expect(sameConfigValue('maxmemory', '1gb', await get(client, 'maxmemory'))).toBe(false);
    await client.config('SET', 'maxmemory-policy', 'allkeys-lfu');
    expect(sameConfigValue('maxmemory-policy', 'allkeys-lru', await get(client, 'maxmemory-policy'))).toBe(false);
    await client.config('SET', 'notify-keyspace-events', 'KEA');
    expect(sameConfigValue('notify-keyspace-events', 'Kx', await get(client, 'notify-keyspace-events'))).toBe(false);
    await client.config('SET', 'client-output-buffer-limit', 'pubsub 32mb 8mb 60');
    expect(sameConfigValue('client-output-buffer-limit', 'pubsub 64mb 16mb 90', await get(client, 'client-output-buffer-limit'))).toBe(false);
    // Passwords and paths are kept as given: case matters.
    expect(sameConfigValue('requirepass', 'Secret', 'secret')).toBe(false);
    expect(sameConfigValue('hz', '1000', '500')).toBe(false);
  });

  test('memory units as Redis reads them (k = 1000, kb = 1024)', () => {
    expect(memoryBytes('1k')).toBe(1000n);
    expect(memoryBytes('1KB')).toBe(1024n);
    expect(memoryBytes('6gb')).toBe(6442450944n);
    expect(memoryBytes('1.5gb')).toBeUndefined();
    expect(memoryBytes('10%')).toBeUndefined();
  });
});
