// INC-007 consumer lag spike, end to end: the real CLI against librdkafka's
// mock cluster (a skewed, lagging dispatch-engine group on orders.events) and
// the test Kubernetes API server (the consumer deployment), no TTY.
import { produce, startKafkaMock, type KafkaMock } from '../support/kafka-mock.js';
import { startK8sApiServer, type K8sApiServer } from '../support/k8s-api-server.js';
import { dispatchEngineSeed } from '../support/k8s-fixtures.js';
import { commitAsMember, committedOffsets, messages } from '../support/e2e-kafka.js';
import { assertBuilt, expectExit, finished, ofType, oncallRun, scratch, startedIds, STACK_FRAME } from '../support/e2e-cli.js';

let kafka: KafkaMock;
let kube: K8sApiServer;
let home: ReturnType<typeof scratch>;
let offsetsBefore: Record<number, string>;

const TOPIC = 'orders.events';
// Partition 0 carries a hot key: 10,000 of the 10,600 messages.
const PRODUCED = { 0: 10_000, 1: 300, 2: 200, 3: 100 };
const COMMITTED = { 0: 500, 1: 250, 2: 180, 3: 100 };
const LAG = { 0: 9_500, 1: 50, 2: 20, 3: 0 };

const run = (...args: string[]) =>
  oncallRun(home.dir, ['INC-007', '--non-interactive', '--json', '--set', `brokers=${kafka.bootstrap}`, '--set', `topic=${TOPIC}`, ...args], {
    env: { KUBECONFIG: kube.env.KUBECONFIG, KUBECACHEDIR: kube.env.KUBECACHEDIR },
  });

beforeAll(async () => {
  assertBuilt();
  home = scratch();
  [kafka, kube] = await Promise.all([startKafkaMock({ brokers: 3, topics: [{ topic: TOPIC }, { topic: 'orders.events.dlq' }] }), startK8sApiServer(dispatchEngineSeed())]);
  await produce(kafka.brokers, TOPIC, Object.entries(PRODUCED).flatMap(([p, n]) => messages(n, Number(p))));
  await commitAsMember(kafka.brokers, 'dispatch-engine', TOPIC, COMMITTED);
  offsetsBefore = await committedOffsets(kafka.brokers, 'dispatch-engine', TOPIC);
}, 60_000);

afterAll(async () => {
  await Promise.all([kafka?.stop(), kube?.close()]);
  home?.cleanup();
});

test('the hot partition is recognised: scenario-2 recommended, the run stops before its first write (exit 3), nothing scaled', async () => {
  const r = await run('--set', 'replicas=4');
  expectExit(r, 3);
  const lag = finished(r.events, 'lag')!;
  expect(lag.status).toBe('ok');
  expect(lag.result).toMatchObject({ group: 'dispatch-engine', totalLag: 9_570, maxPartitionLag: 9_500, hottestPartition: `${TOPIC}:0`, partitionCount: 4 });
  expect(lag.result.partitions.map((p: { partition: number; lag: number }) => [p.partition, p.lag])).toEqual(Object.entries(LAG).map(([p, l]) => [Number(p), l]));
  expect(lag.result.maxPartitionShare).toBeGreaterThan(0.5);
  expect(finished(r.events, 'lagtable')).toMatchObject({ status: 'skipped' });
  expect(finished(r.events, 'consumers')).toMatchObject({ status: 'ok', result: { desired: 3 } });
  expect(finished(r.events, 'dlq')).toMatchObject({ status: 'ok', result: { count: 0 } });

  const { choices } = ofType(r.events, 'decision-needed')[0]!;
  expect(choices.filter((c: { recommended: boolean }) => c.recommended).map((c: { id: string }) => c.id)).toEqual(['scenario-2']);
  expect(choices[0].evidence).toMatch(/^Partition orders\.events:0 holds 0\.99\d* of the total lag 9570$/);
  expect(ofType(r.events, 'decision-made').find((e) => e.decision === 'option')).toMatchObject({ value: 'scenario-2', by: 'auto-selected: recommended' });

  const needed = ofType(r.events, 'approval-needed');
  expect(needed.map((e) => e.stepId)).toEqual(['scalehot']);
  expect(needed[0]!.plan.summary).toBe('would scale deployment/dispatch-engine 3 → 4 in smp-prod (context smp-asia)');
  expect(needed[0]!.warnings.join('\n')).toContain('Consumers ≤ partitions');
  expect(startedIds(r.events)).not.toContain('scalehot');
  expect(r.events.at(-1)).toMatchObject({ type: 'run-finished', outcome: 'stopped', exitCode: 3, approveHint: '--approve scalehot' });

  expect(kube.mutations).toEqual([]);
  expect(kube.get('deployments', 'smp-prod', 'dispatch-engine')!.spec.replicas).toBe(3);
  expect(await committedOffsets(kafka.brokers, 'dispatch-engine', TOPIC)).toEqual(offsetsBefore);
});

test('the default replicas (12) exceed the 4 partitions: the scale plan refuses before any request', async () => {
  const r = await run();
  expectExit(r, 3);
  const needed = ofType(r.events, 'approval-needed')[0]!;
  expect(needed.stepId).toBe('scalehot');
  expect(needed.planError).toBe('refusing to scale deployment/dispatch-engine to 12 replicas: above maxReplicas 4');
  expect(kube.mutations).toEqual([]);
});

test('--dry-run reads the real lag, plans the offset reset, and commits no offset and scales nothing', async () => {
  const r = await run('--dry-run', '--set', 'replicas=4');
  expectExit(r, 0);
  expect(r.events.at(-1)).toMatchObject({ type: 'run-finished', outcome: 'rehearsed' });
  expect(finished(r.events, 'lag')!.result.totalLag).toBe(9_570);
  // Every option rehearsed, the recommended one first.
  expect(ofType(r.events, 'decision-made').filter((e) => e.decision === 'option').map((e) => e.value)).toEqual([
    'scenario-2',
    'scenario-1',
    'scenario-3',
    'scenario-4',
  ]);
  // The poison-message reset is planned from the committed offset it read: skip exactly one message.
  expect(finished(r.events, 'stuckat')).toMatchObject({ status: 'ok' });
  const reset = finished(r.events, 'resetoffset')!;
  expect(reset.status).toBe('planned');
  expect(reset.summary).toBe(`would move group dispatch-engine on ${TOPIC}:0 from 500 to 501 (skipping 1 message)`);
  for (const id of ['scalehot', 'scale', 'stopconsumers', 'startconsumers']) expect(finished(r.events, id)).toMatchObject({ status: 'planned' });
  expect(finished(r.events, 'scalehot')!.summary).toBe('would scale deployment/dispatch-engine 3 → 4 in smp-prod (context smp-asia)');
  expect(ofType(r.events, 'step-started').filter((e) => e.effect === 'write')).toEqual([]);
  expect(r.stdout).not.toMatch(STACK_FRAME);

  expect(await committedOffsets(kafka.brokers, 'dispatch-engine', TOPIC)).toEqual(offsetsBefore);
  expect(kube.mutations).toEqual([]);
});
