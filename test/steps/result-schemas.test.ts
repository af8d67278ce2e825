// Every step type's resultSchema describes what its run() really returns:
// each type runs here against the real peers the suite uses (Redis, the
// librdkafka mock cluster, the Kubernetes API server stand-in, a loopback
// HTTP server, a child process for kubectl exec), and its result must pass
// resultProblems; a misspelt field must not.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { resultProblems, RUN_RESULT_SCHEMA } from '../../src/lint/result-shape.js';
import { getStepType, stepTypeNames } from '../../src/steps/catalog.js';
import { http } from '../../src/steps/http.js';
import { k8sEvents, k8sLogs, k8sPods, k8sRolloutRestart, k8sRolloutStatus, k8sRolloutUndo, k8sScale } from '../../src/steps/k8s/index.js';
import { kafkaCluster, kafkaLag, kafkaLagTable, kafkaPeek, kafkaResetOffsets } from '../../src/steps/kafka/index.js';
import { redisBigkeys, redisConfig, redisDeletePattern, redisInfo, redisLlen, redisPrefixes } from '../../src/steps/redis/index.js';
import type { StepContext } from '../../src/steps/types.js';
import { assertBuilt } from '../support/built.js';
import { startHttpStub, type HttpStub } from '../support/e2e-http.js';
import { startK8sApiServer, type K8sApiServer } from '../support/k8s-api-server.js';
import { stepContext as k8sContext } from '../support/k8s-context.js';
import { dispatchEngineSeed } from '../support/k8s-fixtures.js';
import { produce, startKafkaMock, stepContext as kafkaContext, type KafkaMock } from '../support/kafka-mock.js';
import { startRedisServer, type PrivateRedis } from '../support/redis-server.js';

/** The problems without where to point (key or value), which the scenario checks use. */
const shapeProblems = (typeName: string, result: unknown, opts?: { partial?: boolean }) => resultProblems(typeName, result, opts).map(({ on: _on, ...rest }) => rest);


/** Step types whose real result passed, to check at the end that none was left out. */
const checked = new Set<string>();

function expectValid(typeName: string, result: unknown): void {
  expect(shapeProblems(typeName, result)).toEqual([]);
  checked.add(typeName);
}

/** The result with `field` renamed to `typo` (at the top level, or inside the object at `within`). */
type Json = Record<string, unknown>;
const nth = (list: unknown, i: number) => (list as Json[])[i]!;

function misspelt(result: unknown, field: string, typo: string, within: (r: Json) => Json = (r) => r): unknown {
  const copy = JSON.parse(JSON.stringify(result)) as Json;
  const target = within(copy);
  expect(target).toHaveProperty([field]);
  target[typo] = target[field];
  delete target[field];
  return copy;
}

describe('every schema', () => {
  interface Schema {
    type?: unknown;
    properties?: Record<string, Schema>;
    items?: Schema;
    required?: string[];
    additionalProperties?: unknown;
  }

  /** Each object schema (nested ones too) with where it sits. */
  function objectSchemas(schema: Schema, at: string): Array<[string, Schema]> {
    const own: Array<[string, Schema]> = schema.type === 'object' && schema.properties ? [[at, schema]] : [];
    const nested: Array<[string, Schema]> = [
      ...Object.entries(schema.properties ?? {}).map(([k, s]): [string, Schema] => [`${at}.${k}`, s]),
      ...(schema.items ? [[`${at}[]`, schema.items] as [string, Schema]] : []),
    ];
    return [...own, ...nested.flatMap(([where, s]) => objectSchemas(s, where))];
  }

  test.each(stepTypeNames())('%s: a closed object, and every required field is a property', (name) => {
    const schema = getStepType(name)!.resultSchema as Schema;
    expect(schema).toMatchObject({ type: 'object', additionalProperties: false });
    for (const [where, s] of objectSchemas(schema, 'result')) {
      expect({ where, missing: (s.required ?? []).filter((r) => !(r in s.properties!)) }).toEqual({ where, missing: [] });
      expect({ where, additionalProperties: s.additionalProperties }).toEqual({ where, additionalProperties: false });
    }
  });

  test('an unknown step type is one problem', () => {
    expect(shapeProblems('k8s.podz', {})).toEqual([{ path: '', at: [], message: 'unknown step type "k8s.podz"' }]);
  });

  test('a result that is not a mapping', () => {
    expect(shapeProblems('redis.llen', 12)).toEqual([{ path: '', at: [], message: 'result must be a mapping, got a whole number' }]);
  });
});

