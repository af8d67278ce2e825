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
