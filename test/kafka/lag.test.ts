import { Kafka, logLevel } from 'kafkajs';
import { withKafka } from '../../src/integrations/kafka.js';
import { collectLag, kafkaLag } from '../../src/steps/kafka/lag.js';
import { produce, startKafkaMock, stepContext, type KafkaMock } from '../support/kafka-mock.js';

let mock: KafkaMock;

/**
 * Commits offsets the way a consumer does: join the group for real, commit
 * with the member's generation, leave. The mock never runs the test's own
 * commit path (reset-offsets), so lag numbers do not depend on it.
 */
async function commitAsMember(group: string, topic: string, offsets: Record<number, number>) {
  const consumer = new Kafka({ brokers: mock.brokers, logLevel: logLevel.NOTHING }).consumer({
    groupId: group,
    sessionTimeout: 6000,
    heartbeatInterval: 500,
    // A short fetch wait lets disconnect() return quickly.
    maxWaitTimeInMs: 100,
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  // No auto-commit and no auto-resolve: only the explicit commit below counts.
  await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: async () => undefined });
  await joined;
  await consumer.commitOffsets(
    Object.entries(offsets).map(([partition, offset]) => ({ topic, partition: Number(partition), offset: String(offset) })),
  );
  await consumer.disconnect();
}

const repeat = (n: number, partition: number) => Array.from({ length: n }, (_, i) => ({ partition, key: `k${i}`, value: `v${i}` }));

beforeAll(async () => {
  mock = await startKafkaMock({ brokers: 3, topics: [{ topic: 'orders.events' }, { topic: 'payments.events' }] });
  // Skewed: partition 0 gets most of the traffic (a hot key).
  await produce(mock.brokers, 'orders.events', [...repeat(600, 0), ...repeat(100, 1), ...repeat(80, 2), ...repeat(20, 3)]);
  await produce(mock.brokers, 'payments.events', repeat(50, 1));
  await Promise.all([
    // Partition 3 is left without a commit: its lag counts from the log start.
    commitAsMember('dispatch-engine', 'orders.events', { 0: 100, 1: 90, 2: 80 }),
    commitAsMember('billing', 'payments.events', { 1: 20 }),
  ]);
}, 30_000);

afterAll(async () => {
  await mock?.stop();
});

describe('kafka.lag on the mock cluster', () => {
  it('reports exact per-partition lag, the total and the hot partition', async () => {
    const out = await kafkaLag.run(stepContext(10_000), { brokers: mock.bootstrap, group: 'dispatch-engine', topic: 'orders.events' });
    const r = out.result;
    expect(out.ok).toBe(true);
    expect(r.partitions.map(({ topic, partition, committed, logEnd, lag }) => ({ topic, partition, committed, logEnd, lag }))).toEqual([
      { topic: 'orders.events', partition: 0, committed: 100, logEnd: 600, lag: 500 },
      { topic: 'orders.events', partition: 1, committed: 90, logEnd: 100, lag: 10 },
      { topic: 'orders.events', partition: 2, committed: 80, logEnd: 80, lag: 0 },
      { topic: 'orders.events', partition: 3, committed: null, logEnd: 20, lag: 20 },
    ]);
    expect(r.totalLag).toBe(530);
    expect(r.partitionCount).toBe(4);
    expect(r.maxPartitionLag).toBe(500);
    expect(r.hottestPartition).toBe('orders.events:0');
    expect(r.maxPartitionShare).toBeCloseTo(500 / 530, 3);
    expect(r.maxPartitionShare).toBeGreaterThan(0.5);
    expect(r.notes).toContain('1 partition has no committed offset: lag counted from the log start offset');
    expect(out.summary).toBe('dispatch-engine: lag 530 on 4 partitions, hottest orders.events:0 (94%)');
  });

  it('reports consumerCount null with a note, because the mock has no DescribeGroups', async () => {
    const { result } = await kafkaLag.run(stepContext(), { brokers: mock.bootstrap, group: 'dispatch-engine', topic: 'orders.events' });
    expect(result.consumerCount).toBeNull();
    expect(result.idleConsumers).toBeNull();
    expect(result.notes.some((n) => n.startsWith('consumer count unknown: the broker does not support DescribeGroups'))).toBe(true);
  });

  it('without a topic, finds the topics the group has committed offsets on', async () => {
    const { result } = await kafkaLag.run(stepContext(), { brokers: mock.bootstrap, group: 'dispatch-engine' });
    expect(result.totalLag).toBe(530);
    expect(new Set(result.partitions.map((p) => p.topic))).toEqual(new Set(['orders.events']));
    expect(result.notes[0]).toMatch(/^no topic given: group dispatch-engine has committed offsets on 1 of \d+ topics$/);
  });

  it('reads KAFKA_BROKERS when no brokers input is given', async () => {
    const { result } = await kafkaLag.run(stepContext(10_000, { KAFKA_BROKERS: mock.bootstrap }), {
      group: 'billing',
      topic: 'payments.events',
    });
    expect(result.totalLag).toBe(30);
    expect(result.hottestPartition).toBe('payments.events:1');
    expect(result.maxPartitionShare).toBe(1);
  });

  it('takes several topics, as a list or comma-separated', async () => {
    const both = ['orders.events', 'payments.events'];
    const listed = await kafkaLag.run(stepContext(), { brokers: mock.bootstrap, group: 'dispatch-engine', topics: both });
    const commas = await kafkaLag.run(stepContext(), { brokers: mock.bootstrap, group: 'dispatch-engine', topic: both.join(', ') });
    for (const { result } of [listed, commas]) {
      // dispatch-engine never committed on payments.events: 50 messages from its log start.
      expect(result.totalLag).toBe(580);
      expect(result.partitionCount).toBe(8);
      expect(result.notes).toContain('5 partitions have no committed offset: lag counted from the log start offset');
    }
  });

  it('a group with no offsets has zero lag, share 0 and no hot partition', async () => {
    const { result, summary } = await kafkaLag.run(stepContext(), { brokers: mock.bootstrap, group: 'nobody-here' });
    expect(result).toMatchObject({ totalLag: 0, partitionCount: 0, maxPartitionShare: 0, hottestPartition: null });
    expect(result.notes[0]).toMatch(/^group nobody-here has no committed offsets on any of the \d+ topics$/);
    expect(summary).toBe('nobody-here: lag 0 on 0 partitions');
  });

  it('collects several groups in one pass with the same numbers', async () => {
    const results = await withKafka(stepContext(), mock.bootstrap, (s) =>
      collectLag(s, [{ group: 'dispatch-engine', topics: ['orders.events'] }, { group: 'billing' }, { group: 'dispatch-engine' }]),
    );
    expect(results.map((r) => [r.group, r.totalLag, r.hottestPartition])).toEqual([
      ['dispatch-engine', 530, 'orders.events:0'],
      ['billing', 30, 'payments.events:1'],
      ['dispatch-engine', 530, 'orders.events:0'],
    ]);
  });
});