describe('run: steps, as the scenario writes them', () => {
  test('exit, stdout and stderr, each optional', () => {
    expect(shapeProblems('run', {})).toEqual([]);
    expect(shapeProblems('run', { exit: 0, stdout: 'Seconds_Behind_Source: 0\n', stderr: '' })).toEqual([]);
    expect(shapeProblems('run', { exit: 28 })).toEqual([]);
    expect((RUN_RESULT_SCHEMA.properties as Record<string, { default?: unknown }>).exit!.default).toBe(0);
  });

  test('a misspelt field, an exit code out of range, output that is not text', () => {
    expect(shapeProblems('run', { exitCode: 1 })).toEqual([
      { path: 'exitCode', at: ['exitCode'], message: 'unknown property "exitCode" in result; allowed: exit, stdout, stderr' },
    ]);
    expect(shapeProblems('run', { stdot: 'x' })).toEqual([
      { path: 'stdot', at: ['stdot'], message: 'unknown property "stdot" in result; did you mean "stdout"?' },
    ]);
    expect(shapeProblems('run', { exit: 256 })).toEqual([{ path: 'exit', at: ['exit'], message: 'result.exit is 256; it must be <= 255' }]);
    expect(shapeProblems('run', { stdout: ['a', 'b'] })).toEqual([
      { path: 'stdout', at: ['stdout'], message: 'result.stdout must be a string, got a list' },
    ]);
  });
});

describe('redis.*', () => {
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const tp = `oncall-test:${randomBytes(4).toString('hex')}:`;
  let redis: Redis;
  let privateRedis: PrivateRedis;
  const ctx = (): StepContext => ({ signal: new AbortController().signal, timeoutMs: 10_000, env: { REDIS_URL: redisUrl }, progress: () => {} });

  beforeAll(async () => {
    redis = new Redis(redisUrl);
    const p = redis.pipeline();
    for (let i = 0; i < 40; i++) p.set(`${tp}cache:wms:stock:${i}`, 'x'.repeat(100 + i));
    for (let i = 0; i < 5; i++) p.set(`${tp}session:${i}`, 's');
    p.rpush(`${tp}queue`, 'a', 'b', 'c');
    await p.exec();
    // Server-wide settings are changed on a private server only.
    privateRedis = await startRedisServer({ maxmemory: '64mb', maxmemoryPolicy: 'noeviction' });
  }, 30_000);

  afterAll(async () => {
    const [, left] = await redis.scan('0', 'MATCH', `${tp}*`, 'COUNT', 10_000);
    if (left.length) await redis.unlink(...left);
    redis.disconnect();
    await privateRedis?.stop();
  });

  test('redis.info', async () => {
    const out = await redisInfo.run(ctx(), {});
    expect(out.result.usedMemory).toBeGreaterThan(0);
    expectValid('redis.info', out.result);
    // Sections without memory fields leave them null, which the schema allows.
    const clients = await redisInfo.run(ctx(), { sections: 'clients' });
    expect(clients.result.usedMemory).toBeNull();
    expectValid('redis.info', clients.result);
  });

  test('redis.llen', async () => {
    const out = await redisLlen.run(ctx(), { key: `${tp}queue` });
    expect(out.result.length).toBe(3);
    expectValid('redis.llen', out.result);
  });

  test('redis.prefixes, with memory estimates', async () => {
    const out = await redisPrefixes.run(ctx(), { match: `${tp}*`, depth: 3, memorySample: 2 });
    expect(out.result.prefixes[0]).toMatchObject({ count: 40, estimatedBytes: expect.any(Number) });
    expectValid('redis.prefixes', out.result);
  });

  test('redis.bigkeys', async () => {
    const out = await redisBigkeys.run(ctx(), { match: `${tp}cache:*`, top: 3 });
    expect(out.result.keys).toHaveLength(3);
    expectValid('redis.bigkeys', out.result);
  });

  test('redis.config: set and get, and get alone', async () => {
    const set = await redisConfig.run(ctx(), { url: privateRedis.url, set: { maxmemory: '128mb' }, get: 'maxmemory-policy' });
    expect(set.result.parameters).toHaveLength(1);
    expectValid('redis.config', set.result);
    const get = await redisConfig.run(ctx(), { url: privateRedis.url, get: ['maxmemory*'] });
    expectValid('redis.config', get.result);
  });

  test('redis.delete-pattern', async () => {
    const out = await redisDeletePattern.run(ctx(), { pattern: `${tp}cache:wms:stock:*` });
    expect(out.result.deleted).toBe(40);
    expectValid('redis.delete-pattern', out.result);
  });

  test('a misspelt field and a value of the wrong type have their paths', async () => {
    const info = (await redisInfo.run(ctx(), {})).result;
    const problems = shapeProblems('redis.info', misspelt(info, 'usedMemoryPercent', 'usedMemoryPercnt'));
    expect(problems).toEqual([
      { path: '', at: [], message: 'result is missing required property "usedMemoryPercent"' },
      { path: 'usedMemoryPercnt', at: ['usedMemoryPercnt'], message: 'unknown property "usedMemoryPercnt" in result; did you mean "usedMemoryPercent"?' },
    ]);
    expect(shapeProblems('redis.llen', { key: 'q', length: '3' })).toEqual([
      { path: 'length', at: ['length'], message: 'result.length must be a whole number, got a string' },
    ]);
  });
});

