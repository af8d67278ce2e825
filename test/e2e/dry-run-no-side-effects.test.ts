// A rehearsal changes nothing, whichever peer it could reach: every runbook
// below is dry-run with ALL peers wired at once (a private redis-server, the
// Kafka mock with a lagging group, a three-context Kubernetes setup smp-asia /
// smp-china / smp-us, HTTP peers for the engine, MirrorMaker and Prometheus),
// and afterwards Redis ran no write command and holds the same keys, no
// committed offset moved, and no API server saw a mutation.
import type { Redis } from 'ioredis';
import { produce, startKafkaMock, type KafkaMock } from '../support/kafka-mock.js';
import { startK8sApiServer, type K8sApiServer, type K8sSeed } from '../support/k8s-api-server.js';
import { deployment, dispatchEngineSeed, pod } from '../support/k8s-fixtures.js';
import { startRedisServer, type PrivateRedis } from '../support/redis-server.js';
import { allKeys, connect, fillOom } from '../support/e2e-redis.js';
import { commitAsMember, committedOffsets, messages } from '../support/e2e-kafka.js';
import { startHttpStub, type HttpStub } from '../support/e2e-http.js';
import { assertBuilt, expectExit, finished, ofType, oncallRun, scratch, STACK_FRAME, type CliRun } from '../support/e2e-cli.js';

let redis: PrivateRedis;
let client: Redis;
let kafka: KafkaMock;
let kube: K8sApiServer;
let http: HttpStub;
let home: ReturnType<typeof scratch>;
let keysBefore: string[];
let offsetsBefore: Record<number, string>;

const agents = (region: string, crashLooping = 0): K8sSeed['pods'] =>
  Array.from({ length: 2 }, (_, i) =>
    pod({
      name: `replication-agent-${region}-${i}`,
      labels: { app: 'replication-agent' },
      ...(i < crashLooping ? { waitingReason: 'CrashLoopBackOff', lastTerminationReason: 'Error', restarts: 9 } : {}),
    }),
  );

/** smp-asia: the dispatch-engine incident plus MirrorMaker and healthy agents. */
function asiaSeed(): K8sSeed {
  const seed = dispatchEngineSeed();
  seed.deployments!.push(deployment({ name: 'mirrormaker-to-cn', replicas: 2 }));
  seed.pods!.push(...agents('asia')!);
  for (const i of [0, 1]) seed.pods!.push(pod({ name: `mirrormaker-to-cn-5f6d7c8b9-${i}`, labels: { app: 'mirrormaker-to-cn' } }));
  return seed;
}

const prometheus = {
  status: 'success',
  data: { resultType: 'vector', result: [{ metric: { region: 'cn-to-global' }, value: [1_764_000_000, '420'] }] },
};

beforeAll(async () => {
  assertBuilt();
  home = scratch();
  [redis, kafka, kube, http] = await Promise.all([
    startRedisServer({ maxmemory: '8mb', maxmemoryPolicy: 'noeviction' }),
    startKafkaMock({ brokers: 3, topics: [{ topic: 'orders.events' }, { topic: 'orders.events.dlq' }] }),
    startK8sApiServer(asiaSeed(), {
      contexts: [
        { name: 'smp-asia', namespace: 'smp-prod' },
        { name: 'smp-china', namespace: 'smp-prod', seed: { pods: agents('china', 1) } },
        { name: 'smp-us', namespace: 'smp-prod', seed: { pods: agents('us') } },
      ],
    }),
    startHttpStub((_method, path) => {
      if (path === '/health') return { status: 503, body: { status: 'DOWN' } };
      if (path === '/metrics') return { body: 'mirrormaker_records_lag{partition="0"} 42000\nmirrormaker_records_lag_max 42000\nuptime_seconds 9000\n' };
      if (path.startsWith('/api/v1/query')) return { body: prometheus };
      return { status: 404, body: 'not found' };
    }),
  ]);
  client = await connect(redis.url);
  await fillOom(client);
  await client.rpush('dispatch:queue:HCMC', ...Array.from({ length: 150 }, (_, i) => `order-${i}`));
  await produce(kafka.brokers, 'orders.events', [...messages(5_000, 0), ...messages(200, 1), ...messages(100, 2)]);
  await commitAsMember(kafka.brokers, 'dispatch-engine', 'orders.events', { 0: 100, 1: 100, 2: 100 });
  keysBefore = await allKeys(client);
  offsetsBefore = await committedOffsets(kafka.brokers, 'dispatch-engine', 'orders.events');
  // From here on, INFO commandstats counts only what the runs (and the checks below) send.
  await client.config('RESETSTAT');
}, 60_000);

afterAll(async () => {
  client?.disconnect();
  await Promise.all([redis?.stop(), kafka?.stop(), kube?.close(), http?.close()]);
  home?.cleanup();
});

const clusters = () => ['smp-asia', 'smp-china', 'smp-us'].map((name) => ({ name, mutations: kube.clusters[name]!.mutations }));

/** Commands Redis executed since RESETSTAT, by name ("config|get"). */
async function commandsRun(): Promise<string[]> {
  const stats = await client.info('commandstats');
  return [...stats.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)].map((m) => m[1]!);
}

