// `oncall serve` never spawns a write. The built CLI serves the bundled
// runbooks with every program a runbook may start replaced on PATH by a
// recording shim (which then runs the real binary), kubectl pointed at the
// Kubernetes API stand-in, a private redis-server and the Kafka mock as the
// other peers. One alert per alerts[] entry of every bundled runbook is posted;
// once every verdict is in:
// - every spawned argv (a `shell: true` script with the values it ran with) is
//   proven a read by the command model, a program it does not know included,
//   and none names a write verb from a hand-kept list that does not depend on
//   the model;
// - the API stand-in saw only GETs, apart from kubectl exec's POST to
//   pods/NAME/exec (exec is a POST whatever runs inside; what ran inside is
//   kubectl's recorded argv, judged above), one per recorded `kubectl exec`;
// - every Kubernetes request is one the shipped RBAC grants: the default
//   manifest everything but pods/exec, the opt-in exec manifest exactly that;
// - Redis ran no command it flags as a write, and no committed offset moved.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Redis } from 'ioredis';
import { parse, parseAllDocuments } from 'yaml';
import { isWrite, judgeCommand, knownWords } from '../../src/commands/index.js';
import { assertBuilt } from '../support/built.js';
import { commitAsMember, committedOffsets, messages } from '../support/e2e-kafka.js';
import { connect } from '../support/e2e-redis.js';
import { startK8sApiServer, type K8sApiServer, type K8sSeed } from '../support/k8s-api-server.js';
import { deployment, dispatchEngineSeed, pod, statefulset } from '../support/k8s-fixtures.js';
import { allows, attributesOf, grantsFor, type RequestAttributes } from '../support/k8s-rbac.js';
import { produce, startKafkaMock, type KafkaMock } from '../support/kafka-mock.js';
import { DEFAULT_TOOLS, recordCommands, type RecordedCommand, type Recorder } from '../support/record-commands.js';
import { freePort, startRedisServer, type PrivateRedis } from '../support/redis-server.js';
import { chatSink, post, ROOT, until } from './helpers.js';

const RUNBOOKS = join(ROOT, 'runbooks');
// Label values for `fromLabel` parameters that have no default (the alert is what names them).
const LABELS_FOR_PARAMS: Record<string, string> = { partner_id: 'P4821' };

interface Verdict {
  fingerprint: string;
  runbook?: { id: string };
  outcome?: string;
  problem?: string;
}

/** The cluster the runbooks look at: the dispatch-engine incident, and the pods other runbooks exec into. */
function clusterSeed(region: string): K8sSeed {
  const seed = dispatchEngineSeed();
  const app = (name: string, n: number, labels = { app: name }) => Array.from({ length: n }, (_, i) => pod({ name: `${name}-${i}`, labels }));
  seed.deployments!.push(deployment({ name: 'integration-svc', replicas: 2 }), deployment({ name: 'mirrormaker-to-cn', replicas: 2 }));
  seed.statefulsets!.push(statefulset({ name: 'kafka', replicas: 3 }));
  seed.pods!.push(
    ...app('kafka', 3),
    ...app('kafka-connect', 1),
    ...app('finance-svc', 1),
    ...app('partner-svc', 1),
    ...app(`replication-agent-${region}`, 2, { app: 'replication-agent' }),
    ...app('integration-svc-6b7c8d9f0', 2, { app: 'integration-svc' }),
  );
  return seed;
}

/** One alert per alerts[] entry of every bundled runbook, with the labels the entry requires. */
function bundledAlerts(): Array<{ runbook: string; labels: Record<string, string>; fingerprint: string }> {
  return readdirSync(RUNBOOKS)
    .filter((f) => /^INC-.*\.ya?ml$/.test(f))
    .sort()
    .flatMap((f) => {
      const rb = parse(readFileSync(join(RUNBOOKS, f), 'utf8')) as { id: string; alerts: Array<{ alertname: string; labels?: Record<string, string> }>; params?: Record<string, { fromLabel?: string; default?: unknown }> };
      const extra = Object.fromEntries(
        Object.values(rb.params ?? {})
          .filter((p) => p.fromLabel && p.default === undefined && LABELS_FOR_PARAMS[p.fromLabel])
          .map((p) => [p.fromLabel!, LABELS_FOR_PARAMS[p.fromLabel!]!]),
      );
      return rb.alerts.map((a, i) => ({ runbook: rb.id, labels: { alertname: a.alertname, namespace: 'smp-prod', ...extra, ...(a.labels ?? {}) }, fingerprint: `nowrite-${rb.id}-${i}` }));
    });
}

