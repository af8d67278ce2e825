// kafka.lag: consumer-group lag per partition, over the Kafka protocol.

import {
  describeGroup,
  fetchAllCommitted,
  fetchClusterMetadata,
  fetchCommitted,
  fetchPartitionRanges,
  loadTopics,
  primeBrokers,
  unansweredNotes,
  unansweredSuffix,
  withKafka,
  type GroupDescription,
  type KafkaSession,
  type PartitionMetadata,
  type PartitionRange,
} from '../../integrations/kafka.js';
import { StepError, type StepType } from '../types.js';
import { brokersSchema, brokerTimeoutInput, brokerTimeoutSchema, optionalString, requiredString } from './inputs.js';
import { lagResultSchema, lagSummary, summarizeLag, type LagPartition, type LagResult, type Membership } from './lag-result.js';

export interface LagInput {
  brokers?: string;
  brokerTimeout?: string | number;
  group: string;
  topic?: string;
  topics?: string[];
}

/** kafka.lag's result: kafka.lag-table's, plus the bootstrap brokers that did not answer. */
export interface KafkaLagResult extends LagResult {
  unansweredBrokers: string[];
}

export interface LagRequest {
  group: string;
  /** Else every topic the group has committed offsets on. */
  topics?: string[];
}

/**
 * Lag of several groups in one pass: metadata once, log offsets once per
 * partition leader for all topics involved, OffsetFetch and DescribeGroups
 * per group concurrently.
 */
export async function collectLag(session: KafkaSession, requests: LagRequest[]): Promise<LagResult[]> {
  const cluster = await session.cluster();
  const explicit = [...new Set(requests.flatMap((r) => r.topics ?? []))];
  const meta = new Map<string, PartitionMetadata[]>(explicit.length > 0 ? await loadTopics(cluster, explicit) : []);

  // Every topic of the cluster with its partitions, asked at most once, when a
  // group's topics must be found. Lenient metadata: an offline partition
  // elsewhere in the cluster must not fail this group's lag.
  let everyTopic: Promise<string[]> | undefined;
  const allTopics = () =>
    (everyTopic ??= (async () => {
      const raw = await fetchClusterMetadata(cluster);
      await primeBrokers(cluster, raw);
      const { topicMetadata } = raw;
      const names: string[] = [];
      for (const t of topicMetadata) {
        if (t.topic.startsWith('__') || t.partitionMetadata.length === 0) continue;
        names.push(t.topic);
        if (!meta.has(t.topic)) meta.set(t.topic, [...t.partitionMetadata].sort((a, b) => a.partitionId - b.partitionId));
      }
      return names.sort();
    })());
  const partitionIds = (topics: string[]) =>
    new Map(topics.map((t) => [t, (meta.get(t) ?? []).map((p) => p.partitionId)] as const));

  const explicitRanges = explicit.length > 0 ? fetchPartitionRanges(cluster, pick(meta, explicit)) : Promise.resolve(new Map());
  explicitRanges.catch(() => undefined);

  if (requests.some((r) => !r.topics?.length)) await allTopics();

  const perGroup = await Promise.all(
    requests.map(async (r) => {
      const description = describeGroup(cluster, r.group);
      let committed: Map<string, Map<number, number>>;
      let used: string[];
      let found: string | null = null;
      if (r.topics?.length) {
        used = [...new Set(r.topics)].sort();
        committed = await fetchCommitted(cluster, r.group, partitionIds(used));
      } else {
        // One OffsetFetch for all of the group's offsets where the broker
        // allows it; else ask for every topic of the cluster.
        const listed = await fetchAllCommitted(cluster, r.group);
        const names = await allTopics();
        if (listed) {
          const known = new Set(names);
          committed = listed;
          used = [...listed.keys()].filter((t) => known.has(t)).sort();
          found = `no topic given: group ${r.group} has committed offsets on ${used.length} topic${used.length === 1 ? '' : 's'}`;
        } else {
          committed = names.length > 0 ? await fetchCommitted(cluster, r.group, partitionIds(names)) : new Map();
          used = names.filter((t) => [...(committed.get(t)?.values() ?? [])].some((o) => o >= 0));
          found =
            used.length === 0
              ? `group ${r.group} has no committed offsets on any of the ${names.length} topics`
              : `no topic given: group ${r.group} has committed offsets on ${used.length} of ${names.length} topics`;
        }
      }
      return { request: r, committed, description: await description, used, found };
    }),
  );

  const ranges = new Map<string, PartitionRange[]>(await explicitRanges);
  const missing = [...new Set(perGroup.flatMap((g) => g.used))].filter((t) => !ranges.has(t));
  if (missing.length > 0) {
    // Leaders come from the client's own metadata, which must know these topics.
    for (const [t, p] of await loadTopics(cluster, missing)) meta.set(t, p);
    for (const [t, r] of await fetchPartitionRanges(cluster, pick(meta, missing))) ranges.set(t, r);
  }

  return perGroup.map(({ request, committed, description, used, found }) => {
    const notes: string[] = found ? [found] : [];
    const partitions: LagPartition[] = [];
    let uncommitted = 0;
    for (const topic of used) {
      for (const range of ranges.get(topic) ?? []) {
        const c = committed.get(topic)?.get(range.partition) ?? -1;
        if (c < 0) uncommitted++;
        partitions.push({
          topic,
          partition: range.partition,
          committed: c < 0 ? null : c,
          logEnd: range.high,
          lag: Math.max(0, c < 0 ? range.high - range.low : range.high - c),
        });
      }
    }
    if (uncommitted > 0) {
      notes.push(`${uncommitted} partition${uncommitted === 1 ? ' has' : 's have'} no committed offset: lag counted from the log start offset`);
    }
    const membership = membershipOf(description, partitions.length, notes);
    return summarizeLag(request.group, partitions, membership, notes);
  });
}

