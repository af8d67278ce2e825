// INC-006 on the client side: a bootstrap list with a hung broker (accepts
// TCP, never answers) or a stopped one (refused) in any position. Every Kafka
// check must work through the brokers that answer, name the ones that did not,
// and fail in one line only when none answers.

import { clusterHealth, kafkaCluster } from '../../src/steps/kafka/cluster.js';
import { kafkaLag } from '../../src/steps/kafka/lag.js';
import { kafkaPeek } from '../../src/steps/kafka/peek.js';
import { kafkaResetOffsets } from '../../src/steps/kafka/reset-offsets.js';
import { produce, startKafkaMock, stepContext, type KafkaMock } from '../support/kafka-mock.js';
import { closedPort, startSilentPeer, type SilentPeer } from '../support/silent-peer.js';
import { stepFailure } from '../support/step-failure.js';

let mock: KafkaMock;
let silent: SilentPeer;
let refused: string;

beforeAll(async () => {
  [mock, silent, refused] = await Promise.all([
    startKafkaMock({ brokers: 3, topics: [{ topic: 'orders.events' }] }),
    startSilentPeer(),
    closedPort(),
  ]);
  await produce(mock.brokers, 'orders.events', Array.from({ length: 40 }, (_, i) => ({ partition: i % 2, value: `e${i}` })));
}, 30_000);

afterAll(async () => {
  await Promise.all([mock?.stop(), silent?.stop()]);
});

/** The old behaviour took the whole step timeout (7 s in the issue); the per-broker deadline is 1.5 s. */
const BOUND_MS = 4000;
const STEP_TIMEOUT_MS = 7000;

const ctx = (env: Record<string, string> = {}) => stepContext(STEP_TIMEOUT_MS, env);

interface Outcome {
  summary: string;
  unanswered: string[];
  notes: string[];
}

/** Each Kafka step type (and reset-offsets' plan), reduced to what this file checks. */
const checks: Record<string, (brokers: string, extra?: Record<string, unknown>) => Promise<Outcome>> = {
  'kafka.cluster': async (brokers, extra) => {
    const r = await kafkaCluster.run(ctx(), { brokers, expectedBrokers: 3, ...extra });
    expect(r.result).toMatchObject({ brokers: 3, healthy: true });
    return { summary: r.summary, unanswered: r.result.unansweredBrokers, notes: r.result.notes };
  },
  'kafka.lag': async (brokers, extra) => {
    // A group with no commits: lag counts from the log start, i.e. every message.
    const r = await kafkaLag.run(ctx(), { brokers, group: 'nobody', topic: 'orders.events', ...extra });
    expect(r.result.totalLag).toBe(40);
    return { summary: r.summary, unanswered: r.result.unansweredBrokers, notes: r.result.notes };
  },
  'kafka.peek': async (brokers, extra) => {
    const r = await kafkaPeek.run(ctx(), { brokers, topic: 'orders.events', max: 3, ...extra });
    expect(r.result.count).toBe(3);
    return { summary: r.summary, unanswered: r.result.unansweredBrokers, notes: r.result.notes };
  },
  'kafka.reset-offsets plan': async (brokers, extra) => {
    const p = await kafkaResetOffsets.plan!(ctx(), { brokers, group: 'nobody', topic: 'orders.events', partition: 0, offset: 5, ...extra });
    expect(p.summary).toMatch(/^would move group nobody on orders\.events:0 /);
    const notes = (p.details ?? []).filter((d) => d.startsWith('bootstrap broker'));
    return { summary: p.summary, unanswered: notes.map((n) => n.split(' ')[2]!), notes };
  },
  'kafka.reset-offsets run': async (brokers, extra) => {
    // A group that never had a member: the mock accepts a commit from outside it.
    const group = `replayer-${Math.random().toString(36).slice(2, 8)}`;
    const r = await kafkaResetOffsets.run(ctx(), { brokers, group, topic: 'orders.events', partition: 0, offset: 7, ...extra });
    expect(r.result).toMatchObject({ group, to: 7, from: null });
    return { summary: r.summary, unanswered: r.result.unansweredBrokers, notes: [] };
  },
};