// Invocations that change something, told apart without the command model (a belt to its braces):
// a program named anywhere in the argv (also inside `bash -c` or `kubectl exec --`), then a write verb.
const WRITE_VERBS: Array<[program: string, argv: RegExp]> = [
  ['kubectl', /(^|\s)(scale|delete|apply|create|patch|edit|replace|annotate|label|set|cordon|uncordon|drain|taint|autoscale|expose|run|cp)(\s|$)|\brollout\s+(restart|undo|pause|resume)\b/],
  ['redis-cli', /(^|\s)(del|unlink|flushall|flushdb|set|setex|mset|expire|config\s+set|config\s+rewrite|client\s+kill|debug|shutdown|lpop|rpop|ltrim)(\s|$)/i],
  ['kafka-[a-z-]+\\.sh', /--(execute|delete|alter|create|reset-offsets)\b/],
  ['mysql|psql', /\b(insert|update|delete|drop|alter|truncate|kill|stop\s+replica|start\s+replica|stop\s+slave|start\s+slave|set\s+global|create|grant|revoke)\b/i],
  ['curl', /(^|\s)(-X\s*(POST|PUT|PATCH|DELETE)|--request\s+(POST|PUT|PATCH|DELETE)|-d|--data\S*|-F|--form|-T|--upload-file)(\s|$)/],
];

/** The argv the command model (src/commands) does not prove a read, with why. Stricter than the
 *  engine, which runs a program it does not know on the author's word (`unverified`): nothing a
 *  triage spawns may need that word, or a write declared `write` would pass here unseen. */
function notProvenRead(c: RecordedCommand): string | undefined {
  const findings = judgeCommand(knownWords(c.argv)).filter((f) => isWrite(f) || f.kind === 'unverified');
  return findings.length ? `${c.argv.join(' ')} → ${findings.map((f) => `${f.kind}: ${'what' in f ? f.what : ''}`).join(', ')}` : undefined;
}

const which = (name: string): string => {
  const dir = (process.env.PATH ?? '').split(delimiter).find((d) => d && existsSync(join(d, name)));
  if (!dir) throw new Error(`${name} is not on PATH`);
  return join(dir, name);
};

/**
 * Shims for bash and sh that also record the environment a `shell: true` step
 * gets its values through (ONCALL_V1…, never spliced into the script), so the
 * script can be judged with the values it ran with, as the engine judged it.
 */