function pick<V>(m: Map<string, V>, keys: string[]): Map<string, V> {
  return new Map(keys.filter((k) => m.has(k)).map((k) => [k, m.get(k)!] as const));
}

function membershipOf(d: GroupDescription, partitionCount: number, notes: string[]): Membership {
  if (d.kind !== 'described') {
    notes.push(`consumer count unknown: ${d.message}`);
    return { consumerCount: null, idleConsumers: null, state: null };
  }
  const consumerCount = d.members.length;
  const exact = d.members.every((m) => m.assigned !== null);
  const idleConsumers = exact
    ? d.members.filter((m) => m.assigned === 0).length
    : Math.max(0, consumerCount - partitionCount);
  if (idleConsumers > 0) {
    notes.push(`${idleConsumers} consumer${idleConsumers === 1 ? ' is' : 's are'} idle: a group uses at most one consumer per partition`);
  }
  return { consumerCount, idleConsumers, state: d.state };
}

function topicList(raw: Record<string, unknown>): string[] | undefined {
  const listed = raw.topics;
  if (listed !== undefined && (!Array.isArray(listed) || listed.some((t) => typeof t !== 'string'))) {
    throw new StepError(`kafka.lag: input "topics" must be a list of topic names, got ${JSON.stringify(listed)}`, 'bad-input');
  }
  const names = [
    ...(optionalString(raw, 'topic', 'kafka.lag')?.split(',') ?? []),
    ...((listed as string[] | undefined) ?? []),
  ]
    .map((t) => t.trim())
    .filter(Boolean);
  return names.length > 0 ? [...new Set(names)] : undefined;
}

export const kafkaLag: StepType<LagInput, KafkaLagResult> = {
  name: 'kafka.lag',
  description: 'Consumer-group lag per partition (committed offset vs log end), with the hottest partition and its share.',
  effect: 'read',
  inputSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['group'],
    properties: {
      brokers: brokersSchema,
      brokerTimeout: brokerTimeoutSchema,
      group: { type: 'string', minLength: 1, description: 'Consumer group id.' },
      topic: {
        type: 'string',
        minLength: 1,
        description: 'Only this topic (several: comma-separated). Default: every topic the group has committed offsets on.',
      },
      topics: {
        type: 'array',
        items: { type: 'string', minLength: 1 },
        description: 'Only these topics (with or instead of topic).',
      },
    },
  },
  resultSchema: {
    ...lagResultSchema,
    required: [...lagResultSchema.required, 'unansweredBrokers'],
    properties: {
      ...lagResultSchema.properties,
      unansweredBrokers: { type: 'array', items: { type: 'string' }, description: 'Bootstrap brokers (as given) that did not answer.' },
    },
  },
  async run(ctx, input) {
    const raw = input as unknown as Record<string, unknown>;
    const group = requiredString(raw, 'group', 'kafka.lag');
    const topics = topicList(raw);
    const result = await withKafka(
      ctx,
      optionalString(raw, 'brokers', 'kafka.lag'),
      async (s) => {
        const [lag] = await collectLag(s, [{ group, topics }]);
        const unanswered = await s.unanswered();
        return { ...lag!, notes: [...lag!.notes, ...unansweredNotes(unanswered)], unansweredBrokers: unanswered.map((u) => u.broker) };
      },
      { brokerTimeoutMs: brokerTimeoutInput(raw, 'kafka.lag') },
    );
    return { ok: true, result, summary: lagSummary(result) + unansweredSuffix(result.unansweredBrokers) };
  },
};