describe('kafka.*', () => {
  let mock: KafkaMock;
  let dir: string;
  let kubectl: string;

  beforeAll(async () => {
    mock = await startKafkaMock({ brokers: 3, topics: [{ topic: 'orders.events' }] });
    await produce(
      mock.brokers,
      'orders.events',
      Array.from({ length: 40 }, (_, i) => ({ partition: i % 2, key: `k${i}`, value: `{"order":${i}}` })),
    );
    // kafka.lag-table runs kubectl exec: a real child process that prints what
    // kafka-consumer-groups.sh --describe prints.
    dir = mkdtempSync(join(tmpdir(), 'oncall-result-schemas-'));
    kubectl = join(dir, 'kubectl');
    writeFileSync(
      kubectl,
      [
        '#!/bin/sh',
        'echo',
        'echo "GROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG    CONSUMER-ID       HOST         CLIENT-ID"',
        'echo "dispatch-engine orders.events   0          15234           28500           13266  de-0-5b0c0f8e     /10.42.3.17  dispatch-engine-0"',
        'echo "dispatch-engine orders.events   1          -               28450           -      -                 -            -"',
        'echo "dispatch-engine -               -          -               -               -      de-1-0f9d2c4a     /10.42.1.9   dispatch-engine-1"',
        '',
      ].join('\n'),
    );
    chmodSync(kubectl, 0o755);
  }, 30_000);

  afterAll(async () => {
    await mock?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('kafka.reset-offsets, then kafka.lag with a committed offset and without', async () => {
    const reset = await kafkaResetOffsets.run(kafkaContext(), { brokers: mock.bootstrap, group: 'replayer', topic: 'orders.events', partition: 0, offset: 5 });
    expect(reset.result).toMatchObject({ from: null, to: 5 });
    expectValid('kafka.reset-offsets', reset.result);

    const lag = await kafkaLag.run(kafkaContext(), { brokers: mock.bootstrap, group: 'replayer', topic: 'orders.events' });
    expect(lag.result.partitions.find((p) => p.partition === 0)).toMatchObject({ committed: 5, lag: 15 });
    expect(lag.result.partitions.find((p) => p.partition === 1)).toMatchObject({ committed: null });
    expectValid('kafka.lag', lag.result);
  });

  test('kafka.cluster', async () => {
    const out = await kafkaCluster.run(kafkaContext(), { brokers: mock.bootstrap, expectedBrokers: 3 });
    expect(out.result.brokers).toBe(3);
    expectValid('kafka.cluster', out.result);
  });

  test('kafka.peek', async () => {
    const out = await kafkaPeek.run(kafkaContext(), { brokers: mock.bootstrap, topic: 'orders.events', max: 5, maxBytes: 4 });
    expect(out.result.count).toBe(5);
    expect(out.result.messages[0]!.truncated).toBe(true);
    expectValid('kafka.peek', out.result);
  });

  test('kafka.lag-table', async () => {
    const out = await kafkaLagTable.run(kafkaContext(5000), { kubectl, namespace: 'kafka', group: 'dispatch-engine' });
    expect(out.result).toMatchObject({ totalLag: 13266, consumerCount: 2, idleConsumers: 1 });
    expect(out.result.partitions[1]).toMatchObject({ committed: null, lag: null, consumerId: null });
    expectValid('kafka.lag-table', out.result);
  });

  test('a misspelt field inside a partition has its path', async () => {
    const lag = (await kafkaLag.run(kafkaContext(), { brokers: mock.bootstrap, group: 'replayer', topic: 'orders.events' })).result;
    expect(shapeProblems('kafka.lag', misspelt(lag, 'committed', 'comitted', (r) => nth(r.partitions, 1)))).toEqual([
      { path: 'partitions[1]', at: ['partitions', 1], message: 'result.partitions[1] is missing required property "committed"' },
      { path: 'partitions[1].comitted', at: ['partitions', 1, 'comitted'], message: 'unknown property "comitted" in result.partitions[1]; did you mean "committed"?' },
    ]);
    // kafka.lag-table has no unansweredBrokers: kafka.lag's result is not its shape.
    expect(shapeProblems('kafka.lag-table', lag)).toEqual([
      { path: 'unansweredBrokers', at: ['unansweredBrokers'], message: 'unknown property "unansweredBrokers" in result' },
    ]);
  });
});

describe('k8s.*', () => {
  let server: K8sApiServer;
  const ctx = () => k8sContext(server.env);

  beforeAll(async () => {
    server = await startK8sApiServer(dispatchEngineSeed());
  });

  afterAll(async () => {
    await server?.close();
  });

  test('the reads: k8s.pods, k8s.rollout-status, k8s.logs, k8s.events', async () => {
    const pods = await k8sPods.run(ctx(), { selector: 'app=dispatch-engine', namespace: 'smp-prod' });
    expect(pods.result.crashLooping).toBe(2);
    expectValid('k8s.pods', pods.result);

    const deployment = await k8sRolloutStatus.run(ctx(), { kind: 'deployment', name: 'dispatch-engine' });
    expect(deployment.result.revision).toBe('2');
    expectValid('k8s.rollout-status', deployment.result);
    expectValid('k8s.rollout-status', (await k8sRolloutStatus.run(ctx(), { kind: 'statefulset', name: 'redis-cache' })).result);

    // Some pods have no previous container: their errors are part of the result.
    const logs = await k8sLogs.run(ctx(), { selector: 'app=dispatch-engine', previous: true, pattern: 'GC overhead' });
    expect(logs.result.errors.length).toBeGreaterThan(0);
    expectValid('k8s.logs', logs.result);

    const events = await k8sEvents.run(ctx(), { type: 'Warning' });
    expect(events.result.warnings).toBe(2);
    expectValid('k8s.events', events.result);
  });

  test('the writes: k8s.scale, k8s.rollout-restart, k8s.rollout-undo', async () => {
    const scale = await k8sScale.run(ctx(), { kind: 'deployment', name: 'dispatch-engine', replicas: 5, maxReplicas: 6 });
    expect(scale.result).toMatchObject({ from: 3, to: 5, changed: true });
    expectValid('k8s.scale', scale.result);

    const restart = await k8sRolloutRestart.run(ctx(), { kind: 'deployment', name: 'dispatch-engine' });
    expectValid('k8s.rollout-restart', restart.result);

    const undo = await k8sRolloutUndo.run(ctx(), { kind: 'deployment', name: 'dispatch-engine' });
    expect(undo.result).toMatchObject({ fromRevision: 3, toRevision: 2 });
    expectValid('k8s.rollout-undo', undo.result);
  });

  test('a misspelt field inside a pod, and a kind the step does not report', async () => {
    const pods = (await k8sPods.run(ctx(), { selector: 'app=dispatch-engine', namespace: 'smp-prod' })).result;
    expect(shapeProblems('k8s.pods', misspelt(pods, 'waitingReason', 'waitingReson', (r) => nth(r.pods, 0)))).toEqual([
      { path: 'pods[0]', at: ['pods', 0], message: 'result.pods[0] is missing required property "waitingReason"' },
      { path: 'pods[0].waitingReson', at: ['pods', 0, 'waitingReson'], message: 'unknown property "waitingReson" in result.pods[0]; did you mean "waitingReason"?' },
    ]);
    const status = (await k8sRolloutStatus.run(ctx(), { kind: 'deployment', name: 'dispatch-engine' })).result;
    expect(shapeProblems('k8s.rollout-status', { ...status, kind: 'daemonset' })).toEqual([
      { path: 'kind', at: ['kind'], message: 'result.kind is "daemonset"; allowed: deployment, statefulset' },
    ]);
  });
});

describe('http', () => {
  let stub: HttpStub;
  const ctx = (): StepContext => ({ signal: new AbortController().signal, timeoutMs: 5000, env: {}, progress: () => {} });

  beforeAll(async () => {
    stub = await startHttpStub((method, path) =>
      path === '/connectors/cdc/status'
        ? { body: { connector: { state: 'RUNNING' }, tasks: [{ id: 0, state: 'FAILED', trace: 'Lost connection' }] } }
        : path === '/down'
          ? { status: 503, body: 'maintenance' }
          : method === 'POST'
            ? { status: 202, body: { accepted: true } }
            : { body: 'ok' },
    );
  });

  afterAll(async () => {
    await stub?.close();
  });

  test('JSON, text, an unexpected status, a HEAD and a write', async () => {
    const json = await http.run(ctx(), { url: `${stub.url}/connectors/cdc/status` });
    expect(json.result.json).toMatchObject({ connector: { state: 'RUNNING' } });
    expectValid('http', json.result);

    const text = await http.run(ctx(), { url: `${stub.url}/health` });
    expect(text.result).toMatchObject({ json: null, contentType: 'text/plain' });
    expectValid('http', text.result);

    const down = await http.run(ctx(), { url: `${stub.url}/down` });
    expect(down.result).toMatchObject({ ok: false, status: 503 });
    expectValid('http', down.result);

    expectValid('http', (await http.run(ctx(), { method: 'HEAD', url: `${stub.url}/health` })).result);
    expectValid('http', (await http.run(ctx(), { method: 'POST', url: `${stub.url}/scale`, body: { replicas: 5 } })).result);
  });

  test('a misspelt field, and a status that is not a number', async () => {
    const out = (await http.run(ctx(), { url: `${stub.url}/health` })).result;
    expect(shapeProblems('http', misspelt(out, 'status', 'statusCode'))).toEqual([
      { path: '', at: [], message: 'result is missing required property "status"' },
      {
        path: 'statusCode',
        at: ['statusCode'],
        message: 'unknown property "statusCode" in result; allowed: method, url, status, ok, json, body, contentType, durationMs',
      },
    ]);
    expect(shapeProblems('http', { ...out, status: '200' })).toEqual([
      { path: 'status', at: ['status'], message: 'result.status must be a whole number, got a string' },
    ]);
  });
});

test('every step type of the catalog had a real result checked', () => {
  expect([...checked].sort()).toEqual(stepTypeNames());
});

// The built program checks results with the build's validators: it loads
// neither the step catalog nor the ajv compiler.
test('dist: precompiled result validators, no ajv compile', () => {
  assertBuilt();
  const dist = fileURLToPath(new URL('../../dist/lint/result-shape.js', import.meta.url));
  const script = `
    const m = await import(${JSON.stringify(dist)});
    const problems = [m.resultProblems('kafka.lag', { group: 'g', totalLagg: 1 }), m.resultProblems('run', { exit: 3 })];
    const { createRequire } = await import('node:module');
    const loaded = Object.keys(createRequire(import.meta.url).cache).filter((f) => /ajv[\\\\/]dist[\\\\/](2020|core|compile)/.test(f));
    console.log(JSON.stringify({ precompiled: m.precompiledResultValidators, loaded, problems: problems.map((p) => p.map((x) => x.path)) }));
  `;
  const out = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  expect(out.stderr).toBe('');
  expect(JSON.parse(out.stdout)).toEqual({
    precompiled: true,
    loaded: [],
    problems: [['', '', '', '', '', '', '', '', '', '', '', 'totalLagg'], []],
  });
});

test('partial: a scenario may leave fields out, but not misspell one or give a wrong type', () => {
  expect(shapeProblems('kafka.lag', { totalLag: 18000 }, { partial: true })).toEqual([]);
  expect(shapeProblems('kafka.lag', { totalLag: 18000 }).length).toBeGreaterThan(0);
  const [misspelt] = resultProblems('kafka.lag', { totalLagg: 1 }, { partial: true });
  expect(misspelt).toMatchObject({ at: ['totalLagg'], on: 'key' });
  expect(shapeProblems('kafka.lag', { totalLag: 'lots' }, { partial: true })).toEqual([{ path: 'totalLag', at: ['totalLag'], message: 'result.totalLag must be a whole number, got a string' }]);
});
