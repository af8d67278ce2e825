// Kafka state for end-to-end runs on librdkafka's mock cluster: a consumer
// group that really joined and committed (as a lagging consumer does), and a
// read of its committed offsets to prove a run changed none.
import { Kafka, logLevel } from 'kafkajs';

/** Joins `group` as a real member, commits `offsets` with its generation, leaves. */
export async function commitAsMember(brokers: string[], group: string, topic: string, offsets: Record<number, number>): Promise<void> {
  const consumer = new Kafka({ brokers, logLevel: logLevel.NOTHING }).consumer({
    groupId: group,
    sessionTimeout: 6000,
    heartbeatInterval: 500,
    maxWaitTimeInMs: 100,
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: async () => undefined });
    await joined;
    await consumer.commitOffsets(Object.entries(offsets).map(([p, o]) => ({ topic, partition: Number(p), offset: String(o) })));
  } finally {
    await consumer.disconnect();
  }
}

/** { partition: committed offset } ("-1" when none), read with the admin API. */
export async function committedOffsets(brokers: string[], group: string, topic: string): Promise<Record<number, string>> {
  const admin = new Kafka({ brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const [entry] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    return Object.fromEntries((entry?.partitions ?? []).map((p) => [p.partition, p.offset]));
  } finally {
    await admin.disconnect();
  }
}

/** `n` messages on one partition, keyed like a hot customer would be. */
export const messages = (n: number, partition: number, key = `customer-${partition}`) =>
  Array.from({ length: n }, (_, i) => ({ partition, key, value: JSON.stringify({ event: 'order.updated', order: i, partition }) }));