function shellRecorder(root: string): { binDir: string; commands(): RecordedCommand[] } {
  const binDir = join(root, 'shell-bin');
  const logDir = join(root, 'shell-log');
  mkdirSync(binDir, { recursive: true });
  mkdirSync(logDir, { recursive: true });
  const [date, env, sed, printenv] = ['date', 'env', 'sed', 'printenv'].map(which);
  for (const name of ['bash', 'sh']) {
    writeFileSync(
      join(binDir, name),
      [
        '#!/bin/sh',
        `f='${logDir}'/$('${date}' +%s%N)-$$`,
        `printf '%s\\0' "$#" ${name} "$@" > "$f.argv"`,
        `for n in $('${env}' | '${sed}' -n 's/^\\(ONCALL_V[0-9][0-9]*\\)=.*/\\1/p'); do printf '%s\\0%s\\0' "$n" "$('${printenv}' "$n")"; done > "$f.env"`,
        `exec '${which(name)}' "$@"`,
        '',
      ].join('\n'),
    );
    chmodSync(join(binDir, name), 0o755);
  }
  return {
    binDir,
    commands: () =>
      readdirSync(logDir)
        .filter((f) => f.endsWith('.argv'))
        .map((f) => {
          const parts = readFileSync(join(logDir, f), 'utf8').split('\0');
          const argv = parts.slice(1, 2 + Number(parts[0]));
          const envParts = readFileSync(join(logDir, f.replace(/\.argv$/, '.env')), 'utf8').split('\0');
          const values = new Map<string, string>();
          for (let i = 0; i + 1 < envParts.length; i += 2) values.set(envParts[i]!, envParts[i + 1]!);
          // What bash ran: each value where the script reads its variable ("\${ONCALL_V1}" sits in double quotes).
          const quoted = (v: string) => v.replace(/[\\"$`]/g, (ch) => `\\${ch}`);
          const withValues = argv.map((a, i) => (argv[i - 1] === '-c' ? a.replace(/\$\{(ONCALL_V\d+)\}/g, (m, n: string) => (values.has(n) ? quoted(values.get(n)!) : m)) : a));
          return { argv: withValues, at: Number(f.split('-')[0]) / 1e6 };
        }),
  };
}

function namesWriteVerb(c: RecordedCommand): boolean {
  const text = c.argv.join(' ');
  return WRITE_VERBS.some(([program, verbs]) =>
    [...text.matchAll(new RegExp(`(?:^|[\\s/'"|;&(])(?:${program})(?=\\s|$)`, 'g'))].some((m) => verbs.test(text.slice(m.index! + m[0].length))),
  );
}

const spawnedCommands = (): RecordedCommand[] => [...rec.commands(), ...shells.commands()].sort((a, b) => a.at - b.at);

const isExecPost = (r: { method: string; path: string }): boolean => r.method === 'POST' && /^\/api\/v1\/namespaces\/[^/]+\/pods\/[^/]+\/exec$/.test(r.path);

let rec: Recorder;
let shells: ReturnType<typeof shellRecorder>;
let kube: K8sApiServer;
let redis: PrivateRedis;
let client: Redis;
let kafka: KafkaMock;
let sink: Awaited<ReturnType<typeof chatSink>>;
let server: ChildProcess;
let offsetsBefore: Record<number, string>;
let keysBefore: number;
const alerts = bundledAlerts();
const verdicts: Verdict[] = [];
let stderr = '';

beforeAll(async () => {
  assertBuilt();
  rec = recordCommands([...DEFAULT_TOOLS, 'mysqladmin']);
  shells = shellRecorder(join(rec.binDir, '..'));
  [kube, redis, kafka, sink] = await Promise.all([
    startK8sApiServer(clusterSeed('asia'), {
      contexts: [
        { name: 'smp-asia', namespace: 'smp-prod' },
        { name: 'smp-china', namespace: 'smp-prod', seed: clusterSeed('china') },
        { name: 'smp-us', namespace: 'smp-prod', seed: clusterSeed('us') },
      ],
    }),
    startRedisServer(),
    startKafkaMock({ brokers: 3, topics: [{ topic: 'orders.events' }, { topic: 'orders.events.dlq' }] }),
    chatSink(),
  ]);
  client = await connect(redis.url);
  await client.mset(...Array.from({ length: 200 }, (_, i) => [`cache:wms:stock:${i}`, 'x']).flat());
  await client.rpush('dispatch:queue:HCMC', ...Array.from({ length: 20 }, (_, i) => `order-${i}`));
  keysBefore = await client.dbsize();
  await produce(kafka.brokers, 'orders.events', [...messages(500, 0), ...messages(50, 1)]);
  await commitAsMember(kafka.brokers, 'dispatch-engine', 'orders.events', { 0: 10, 1: 10 });
  offsetsBefore = await committedOffsets(kafka.brokers, 'dispatch-engine', 'orders.events');
  // From here on, INFO commandstats counts only what the triages (and the checks below) send.
  await client.config('RESETSTAT');

  const port = await freePort();
  const hook = join(rec.binDir, '..', 'chat-url');
  writeFileSync(hook, sink.url, { mode: 0o600 });
  const env = rec.env({
    PATH: `${shells.binDir}${delimiter}${process.env.PATH}`,
    HOME: kube.env.HOME,
    KUBECONFIG: kube.env.KUBECONFIG,
    KUBECACHEDIR: kube.env.KUBECACHEDIR,
    REDIS_URL: redis.url,
    KAFKA_BROKERS: kafka.bootstrap,
    ONCALL_STEP_TIMEOUT: '10s',
    NO_COLOR: '1',
  });
  server = spawn(process.execPath, [join(ROOT, 'bin', 'oncall.js'), '--runbooks', RUNBOOKS, 'serve', '--listen', `127.0.0.1:${port}`, '--concurrency', '4', '--journal-dir', join(rec.binDir, '..', 'journal'), '--webhook-url-file', hook, '--chat-type', 'webhook'], { env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'ignore', 'pipe'] });
  server.stderr!.on('data', (d) => (stderr += d));
  await until(() => stderr.includes('listening on') || server.exitCode !== null, 20_000);
  if (server.exitCode !== null) throw new Error(`oncall serve exited: ${stderr}`);

  const url = `http://127.0.0.1:${port}`;
  const body = JSON.stringify({
    version: '4',
    status: 'firing',
    receiver: 'oncall-triage',
    groupKey: '{}:{namespace="smp-prod"}',
    alerts: alerts.map((a) => ({ status: 'firing', labels: a.labels, annotations: {}, startsAt: new Date().toISOString(), fingerprint: a.fingerprint })),
  });
  const res = await post(url, body);
  if (res.status !== 200) throw new Error(`POST /alerts answered ${res.status}: ${await res.text()}`);
  await until(() => sink.bodies.length >= alerts.length, 90_000);
  for (const b of sink.bodies) verdicts.push((JSON.parse(b) as { verdict: Verdict }).verdict);
}, 120_000);

afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server.once('exit', r));
    server.kill('SIGTERM');
    await exited;
  }
  client?.disconnect();
  await Promise.all([kube?.close(), redis?.stop(), kafka?.stop(), sink?.close()]);
  rec?.cleanup();
});