/** Those the server itself flags as writes, plus the admin commands that change it. */
async function writeCommands(names: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const name of names) {
    if (/^(config\|(set|rewrite)|flushall|flushdb|debug|shutdown|swapdb|failover|replicaof|slaveof)/.test(name)) {
      out.push(name);
      continue;
    }
    const [info] = (await client.call('COMMAND', 'INFO', name)) as Array<[string, number, string[]] | null>;
    if (info && info[2].includes('write')) out.push(name);
  }
  return out;
}

const common = () => ['--non-interactive', '--json', '--dry-run'];

const runs: Record<string, () => Promise<CliRun>> = {
  'INC-001': () => oncallRun(home.dir, ['INC-001', ...common(), '--set', `engine_url=${http.url}`], { env: peerEnv() }),
  'INC-004': () => oncallRun(home.dir, ['INC-004', ...common(), '--set', 'eviction_window=1'], { env: peerEnv() }),
  'INC-007': () => oncallRun(home.dir, ['INC-007', ...common(), '--set', 'replicas=4'], { env: peerEnv() }),
  'INC-012': () => oncallRun(home.dir, ['INC-012', ...common(), '--set', `mirrormaker_url=${http.url}`, '--set', `prometheus_url=${http.url}`], { env: peerEnv() }),
};

/** Every peer through the environment, as an operator's shell would have it. */
function peerEnv(): Record<string, string> {
  return { REDIS_URL: redis.url, KAFKA_BROKERS: kafka.bootstrap, KUBECONFIG: kube.env.KUBECONFIG, KUBECACHEDIR: kube.env.KUBECACHEDIR };
}

const results: Record<string, CliRun> = {};

describe.each(Object.keys(runs))('%s --dry-run', (id) => {
  let r: CliRun;
  beforeAll(async () => {
    r = results[id] = await runs[id]!();
  }, 30_000);

  test('rehearses every stage (exit 0) and shows every write without running one', () => {
    expectExit(r, 0);
    expect(r.events.at(-1)).toMatchObject({ type: 'run-finished', outcome: 'rehearsed', exitCode: 0 });
    expect(ofType(r.events, 'step-started').filter((e) => e.effect === 'write')).toEqual([]);
    const writes = ofType(r.events, 'step-finished').filter((e) => e.effect === 'write');
    expect(writes.length).toBeGreaterThan(0);
    for (const w of writes) expect(['planned', 'skipped']).toContain(w.status);
    expect(r.stdout).not.toMatch(STACK_FRAME);
    expect(r.stderr).toBe('');
  });

  test('Redis ran no write command and holds the same keys; no offset moved; no API server saw a mutation', async () => {
    const ran = await commandsRun();
    expect(await writeCommands(ran)).toEqual([]);
    expect(await allKeys(client)).toEqual(keysBefore);
    expect(await client.llen('dispatch:queue:HCMC')).toBe(150);
    expect(await committedOffsets(kafka.brokers, 'dispatch-engine', 'orders.events')).toEqual(offsetsBefore);
    expect(clusters().filter((c) => c.mutations.length)).toEqual([]);
  });
});

test('the reads reached the peers for real', async () => {
  // Redis saw the reads (so "no write command" above is not vacuous).
  expect(await commandsRun()).toEqual(expect.arrayContaining(['scan', 'llen', 'info']));
  expect(finished(results['INC-001']!.events, 'queue')).toMatchObject({ status: 'ok', result: { length: 150 } });
  expect(finished(results['INC-004']!.events, 'memory')!.result.usedMemoryPercent).toBeGreaterThan(90);
  expect(finished(results['INC-004']!.events, 'flush')!.summary).toMatch(/^would delete [\d,]+ keys matching cache:wms:stock:\*/);
  expect(finished(results['INC-007']!.events, 'lag')!.result).toMatchObject({ totalLag: 5_000, hottestPartition: 'orders.events:0' });
  for (const { name } of clusters()) expect(kube.clusters[name]!.requests.some((q) => q.path.includes('/pods'))).toBe(true);
  expect(http.requests.some((q) => q.path === '/metrics')).toBe(true);
  expect(http.requests.some((q) => q.path.startsWith('/api/v1/query'))).toBe(true);
});

test('INC-012 reads each region through its own context and recommends the agent restart for the crash-looping China agent', () => {
  const r = results['INC-012']!;
  expect(finished(r.events, 'asia')).toMatchObject({ status: 'ok', result: { context: 'smp-asia', total: 2, crashLooping: 0 } });
  expect(finished(r.events, 'china')).toMatchObject({ status: 'ok', result: { context: 'smp-china', total: 2, crashLooping: 1 } });
  expect(finished(r.events, 'us')).toMatchObject({ status: 'ok', result: { context: 'smp-us', total: 2, crashLooping: 0 } });
  const { choices } = ofType(r.events, 'decision-needed')[0]!;
  expect(choices.filter((c: { recommended: boolean }) => c.recommended).map((c: { id: string }) => c.id)).toEqual(['scenario-2']);
  expect(finished(r.events, 'restartmm')).toMatchObject({
    status: 'planned',
    summary: 'would restart deployment/mirrormaker-to-cn (2 pods) in smp-prod (context smp-asia)',
  });
  expect(finished(r.events, 'mmmetrics')).toMatchObject({ status: 'ok' });
  expect(finished(r.events, 'mmmetrics')!.result.lines).toEqual(['mirrormaker_records_lag{partition="0"} 42000', 'mirrormaker_records_lag_max 42000']);
  expect(clusters().filter((c) => c.mutations.length)).toEqual([]);
});
