// kafka.cluster: broker count, controller, under-replicated and offline partitions.

import {
  fetchClusterMetadata,
  unansweredSuffix,
  withKafka,
  type PartitionMetadata,
  type UnansweredBroker,
} from '../../integrations/kafka.js';
import type { StepType } from '../types.js';
import { brokersSchema, brokerTimeoutInput, brokerTimeoutSchema, integerInput, integerSchema, optionalString } from './inputs.js';

export interface ClusterInput {
  brokers?: string;
  brokerTimeout?: string | number;
  expectedBrokers?: number;
}

export interface ClusterMetadataView {
  /** host and port as the brokers advertise them, to match bootstrap brokers that did not answer. */
  brokers: { nodeId: number; host?: string; port?: number }[];
  /** null or -1: no active controller. */
  controller: number | null;
  topics: { name: string; partitions: PartitionMetadata[] }[];
}

export interface ClusterResult {
  brokers: number;
  brokerIds: number[];
  controller: number | null;
  expectedBrokers: number | null;
  /** max(expectedBrokers − brokers, brokers named as replicas but not alive). */
  missingBrokers: number;
  /** Broker ids that host replicas but are not in the live broker list. */
  missingBrokerIds: number[];
  topics: number;
  partitions: number;
  /** Partitions whose in-sync replica set is smaller than their replica set. */
  underReplicatedPartitions: number;
  /** Partitions without a live leader. */
  offlinePartitions: number;
  /** Up to 20 "topic:partition" names of unhealthy partitions, for the operator. */
  unhealthyPartitions: string[];
  /** Bootstrap brokers (as given) that did not answer; the check used the others. */
  unansweredBrokers: string[];
  /** Ids of live brokers (in the metadata) whose address is one of unansweredBrokers. */
  unansweredBrokerIds: number[];
  healthy: boolean;
  notes: string[];
}

const LEADER_NOT_AVAILABLE = 5;

/**
 * Pure: the health verdict from metadata (tested on hand-made metadata with
 * ISR < replicas), and from the bootstrap brokers that did not answer: one
 * the metadata still lists is registered but not serving (a hung broker).
 */
export function clusterHealth(
  meta: ClusterMetadataView,
  expectedBrokers: number | null,
  unanswered: UnansweredBroker[] = [],
): ClusterResult {
  const brokerIds = meta.brokers.map((b) => b.nodeId).sort((a, b) => a - b);
  const live = new Set(brokerIds);
  const controller = meta.controller === null || meta.controller < 0 ? null : meta.controller;
  const missingIds = new Set<number>();
  let partitions = 0;
  let underReplicated = 0;
  let offline = 0;
  const unhealthy: string[] = [];
  for (const topic of meta.topics) {
    for (const p of topic.partitions) {
      partitions++;
      for (const r of p.replicas) if (!live.has(r)) missingIds.add(r);
      const isOffline = p.leader < 0 || !live.has(p.leader) || p.partitionErrorCode === LEADER_NOT_AVAILABLE;
      const isUnder = p.isr.length < p.replicas.length;
      if (isOffline) offline++;
      if (isUnder) underReplicated++;
      if ((isOffline || isUnder) && unhealthy.length < 20) {
        unhealthy.push(`${topic.name}:${p.partitionId}${isOffline ? ' (offline)' : ` (isr ${p.isr.length}/${p.replicas.length})`}`);
      }
    }
  }
  const missingBrokerIds = [...missingIds].sort((a, b) => a - b);
  const missingBrokers = Math.max(expectedBrokers === null ? 0 : expectedBrokers - brokerIds.length, missingBrokerIds.length);
  const notes: string[] = [];
  if (controller === null) notes.push('no active controller');
  else if (!live.has(controller)) notes.push(`controller id ${controller} is not in the broker list`);
  if (missingBrokerIds.length > 0) notes.push(`replicas on brokers not alive: ${missingBrokerIds.join(', ')}`);
  const unansweredIds: number[] = [];
  for (const u of unanswered) {
    const listed = meta.brokers.find((b) => b.host !== undefined && `${b.host}:${b.port}` === u.broker);
    if (listed) unansweredIds.push(listed.nodeId);
    notes.push(listed ? `broker ${listed.nodeId} is in the metadata, yet ${u.detail}` : `bootstrap broker ${u.detail}`);
  }
  unansweredIds.sort((a, b) => a - b);
  return {
    brokers: brokerIds.length,
    brokerIds,
    controller,
    expectedBrokers,
    missingBrokers,
    missingBrokerIds,
    topics: meta.topics.length,
    partitions,
    underReplicatedPartitions: underReplicated,
    offlinePartitions: offline,
    unhealthyPartitions: unhealthy,
    unansweredBrokers: unanswered.map((u) => u.broker),
    unansweredBrokerIds: unansweredIds,
    healthy: missingBrokers === 0 && underReplicated === 0 && offline === 0 && controller !== null && unansweredIds.length === 0,
    notes,
  };
}