const positions = {
  first: (dead: string) => [dead, ...mock.brokers],
  middle: (dead: string) => [mock.brokers[0]!, dead, ...mock.brokers.slice(1)],
  last: (dead: string) => [...mock.brokers, dead],
};

async function timed<T>(p: Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await p;
  return { value, ms: performance.now() - started };
}

describe('a hung bootstrap broker (accepts TCP, never answers)', () => {
  const cases = Object.keys(checks).flatMap((check) => (Object.keys(positions) as (keyof typeof positions)[]).map((pos) => [check, pos] as const));

  it.each(cases)('%s works with the hung broker %s, and names it', async (check, pos) => {
    const brokers = positions[pos](silent.address).join(',');
    const { value, ms } = await timed(checks[check]!(brokers));
    expect(value.unanswered).toEqual([silent.address]);
    if (check !== 'kafka.reset-offsets plan') {
      expect(value.summary).toMatch(new RegExp(`; 1 bootstrap broker did not answer: ${silent.address.replace(/\./g, '\\.')}$`));
    }
    if (check !== 'kafka.reset-offsets run') {
      expect(value.notes).toContain(`bootstrap broker ${silent.address} did not answer within 1.5s`);
    }
    expect(ms).toBeLessThan(BOUND_MS);
  });

  it('leaves no connection open to the hung broker', async () => {
    const before = silent.accepted();
    await checks['kafka.cluster']!(positions.first(silent.address).join(','));
    expect(silent.accepted()).toBeGreaterThan(before);
    // Closed by us at the deadline; give the server a moment to see the FIN.
    await new Promise((r) => setTimeout(r, 100));
    expect(silent.open()).toBe(0);
  });

  it('is never given to kafkajs: it is connected to once, by the probe', async () => {
    const before = silent.accepted();
    await checks['kafka.lag']!(positions.first(silent.address).join(','));
    expect(silent.accepted() - before).toBe(1);
  });

  it('waits as long as brokerTimeout says', async () => {
    const brokers = positions.first(silent.address).join(',');
    const { value, ms } = await timed(checks['kafka.cluster']!(brokers, { brokerTimeout: '300ms' }));
    expect(value.notes).toContain(`bootstrap broker ${silent.address} did not answer within 300ms`);
    expect(ms).toBeLessThan(1500);
  });

  it('takes the deadline from KAFKA_BROKER_TIMEOUT when the step does not set one', async () => {
    const brokers = positions.first(silent.address).join(',');
    const r = await kafkaCluster.run(stepContext(STEP_TIMEOUT_MS, { KAFKA_BROKER_TIMEOUT: '250' }), { brokers });
    expect(r.result.notes).toContain(`bootstrap broker ${silent.address} did not answer within 250ms`);
  });

  it('rejects a brokerTimeout that is not a duration, in one line', async () => {
    const { error } = await stepFailure(kafkaCluster.run(ctx(), { brokers: mock.bootstrap, brokerTimeout: 'soon' }));
    expect(error.message).toBe('kafka.cluster: input "brokerTimeout" must be a duration such as 1500ms or 1.5s, got "soon"');
    expect(error.code).toBe('bad-input');
  });
});

describe('a stopped bootstrap broker (connection refused)', () => {
  it.each(Object.keys(checks))('%s names it as refused, without waiting for a deadline', async (check) => {
    const { value, ms } = await timed(checks[check]!(positions.first(refused).join(',')));
    expect(value.unanswered).toEqual([refused]);
    if (check !== 'kafka.reset-offsets run') {
      expect(value.notes).toContain(`bootstrap broker ${refused} refused the connection (ECONNREFUSED)`);
    }
    expect(ms).toBeLessThan(1500);
  });

  it('names both a hung and a stopped broker, in the order given', async () => {
    const brokers = [refused, mock.brokers[0]!, silent.address].join(',');
    const { value } = await timed(checks['kafka.cluster']!(brokers));
    expect(value.unanswered).toEqual([refused, silent.address]);
    expect(value.summary).toMatch(/; 2 bootstrap brokers did not answer: \S+, \S+$/);
  });
});

