// The result shape shared by kafka.lag (protocol) and kafka.lag-table
// (kafka-consumer-groups.sh output), so runbooks can switch between them
// without touching their conditions.

import { fmtInt } from './inputs.js';

export interface LagPartition {
  topic: string;
  partition: number;
  /** Committed offset; null when the group has none for this partition. */
  committed: number | null;
  /** Log end offset (high watermark); null when unknown ("-" in the table). */
  logEnd: number | null;
  /** Messages behind; null only when kafka-consumer-groups.sh printed "-". */
  lag: number | null;
  /** Consumer that owns the partition, when known. */
  consumerId?: string | null;
}

export interface LagResult {
  group: string;
  totalLag: number;
  partitions: LagPartition[];
  partitionCount: number;
  maxPartitionLag: number;
  /** maxPartitionLag / totalLag, 0 when totalLag is 0. */
  maxPartitionShare: number;
  /** "topic:partition" of the partition with the most lag, null when there is no lag. */
  hottestPartition: string | null;
  /** Members of the group; null when it cannot be known (no DescribeGroups). */
  consumerCount: number | null;
  /** Members with no partition assigned (consumers beyond partitions); null when unknown. */
  idleConsumers: number | null;
  /** Group state (Stable, Empty, …) when known. */
  state: string | null;
  notes: string[];
}

const count = { type: 'integer', minimum: 0 } as const;

/** The JSON Schema of LagResult; kafka.lag adds its unansweredBrokers. */
export const lagResultSchema = {
  type: 'object',
  additionalProperties: false,
  required: [
    'group', 'totalLag', 'partitions', 'partitionCount', 'maxPartitionLag', 'maxPartitionShare',
    'hottestPartition', 'consumerCount', 'idleConsumers', 'state', 'notes',
  ],
  properties: {
    group: { type: 'string' },
    totalLag: { type: 'integer', description: 'Messages behind, summed over the partitions.' },
    partitions: {
      type: 'array',
      description: 'Per partition, by topic then partition number.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['topic', 'partition', 'committed', 'logEnd', 'lag'],
        properties: {
          topic: { type: 'string' },
          partition: { ...count, description: 'Partition number.' },
          committed: { type: ['integer', 'null'], description: "The group's committed offset; null when it has none." },
          logEnd: { type: ['integer', 'null'], description: 'Log end offset (high watermark); null when unknown.' },
          lag: { type: ['integer', 'null'], description: 'Messages behind; null only when the table printed "-".' },
          consumerId: { type: ['string', 'null'], description: 'Consumer that owns the partition, when known.' },
        },
      },
    },
    partitionCount: { ...count, description: 'Partitions in `partitions`.' },
    maxPartitionLag: { type: 'integer', description: 'The lag of the partition with the most.' },
    maxPartitionShare: { type: 'number', description: 'maxPartitionLag / totalLag (0 to 1), 0 when totalLag is 0.' },
    hottestPartition: { type: ['string', 'null'], description: '"topic:partition" with the most lag; null when there is no lag.' },
    consumerCount: { type: ['integer', 'null'], minimum: 0, description: 'Members of the group; null when it cannot be known.' },
    idleConsumers: {
      type: ['integer', 'null'],
      minimum: 0,
      description: 'Members with no partition assigned (consumers beyond partitions); null when unknown.',
    },
    state: { type: ['string', 'null'], description: 'Group state (Stable, Empty, …) when known.' },
    notes: { type: 'array', items: { type: 'string' } },
  },
} as const;

export interface Membership {
  consumerCount: number | null;
  idleConsumers: number | null;
  state: string | null;
}

export function summarizeLag(group: string, partitions: LagPartition[], membership: Membership, notes: string[]): LagResult {
  const sorted = [...partitions].sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
  let totalLag = 0;
  let maxPartitionLag = 0;
  let hottest: LagPartition | null = null;
  for (const p of sorted) {
    if (p.lag === null) continue;
    totalLag += p.lag;
    if (p.lag > maxPartitionLag) {
      maxPartitionLag = p.lag;
      hottest = p;
    }
  }
  return {
    group,
    totalLag,
    partitions: sorted,
    partitionCount: sorted.length,
    maxPartitionLag,
    maxPartitionShare: totalLag === 0 ? 0 : Math.round((maxPartitionLag / totalLag) * 10000) / 10000,
    hottestPartition: hottest ? `${hottest.topic}:${hottest.partition}` : null,
    consumerCount: membership.consumerCount,
    idleConsumers: membership.idleConsumers,
    state: membership.state,
    notes,
  };
}

/** "dispatch-engine: lag 19,616 on 2 partitions, hottest orders.events:0 (68%), 2 consumers" */
export function lagSummary(r: LagResult): string {
  const parts = [`${r.group}: lag ${fmtInt(r.totalLag)} on ${r.partitionCount} partition${r.partitionCount === 1 ? '' : 's'}`];
  if (r.hottestPartition) parts.push(`hottest ${r.hottestPartition} (${Math.round(r.maxPartitionShare * 100)}%)`);
  if (r.consumerCount !== null) {
    parts.push(`${r.consumerCount} consumer${r.consumerCount === 1 ? '' : 's'}${r.idleConsumers ? ` (${r.idleConsumers} idle)` : ''}`);
  }
  return parts.join(', ');
}
