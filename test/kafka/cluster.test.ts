import { clusterHealth, kafkaCluster, type ClusterMetadataView } from '../../src/steps/kafka/cluster.js';
import { startKafkaMock, stepContext, type KafkaMock } from '../support/kafka-mock.js';

let mock: KafkaMock;

beforeAll(async () => {
  mock = await startKafkaMock({ brokers: 3, topics: [{ topic: 'orders.events' }, { topic: 'orders.events.dlq' }] });
});

afterAll(async () => {
  await mock?.stop();
});

describe('kafka.cluster on the mock cluster', () => {
  it('sees 3 brokers, a controller and no under-replicated or offline partitions', async () => {
    const { ok, result, summary } = await kafkaCluster.run(stepContext(), { brokers: mock.bootstrap, expectedBrokers: 3 });
    expect(ok).toBe(true);
    expect(result.brokers).toBe(3);
    expect(result.brokerIds).toEqual([1, 2, 3]);
    // The mock's metadata names controller 0 (not a broker id); it is reported as is, with a note.
    expect(result.controller).toBe(0);
    expect(result.notes).toContain('controller id 0 is not in the broker list');
    // kcat's own topic exists too.
    expect(result.topics).toBe(3);
    expect(result.partitions).toBe(12);
    expect(result).toMatchObject({
      expectedBrokers: 3,
      missingBrokers: 0,
      missingBrokerIds: [],
      underReplicatedPartitions: 0,
      offlinePartitions: 0,
      unhealthyPartitions: [],
      healthy: true,
    });
    expect(summary).toBe('3/3 brokers, 12 partitions in 3 topics, healthy');
  });

  it('is unhealthy when fewer brokers answer than expected', async () => {
    const { result, summary } = await kafkaCluster.run(stepContext(), { brokers: mock.bootstrap, expectedBrokers: '5' as unknown as number });
    expect(result).toMatchObject({ brokers: 3, expectedBrokers: 5, missingBrokers: 2, healthy: false });
    expect(summary).toBe('3/5 brokers, 12 partitions in 3 topics: 2 missing');
  });

  it('rejects a non-integer expectedBrokers before connecting', async () => {
    await expect(kafkaCluster.run(stepContext(), { brokers: mock.bootstrap, expectedBrokers: 'three' as unknown as number })).rejects.toThrow(
      'kafka.cluster: input "expectedBrokers" must be an integer, got "three"',
    );
  });
});

// The mock keeps every replica in sync and every broker up (kcat cannot reach
// the mock API that takes a broker down), so degraded clusters are checked on
// metadata shaped like what a real cluster returns with broker 3 down: it is
// missing from the broker list, still named in replicas, absent from the ISRs,
// and a partition it alone led has no leader.
describe('clusterHealth on degraded metadata', () => {
  const degraded: ClusterMetadataView = {
    brokers: [{ nodeId: 1 }, { nodeId: 2 }],
    controller: 1,
    topics: [
      {
        name: 'orders.events',
        partitions: [
          { partitionErrorCode: 0, partitionId: 0, leader: 1, replicas: [1, 2, 3], isr: [1, 2] },
          { partitionErrorCode: 0, partitionId: 1, leader: 2, replicas: [2, 3, 1], isr: [2, 1] },
          { partitionErrorCode: 0, partitionId: 2, leader: 1, replicas: [1, 2], isr: [1, 2] },
        ],
      },
      {
        name: 'audit.log',
        partitions: [{ partitionErrorCode: 5, partitionId: 0, leader: -1, replicas: [3], isr: [] }],
      },
    ],
  };

  it('counts under-replicated and offline partitions and the missing broker', () => {
    const r = clusterHealth(degraded, 3);
    expect(r).toMatchObject({
      brokers: 2,
      brokerIds: [1, 2],
      controller: 1,
      expectedBrokers: 3,
      missingBrokers: 1,
      missingBrokerIds: [3],
      topics: 2,
      partitions: 4,
      underReplicatedPartitions: 3,
      offlinePartitions: 1,
      healthy: false,
    });
    expect(r.unhealthyPartitions).toEqual(['orders.events:0 (isr 2/3)', 'orders.events:1 (isr 2/3)', 'audit.log:0 (offline)']);
    expect(r.notes).toEqual(['replicas on brokers not alive: 3']);
  });

  it('notices the dead broker from replica lists even without expectedBrokers', () => {
    expect(clusterHealth(degraded, null)).toMatchObject({ expectedBrokers: null, missingBrokers: 1, healthy: false });
  });

  it('is healthy when every ISR is complete, every partition led and the controller known', () => {
    const healthy: ClusterMetadataView = {
      brokers: [{ nodeId: 2 }, { nodeId: 1 }],
      controller: 2,
      topics: [{ name: 't', partitions: [{ partitionErrorCode: 0, partitionId: 0, leader: 2, replicas: [1, 2], isr: [2, 1] }] }],
    };
    expect(clusterHealth(healthy, 2)).toMatchObject({ brokerIds: [1, 2], healthy: true, notes: [] });
  });

  it('is unhealthy without an active controller', () => {
    const r = clusterHealth({ brokers: [{ nodeId: 1 }], controller: -1, topics: [] }, null);
    expect(r).toMatchObject({ controller: null, healthy: false, notes: ['no active controller'] });
  });
});
