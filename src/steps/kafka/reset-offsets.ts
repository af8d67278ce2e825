// kafka.reset-offsets: move one partition's committed offset of a group,
// e.g. past a poison message. Like kafka-consumer-groups.sh --reset-offsets,
// it refuses while the group has active members.
//
// Two checks, the second one authoritative:
//  1. DescribeGroups: refuse when the group is not Empty/Dead. A describe that
//     fails (authorization, coordinator errors) refuses too. A broker that does
//     not implement DescribeGroups (librdkafka's mock) leaves it to check 2.
//  2. The commit is sent from outside the group (generation -1, no member id),
//     as Kafka's AdminClient.alterConsumerGroupOffsets does: the coordinator
//     accepts it only while the group has no members, and otherwise answers
//     UNKNOWN_MEMBER_ID. This also closes the race of a consumer joining
//     between the describe and the commit.

import {
  commitOffsetOutsideGroup,
  describeGroup,
  fetchCommitted,
  fetchPartitionRanges,
  kafkaErrorType,
  loadTopics,
  unansweredNotes,
  unansweredSuffix,
  withKafka,
  type GroupDescription,
  type KafkaSession,
} from '../../integrations/kafka.js';
import { StepError, type Plan, type StepType } from '../types.js';
import {
  brokersSchema,
  brokerTimeoutInput,
  brokerTimeoutSchema,
  fmtInt,
  integerInput,
  integerSchema,
  optionalString,
  requiredString,
} from './inputs.js';

export interface ResetOffsetsInput {
  brokers?: string;
  brokerTimeout?: string | number;
  group: string;
  topic: string;
  partition: number;
  offset: number;
}

export interface ResetOffsetsResult {
  group: string;
  topic: string;
  partition: number;
  /** Committed offset before; null when the group had none. */
  from: number | null;
  to: number;
  /** Messages skipped (positive) or to be re-read (negative). */
  delta: number;
  /** How the group was known to be empty: its description, or the coordinator accepting an outside commit. */
  verifiedBy: 'describe-groups' | 'coordinator';
  /** Bootstrap brokers (as given) that did not answer; the others were used. */
  unansweredBrokers: string[];
}

interface Inspection {
  group: string;
  topic: string;
  partition: number;
  from: number | null;
  to: number;
  low: number;
  high: number;
  delta: number;
  description: GroupDescription;
}

const STEP = 'kafka.reset-offsets';
const ACTIVE_GROUP_ERRORS = new Set(['UNKNOWN_MEMBER_ID', 'ILLEGAL_GENERATION', 'REBALANCE_IN_PROGRESS', 'FENCED_INSTANCE_ID']);

function readInput(input: ResetOffsetsInput) {
  const raw = input as unknown as Record<string, unknown>;
  return {
    brokers: optionalString(raw, 'brokers', STEP),
    brokerTimeoutMs: brokerTimeoutInput(raw, STEP),
    group: requiredString(raw, 'group', STEP),
    topic: requiredString(raw, 'topic', STEP),
    partition: integerInput(raw, 'partition', STEP, { min: 0 }),
    offset: integerInput(raw, 'offset', STEP, { min: 0 }),
  };
}

async function inspect(
  session: KafkaSession,
  i: { group: string; topic: string; partition: number; offset: number },
): Promise<Inspection> {
  const cluster = await session.cluster();
  const meta = await loadTopics(cluster, [i.topic]);
  const ids = meta.get(i.topic)!.map((p) => p.partitionId);
  if (!ids.includes(i.partition)) {
    throw new StepError(`${i.topic} has partitions ${Math.min(...ids)}..${Math.max(...ids)}; there is no partition ${i.partition}`, 'bad-input');
  }
  const [ranges, committed, description] = await Promise.all([
    fetchPartitionRanges(cluster, new Map([[i.topic, meta.get(i.topic)!.filter((p) => p.partitionId === i.partition)]])),
    fetchCommitted(cluster, i.group, new Map([[i.topic, [i.partition]]])),
    describeGroup(cluster, i.group),
  ]);
  const range = ranges.get(i.topic)![0]!;
  if (i.offset < range.low || i.offset > range.high) {
    throw new StepError(
      `offset ${i.offset} is outside the log of ${i.topic}:${i.partition} (${range.low}..${range.high}); ` +
        `it must be between the log start and the log end offset`,
      'bad-input',
    );
  }
  const c = committed.get(i.topic)?.get(i.partition) ?? -1;
  const from = c < 0 ? null : c;
  return {
    ...i,
    from,
    to: i.offset,
    low: range.low,
    high: range.high,
    delta: i.offset - (from ?? range.low),
    description,
  };
}

function movement(x: Inspection): string {
  const from = x.from === null ? `no committed offset (log start ${x.low})` : String(x.from);
  const what =
    x.delta > 0
      ? `skipping ${fmtInt(x.delta)} message${x.delta === 1 ? '' : 's'}`
      : x.delta < 0
        ? `re-reading ${fmtInt(-x.delta)} message${x.delta === -1 ? '' : 's'}`
        : 'no change';
  return `group ${x.group} on ${x.topic}:${x.partition} from ${from} to ${x.to} (${what})`;
}

function isActive(d: GroupDescription): boolean {
  return d.kind === 'described' && (d.members.length > 0 || !['Empty', 'Dead'].includes(d.state));
}