export const kafkaCluster: StepType<ClusterInput, ClusterResult> = {
  name: 'kafka.cluster',
  description: 'Cluster health: live brokers vs expected, controller, under-replicated and offline partitions.',
  effect: 'read',
  inputSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      brokers: brokersSchema,
      brokerTimeout: brokerTimeoutSchema,
      expectedBrokers: integerSchema('How many brokers the cluster should have; fewer live ones make it unhealthy.', {
        minimum: 1,
      }),
    },
  },
  resultSchema: {
    type: 'object',
    additionalProperties: false,
    required: [
      'brokers', 'brokerIds', 'controller', 'expectedBrokers', 'missingBrokers', 'missingBrokerIds', 'topics', 'partitions',
      'underReplicatedPartitions', 'offlinePartitions', 'unhealthyPartitions', 'unansweredBrokers', 'unansweredBrokerIds',
      'healthy', 'notes',
    ],
    properties: {
      brokers: { type: 'integer', minimum: 0, description: 'Live brokers (in the metadata).' },
      brokerIds: { type: 'array', items: { type: 'integer' } },
      controller: { type: ['integer', 'null'], description: 'Controller broker id; null when there is none.' },
      expectedBrokers: { type: ['integer', 'null'], description: 'The expectedBrokers input; null when not given.' },
      missingBrokers: {
        type: 'integer',
        minimum: 0,
        description: 'max(expectedBrokers − brokers, brokers named as replicas but not alive).',
      },
      missingBrokerIds: { type: 'array', items: { type: 'integer' }, description: 'Broker ids that host replicas but are not alive.' },
      topics: { type: 'integer', minimum: 0 },
      partitions: { type: 'integer', minimum: 0 },
      underReplicatedPartitions: {
        type: 'integer',
        minimum: 0,
        description: 'Partitions whose in-sync replica set is smaller than their replica set.',
      },
      offlinePartitions: { type: 'integer', minimum: 0, description: 'Partitions without a live leader.' },
      unhealthyPartitions: { type: 'array', items: { type: 'string' }, maxItems: 20, description: 'Up to 20 "topic:partition (…)".' },
      unansweredBrokers: { type: 'array', items: { type: 'string' }, description: 'Bootstrap brokers (as given) that did not answer.' },
      unansweredBrokerIds: { type: 'array', items: { type: 'integer' }, description: 'Live brokers whose address did not answer.' },
      healthy: { type: 'boolean' },
      notes: { type: 'array', items: { type: 'string' } },
    },
  },
  async run(ctx, input) {
    const raw = input as unknown as Record<string, unknown>;
    const expected = raw.expectedBrokers === undefined ? null : integerInput(raw, 'expectedBrokers', 'kafka.cluster', { min: 1 });
    const result = await withKafka(
      ctx,
      optionalString(raw, 'brokers', 'kafka.cluster'),
      async (s) => {
        const metadata = await fetchClusterMetadata(await s.cluster());
        return clusterHealth(
          {
            brokers: metadata.brokers,
            controller: metadata.controllerId,
            topics: metadata.topicMetadata.map((t) => ({ name: t.topic, partitions: t.partitionMetadata })),
          },
          expected,
          await s.unanswered(),
        );
      },
      { brokerTimeoutMs: brokerTimeoutInput(raw, 'kafka.cluster') },
    );
    const problems = [
      result.missingBrokers > 0 ? `${result.missingBrokers} missing` : '',
      result.underReplicatedPartitions > 0 ? `${result.underReplicatedPartitions} under-replicated` : '',
      result.offlinePartitions > 0 ? `${result.offlinePartitions} offline` : '',
      result.controller === null ? 'no controller' : '',
      result.unansweredBrokerIds.length > 0 ? `${result.unansweredBrokerIds.length} not answering` : '',
    ].filter(Boolean);
    const summary =
      `${result.brokers}${result.expectedBrokers !== null ? `/${result.expectedBrokers}` : ''} brokers, ` +
      `${result.partitions} partitions in ${result.topics} topics` +
      (problems.length ? `: ${problems.join(', ')}` : ', healthy') +
      unansweredSuffix(result.unansweredBrokers);
    return { ok: true, result, summary };
  },
};