test('every bundled runbook was triaged: one rehearsed verdict per alert, reads run', () => {
  expect(alerts.length).toBeGreaterThanOrEqual(12);
  expect(verdicts.map((v) => v.fingerprint).sort()).toEqual(alerts.map((a) => a.fingerprint).sort());
  expect(verdicts.filter((v) => v.problem || v.outcome !== 'rehearsed').map((v) => `${v.runbook?.id}: ${v.problem ?? v.outcome}`)).toEqual([]);
  expect(new Set(verdicts.map((v) => v.runbook?.id)).size).toBe(new Set(alerts.map((a) => a.runbook)).size);
  // The shims saw the programs the runbooks' read steps run: this test watched real spawns.
  const programs = new Set(spawnedCommands().map((c) => c.argv[0]));
  for (const p of ['kubectl', 'mysql', 'curl', 'bash']) expect(programs).toContain(p);
});

test('no spawned command is a write: each argv is a read by the command model, none names a write verb', () => {
  const spawned = spawnedCommands();
  expect(spawned.length).toBeGreaterThan(20);
  expect(spawned.map(notProvenRead).filter(Boolean)).toEqual([]);
  expect(spawned.filter(namesWriteVerb).map((c) => c.argv.join(' '))).toEqual([]);
});

test('the Kubernetes API stand-in saw only GETs, besides one exec POST per recorded `kubectl exec`', () => {
  const requests = Object.values(kube.clusters).flatMap((c) => c.requests);
  expect(requests.filter((r) => r.method === 'GET').length).toBeGreaterThan(10);
  expect(requests.filter((r) => r.method !== 'GET' && !isExecPost(r)).map((r) => `${r.method} ${r.path}`)).toEqual([]);
  const execs = rec.commands().filter((c) => c.argv[0] === 'kubectl' && c.argv.includes('exec'));
  expect(requests.filter(isExecPost)).toHaveLength(execs.length);
});

test('the shipped RBAC grants what the triages called: the default manifest all but exec, the opt-in exec manifest exactly exec', () => {
  const manifest = (file: string): Array<Record<string, never>> => parseAllDocuments(readFileSync(join(ROOT, 'deploy/kubernetes', file), 'utf8')).map((d) => d.toJS());
  const account = { name: 'oncall-serve', namespace: 'oncall' };
  const readOnly = grantsFor(manifest('oncall-serve.yaml'), account);
  const withExec = grantsFor([...manifest('oncall-serve.yaml'), ...manifest('oncall-serve-exec.yaml')], account);
  const called = Object.values(kube.clusters)
    .flatMap((c) => c.requests)
    .map(attributesOf)
    .filter((a) => a.resourceRequest);
  const shown = (a: RequestAttributes): string => `${a.verb} ${a.apiGroup ? `${a.apiGroup}/` : ''}${a.resource}${a.namespace ? ` in ${a.namespace}` : ''}`;
  expect(called.length).toBeGreaterThan(10);
  const distinct = (list: RequestAttributes[]): string[] => [...new Set(list.map(shown))].sort();
  const execs = distinct(called.filter((a) => a.resource === 'pods/exec'));
  expect(execs.length).toBeGreaterThan(0);
  expect(distinct(called.filter((a) => !allows(readOnly, a)))).toEqual(execs);
  expect(called.filter((a) => !allows(withExec, a)).map(shown)).toEqual([]);
  // The read-only role writes nothing, whatever the triages called.
  const rules = readOnly.flatMap((g) => g.rules);
  expect(rules.flatMap((r) => r.verbs).filter((v) => !['get', 'list', 'watch'].includes(v))).toEqual([]);
});

test('Redis ran no write command and holds the same keys; no committed offset moved', async () => {
  const stats = await client.info('commandstats');
  const ran = [...stats.matchAll(/^cmdstat_([^:]+):calls=\d+/gm)].map((m) => m[1]!);
  expect(ran.length).toBeGreaterThan(1); // the triages' INFO and SCAN, besides our own INFO
  const writes: string[] = [];
  for (const name of ran) {
    if (/^config\|(set|rewrite)$/.test(name)) writes.push(name);
    const [info] = (await client.call('COMMAND', 'INFO', name)) as Array<[string, number, string[]] | null>;
    if (info && info[2].includes('write')) writes.push(name);
  }
  expect(writes).toEqual([]);
  expect(await client.dbsize()).toBe(keysBefore);
  expect(await committedOffsets(kafka.brokers, 'dispatch-engine', 'orders.events')).toEqual(offsetsBefore);
});
