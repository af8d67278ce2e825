import { Kafka, logLevel, type Admin, type Consumer } from 'kafkajs';
import { kafkaResetOffsets, refusalFor } from '../../src/steps/kafka/reset-offsets.js';
import { StepError } from '../../src/steps/types.js';
import { produce, startKafkaMock, stepContext, type KafkaMock } from '../support/kafka-mock.js';

let mock: KafkaMock;
let admin: Admin;
let liveConsumer: Consumer;

/** Committed offset read through kafkajs' public admin API, independent of the code under test. */
async function committed(group: string, partition = 0): Promise<number> {
  const [t] = await admin.fetchOffsets({ groupId: group, topics: ['orders.events'] });
  return Number(t!.partitions.find((p) => p.partition === partition)!.offset);
}

beforeAll(async () => {
  mock = await startKafkaMock({ brokers: 3, topics: [{ topic: 'orders.events' }] });
  await produce(
    mock.brokers,
    'orders.events',
    Array.from({ length: 300 }, (_, i) => ({ partition: 0, value: `e${i}` })),
  );
  const kafka = new Kafka({ brokers: mock.brokers, logLevel: logLevel.NOTHING });
  admin = kafka.admin();
  await admin.connect();
  // dispatch-engine stays an active group: one member, joined for the whole file.
  liveConsumer = kafka.consumer({ groupId: 'dispatch-engine', sessionTimeout: 10_000, heartbeatInterval: 500, maxWaitTimeInMs: 100 });
  await liveConsumer.connect();
  await liveConsumer.subscribe({ topic: 'orders.events', fromBeginning: true });
  const joined = new Promise<void>((resolve) => liveConsumer.on(liveConsumer.events.GROUP_JOIN, () => resolve()));
  await liveConsumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: async () => undefined });
  await joined;
  await liveConsumer.commitOffsets([{ topic: 'orders.events', partition: 0, offset: '120' }]);
}, 30_000);

afterAll(async () => {
  await liveConsumer?.disconnect();
  await admin?.disconnect();
  await mock?.stop();
});

const input = (group: string, offset: number | string, partition: number | string = 0) => ({
  brokers: mock.bootstrap,
  group,
  topic: 'orders.events',
  partition: partition as number,
  offset: offset as number,
});

describe('kafka.reset-offsets plan', () => {
  it('says what would move, and moves nothing', async () => {
    const plan = await kafkaResetOffsets.plan!(stepContext(), input('dispatch-engine', 186));
    expect(plan.summary).toBe('would move group dispatch-engine on orders.events:0 from 120 to 186 (skipping 66 messages)');
    expect(plan.target).toBe('group dispatch-engine, orders.events:0');
    expect(plan.details).toEqual([
      'log of orders.events:0: offsets 0..300',
      'lag on this partition: 180 → 114',
      expect.stringMatching(
        /^group membership cannot be described \(the broker does not support DescribeGroups .*\); the coordinator will refuse the commit if the group has members$/,
      ),
    ]);
    expect(await committed('dispatch-engine')).toBe(120);
  });

  it('describes a move backwards and a group without a commit', async () => {
    const back = await kafkaResetOffsets.plan!(stepContext(), input('dispatch-engine', '100'));
    expect(back.summary).toBe('would move group dispatch-engine on orders.events:0 from 120 to 100 (re-reading 20 messages)');
    const fresh = await kafkaResetOffsets.plan!(stepContext(), input('nobody', 250));
    expect(fresh.summary).toBe('would move group nobody on orders.events:0 from no committed offset (log start 0) to 250 (skipping 250 messages)');
    expect(await committed('nobody')).toBe(-1);
  });

  it('refuses offsets outside the log and partitions that do not exist', async () => {
    await expect(kafkaResetOffsets.plan!(stepContext(), input('dispatch-engine', 301))).rejects.toThrow(
      'offset 301 is outside the log of orders.events:0 (0..300); it must be between the log start and the log end offset',
    );
    await expect(kafkaResetOffsets.plan!(stepContext(), input('dispatch-engine', 1, 9))).rejects.toThrow(
      'orders.events has partitions 0..3; there is no partition 9',
    );
    await expect(kafkaResetOffsets.plan!(stepContext(), input('dispatch-engine', -5))).rejects.toThrow(
      'kafka.reset-offsets: input "offset" must be ≥ 0, got -5',
    );
  });
});

describe('kafka.reset-offsets run', () => {
  it('refuses while the group has an active member, and leaves the offset alone', async () => {
    const run = kafkaResetOffsets.run(stepContext(), input('dispatch-engine', 186));
    await expect(run).rejects.toBeInstanceOf(StepError);
    await expect(run).rejects.toMatchObject({
      code: 'refused',
      message:
        'refusing to reset offsets: the coordinator rejected a commit from outside group dispatch-engine (UNKNOWN_MEMBER_ID), ' +
        'so the group has active members; stop its consumers first',
    });
    expect(await committed('dispatch-engine')).toBe(120);
  });

  it('commits on a group without members, forwards then backwards', async () => {
    const first = await kafkaResetOffsets.run(stepContext(), input('dlq-replayer', 250));
    expect(first.result).toEqual({
      group: 'dlq-replayer',
      topic: 'orders.events',
      partition: 0,
      from: null,
      to: 250,
      delta: 250,
      verifiedBy: 'coordinator',
      unansweredBrokers: [],
    });
    expect(await committed('dlq-replayer')).toBe(250);

    const second = await kafkaResetOffsets.run(stepContext(), input('dlq-replayer', 200));
    expect(second.result).toMatchObject({ from: 250, to: 200, delta: -50 });
    expect(second.summary).toBe('moved group dlq-replayer on orders.events:0 from 250 to 200 (re-reading 50 messages)');
    expect(await committed('dlq-replayer')).toBe(200);
    // Other partitions are untouched.
    expect(await committed('dlq-replayer', 1)).toBe(-1);
  });
});

// DescribeGroups is what real brokers answer first; the mock cannot, so the
// decision on its answers is checked directly.
describe('refusalFor', () => {
  const member = { memberId: 'm-1', clientId: 'dispatch-engine-0', host: '/10.0.0.7', assigned: 3 };

  it('refuses a group with members, naming the state', () => {
    expect(refusalFor('g', { kind: 'described', state: 'Stable', members: [member, { ...member, memberId: 'm-2' }] })?.message).toBe(
      'refusing to reset offsets: group g has 2 active members (state Stable); stop its consumers first',
    );
    expect(refusalFor('g', { kind: 'described', state: 'PreparingRebalance', members: [] })?.message).toBe(
      'refusing to reset offsets: group g has 0 active members (state PreparingRebalance); stop its consumers first',
    );
  });

  it('refuses when the group cannot be described', () => {
    const r = refusalFor('g', { kind: 'failed', message: 'Not authorized to access group: Group authorization failed.' });
    expect(r).toMatchObject({ code: 'refused', message: 'cannot verify the group is empty: Not authorized to access group: Group authorization failed.' });
  });

  it('goes on for Empty and Dead groups, and leaves an unsupported describe to the coordinator', () => {
    expect(refusalFor('g', { kind: 'described', state: 'Empty', members: [] })).toBeNull();
    expect(refusalFor('g', { kind: 'described', state: 'Dead', members: [] })).toBeNull();
    expect(refusalFor('g', { kind: 'unsupported', message: 'the broker does not support DescribeGroups' })).toBeNull();
  });
});