function membershipLine(d: GroupDescription): string {
  switch (d.kind) {
    case 'described':
      return isActive(d)
        ? `group has ${d.members.length} active member${d.members.length === 1 ? '' : 's'} (state ${d.state}): ` +
            'the reset will be refused until its consumers are stopped'
        : `group is empty (state ${d.state})`;
    case 'unsupported':
      return `group membership cannot be described (${d.message}); the coordinator will refuse the commit if the group has members`;
    case 'failed':
      return `cannot verify the group is empty: ${d.message}; the reset will be refused`;
  }
}

/**
 * Pure: why the reset must not run given the group's description, or null to
 * go on to the commit (whose coordinator check still applies).
 */
export function refusalFor(group: string, d: GroupDescription): StepError | null {
  if (d.kind === 'failed') return new StepError(`cannot verify the group is empty: ${d.message}`, 'refused');
  if (d.kind === 'described' && isActive(d)) {
    return new StepError(
      `refusing to reset offsets: group ${group} has ${d.members.length} active member${d.members.length === 1 ? '' : 's'} ` +
        `(state ${d.state}); stop its consumers first`,
      'refused',
    );
  }
  return null;
}

export const kafkaResetOffsets: StepType<ResetOffsetsInput, ResetOffsetsResult> = {
  name: 'kafka.reset-offsets',
  description:
    "Move a consumer group's committed offset on one partition (e.g. past a poison message). Refused while the group has active members.",
  effect: 'write',
  inputSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['group', 'topic', 'partition', 'offset'],
    properties: {
      brokers: brokersSchema,
      brokerTimeout: brokerTimeoutSchema,
      group: { type: 'string', minLength: 1, description: 'Consumer group id.' },
      topic: { type: 'string', minLength: 1, description: 'Topic of the partition.' },
      partition: integerSchema('Partition number.', { minimum: 0 }),
      offset: integerSchema('New committed offset: the next message the group will read.', { minimum: 0 }),
    },
  },
  resultSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['group', 'topic', 'partition', 'from', 'to', 'delta', 'verifiedBy', 'unansweredBrokers'],
    properties: {
      group: { type: 'string' },
      topic: { type: 'string' },
      partition: { type: 'integer', minimum: 0 },
      from: { type: ['integer', 'null'], description: 'Committed offset before; null when the group had none.' },
      to: { type: 'integer', minimum: 0, description: 'Committed offset now.' },
      delta: { type: 'integer', description: 'Messages skipped (positive) or to be re-read (negative).' },
      verifiedBy: { enum: ['describe-groups', 'coordinator'], description: 'How the group was known to be empty.' },
      unansweredBrokers: { type: 'array', items: { type: 'string' }, description: 'Bootstrap brokers (as given) that did not answer.' },
    },
  },
  async plan(ctx, input): Promise<Plan> {
    const i = readInput(input);
    const { x, unanswered } = await withKafka(
      ctx,
      i.brokers,
      async (s) => ({ x: await inspect(s, i), unanswered: await s.unanswered() }),
      { brokerTimeoutMs: i.brokerTimeoutMs },
    );
    const lagNow = x.high - (x.from ?? x.low);
    return {
      summary: `would move ${movement(x)}`,
      target: `group ${x.group}, ${x.topic}:${x.partition}`,
      details: [
        `log of ${x.topic}:${x.partition}: offsets ${x.low}..${x.high}`,
        `lag on this partition: ${fmtInt(lagNow)} → ${fmtInt(x.high - x.to)}`,
        membershipLine(x.description),
        ...unansweredNotes(unanswered),
      ],
    };
  },
  async run(ctx, input) {
    const i = readInput(input);
    const { result, unanswered } = await withKafka(
      ctx,
      i.brokers,
      async (s) => {
        const x = await inspect(s, i);
        const refusal = refusalFor(x.group, x.description);
        if (refusal) throw refusal;
        const cluster = await s.cluster();
        try {
          await commitOffsetOutsideGroup(cluster, x.group, x.topic, x.partition, x.to);
        } catch (err) {
          const type = kafkaErrorType(err);
          if (type && ACTIVE_GROUP_ERRORS.has(type)) {
            throw new StepError(
              `refusing to reset offsets: the coordinator rejected a commit from outside group ${x.group} (${type}), ` +
                'so the group has active members; stop its consumers first',
              'refused',
            );
          }
          throw err;
        }
        const after = (await fetchCommitted(cluster, x.group, new Map([[x.topic, [x.partition]]]))).get(x.topic)?.get(x.partition);
        if (after !== x.to) {
          throw new StepError(`the commit was accepted but ${x.topic}:${x.partition} of group ${x.group} reads ${after}, not ${x.to}`);
        }
        return { result: x, unanswered: await s.unanswered() };
      },
      { brokerTimeoutMs: i.brokerTimeoutMs },
    );
    return {
      ok: true,
      result: {
        group: result.group,
        topic: result.topic,
        partition: result.partition,
        from: result.from,
        to: result.to,
        delta: result.delta,
        verifiedBy: result.description.kind === 'described' ? 'describe-groups' : 'coordinator',
        unansweredBrokers: unanswered.map((u) => u.broker),
      },
      summary: `moved ${movement(result)}${unansweredSuffix(unanswered.map((u) => u.broker))}`,
    };
  },
};