describe('no bootstrap broker answers', () => {
  it.each(Object.keys(checks))('%s fails in one line naming each broker and what happened', async (check) => {
    const brokers = [silent.address, refused].join(',');
    const { error, ms } = await stepFailure(checks[check]!(brokers));
    expect(error.message).toBe(
      `none of the 2 kafka bootstrap brokers answered: ${silent.address} did not answer within 1.5s; ` +
        `${refused} refused the connection (ECONNREFUSED)`,
    );
    expect(error.message).not.toMatch(/\n/);
    expect(error.code).toBe('unreachable');
    expect(ms).toBeLessThan(BOUND_MS);
  });

  it('all hung: a timeout, within the per-broker deadline rather than the step timeout', async () => {
    const other = await startSilentPeer();
    try {
      const { error, ms } = await stepFailure(checks['kafka.cluster']!([silent.address, other.address].join(',')));
      expect(error.message).toBe(
        `none of the 2 kafka bootstrap brokers answered: ${silent.address} did not answer within 1.5s; ` +
          `${other.address} did not answer within 1.5s`,
      );
      expect(error.code).toBe('timeout');
      expect(ms).toBeLessThan(BOUND_MS);
    } finally {
      await other.stop();
    }
  });

  it('a step timeout shorter than the per-broker deadline bounds it', async () => {
    const brokers = [silent.address, refused].join(',');
    const { error, ms } = await stepFailure(kafkaCluster.run(stepContext(600), { brokers }));
    expect(error.message).toBe(
      `none of the 2 kafka bootstrap brokers answered: ${silent.address} did not answer within 600ms; ` +
        `${refused} refused the connection (ECONNREFUSED)`,
    );
    expect(ms).toBeLessThan(1500);
  });

  it('a malformed broker is rejected before connecting', async () => {
    const { error } = await stepFailure(kafkaCluster.run(ctx(), { brokers: `${mock.brokers[0]},kafka-0` }));
    expect(error.message).toBe('kafka broker "kafka-0" is not host:port');
    expect(error.code).toBe('bad-input');
  });
});

// The mock advertises only its own (answering) brokers, so a hung broker that
// the metadata still lists — a real INC-006 before the controller drops it —
// is checked on hand-made metadata through the pure clusterHealth.
describe('a hung broker that the metadata still lists', () => {
  const meta = {
    brokers: [
      { nodeId: 1, host: 'kafka-0.kafka', port: 9092 },
      { nodeId: 2, host: 'kafka-1.kafka', port: 9092 },
      { nodeId: 3, host: 'kafka-2.kafka', port: 9092 },
    ],
    controller: 1,
    topics: [{ name: 'orders.events', partitions: [{ partitionErrorCode: 0, partitionId: 0, leader: 1, replicas: [1, 2, 3], isr: [1, 2, 3] }] }],
  };

  it('makes the cluster unhealthy and names the broker id', () => {
    const r = clusterHealth(meta, 3, [{ broker: 'kafka-1.kafka:9092', detail: 'kafka-1.kafka:9092 did not answer within 1.5s' }]);
    expect(r).toMatchObject({
      brokers: 3,
      unansweredBrokers: ['kafka-1.kafka:9092'],
      unansweredBrokerIds: [2],
      healthy: false,
    });
    expect(r.notes).toContain('broker 2 is in the metadata, yet kafka-1.kafka:9092 did not answer within 1.5s');
  });

  it('a bootstrap address that is not in the metadata (a load balancer, an old host) only adds a note', () => {
    const r = clusterHealth(meta, 3, [{ broker: 'old-kafka:9092', detail: 'old-kafka:9092 refused the connection (ECONNREFUSED)' }]);
    expect(r).toMatchObject({ unansweredBrokers: ['old-kafka:9092'], unansweredBrokerIds: [], healthy: true });
    expect(r.notes).toContain('bootstrap broker old-kafka:9092 refused the connection (ECONNREFUSED)');
  });
});
