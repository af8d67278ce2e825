// kafka.peek: a bounded look at a topic's oldest or newest messages.
//
// Reads partitions directly from their leaders (like a consumer's assign(),
// never joining a group), so it commits nothing, triggers no rebalance and
// leaves no group behind. It reads only below the high watermark it measured
// first, so it stops once that range is read, or at the step timeout.

import {
  fetchPartitionRanges,
  loadTopics,
  READ_UNCOMMITTED,
  unansweredNotes,
  unansweredSuffix,
  withKafka,
  type FetchedMessage,
  type KafkaSession,
} from '../../integrations/kafka.js';
import { StepError, type StepType } from '../types.js';
import { brokersSchema, brokerTimeoutInput, brokerTimeoutSchema, integerInput, integerSchema, optionalString, requiredString } from './inputs.js';

export interface PeekInput {
  brokers?: string;
  brokerTimeout?: string | number;
  topic: string;
  from?: 'oldest' | 'newest';
  max?: number;
  maxBytes?: number;
}

export interface PeekMessage {
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
  /** ISO 8601, null when the record carries no timestamp. */
  timestamp: string | null;
  /** Size of the whole value in bytes (before truncation). */
  valueBytes: number;
  /** True when key or value was cut at maxBytes. */
  truncated: boolean;
  /** utf8, or base64 for values that are not valid UTF-8. */
  encoding: 'utf8' | 'base64';
}

export interface PeekResult {
  topic: string;
  from: 'oldest' | 'newest';
  count: number;
  messages: PeekMessage[];
  notes: string[];
  /** Bootstrap brokers (as given) that did not answer; the others were used. */
  unansweredBrokers: string[];
}

export const PEEK_MAX = 100;

interface Cursor {
  partition: number;
  next: number;
  end: number;
}

/** Keeps a batch from turning into one huge response: enough for `max` small records per partition. */
const PARTITION_FETCH_BYTES = 1 << 20;

export async function peek(
  session: KafkaSession,
  topic: string,
  from: 'oldest' | 'newest',
  max: number,
  maxBytes: number,
): Promise<Omit<PeekResult, 'unansweredBrokers'>> {
  const cluster = await session.cluster();
  const meta = await loadTopics(cluster, [topic]);
  const ranges = (await fetchPartitionRanges(cluster, meta)).get(topic) ?? [];
  const cursors: Cursor[] = ranges
    .map((r) =>
      from === 'newest'
        ? { partition: r.partition, next: Math.max(r.low, r.high - max), end: r.high }
        : { partition: r.partition, next: r.low, end: Math.min(r.high, r.low + max) },
    )
    .filter((c) => c.end > c.next);

  const collected: { partition: number; m: FetchedMessage }[] = [];
  const notes: string[] = [];
  let pending = cursors;
  while (pending.length > 0) {
    // Leave time to answer with what was read rather than fail at the deadline.
    if (session.remainingMs() < 300) {
      notes.push(`stopped at the time limit with ${pending.length} partition${pending.length === 1 ? '' : 's'} not fully read`);
      break;
    }
    const wait = Math.min(200, Math.max(0, session.remainingMs() - 100));
    const byLeader = cluster.findLeaderForPartitions(
      topic,
      pending.map((c) => c.partition),
    );
    const byPartition = new Map(pending.map((c) => [c.partition, c] as const));
    await Promise.all(
      Object.entries(byLeader).map(async ([nodeId, ids]) => {
        const broker = await cluster.findBroker({ nodeId });
        const { responses } = await broker.fetch({
          isolationLevel: READ_UNCOMMITTED,
          maxWaitTime: wait,
          minBytes: 1,
          maxBytes: PARTITION_FETCH_BYTES * ids.length,
          topics: [
            {
              topic,
              partitions: ids.map((p) => ({
                partition: p,
                fetchOffset: String(byPartition.get(p)!.next),
                maxBytes: PARTITION_FETCH_BYTES,
              })),
            },
          ],
        });
        for (const { partitions } of responses) {
          for (const { partition, messages } of partitions) {
            const c = byPartition.get(partition);
            if (!c) continue;
            // A fetch returns whole batches: drop records before the cursor.
            const fresh = messages.filter((m) => {
              const o = Number(m.offset);
              return o >= c.next && o < c.end && !m.isControlRecord;
            });
            for (const m of fresh) collected.push({ partition, m });
            const last = messages.length > 0 ? Number(messages[messages.length - 1]!.offset) : -1;
            if (last < c.next) {
              // Nothing readable at the cursor (transaction markers, compacted
              // gap): stop this partition rather than spin until the timeout.
              notes.push(`partition ${partition}: no readable records from offset ${c.next}`);
              c.next = c.end;
            } else {
              c.next = last + 1;
            }
          }
        }
      }),
    );
    pending = pending.filter((c) => c.next < c.end);
  }

  const ordered = collected
    .map(({ partition, m }) => ({ partition, m, ts: Number(m.timestamp), offset: Number(m.offset) }))
    .sort((a, b) => a.ts - b.ts || a.partition - b.partition || a.offset - b.offset);
  const chosen = from === 'newest' ? ordered.slice(-max) : ordered.slice(0, max);
  const messages = chosen.map(({ partition, m, ts, offset }) => toPeekMessage(partition, offset, ts, m, maxBytes));
  if (cursors.length === 0) notes.push(`topic ${topic} is empty (${ranges.length} partitions)`);
  return { topic, from, count: messages.length, messages, notes };
}

function toPeekMessage(partition: number, offset: number, ts: number, m: FetchedMessage, maxBytes: number): PeekMessage {
  const key = render(m.key, maxBytes);
  const value = render(m.value, maxBytes);
  return {
    partition,
    offset,
    key: key.text,
    value: value.text,
    timestamp: Number.isFinite(ts) && ts >= 0 ? new Date(ts).toISOString() : null,
    valueBytes: m.value?.length ?? 0,
    truncated: key.truncated || value.truncated,
    encoding: value.encoding === 'base64' || key.encoding === 'base64' ? 'base64' : 'utf8',
  };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function render(buf: Buffer | null, maxBytes: number): { text: string | null; truncated: boolean; encoding: 'utf8' | 'base64' } {
  if (!buf) return { text: null, truncated: false, encoding: 'utf8' };
  const truncated = buf.length > maxBytes;
  const part = truncated ? buf.subarray(0, maxBytes) : buf;
  try {
    return { text: utf8.decode(part), truncated, encoding: 'utf8' };
  } catch {
    // The cut may split a multi-byte character; only then is lenient decoding right.
    if (truncated) {
      try {
        utf8.decode(buf);
        return { text: part.toString('utf8').replace(/\uFFFD+$/, ''), truncated, encoding: 'utf8' };
      } catch {
        /* binary: fall through */
      }
    }
    return { text: part.toString('base64'), truncated, encoding: 'base64' };
  }
}

export const kafkaPeek: StepType<PeekInput, PeekResult> = {
  name: 'kafka.peek',
  description: "Read a topic's newest or oldest messages (at most 100) without joining a group or committing.",
  effect: 'read',
  inputSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['topic'],
    properties: {
      brokers: brokersSchema,
      brokerTimeout: brokerTimeoutSchema,
      topic: { type: 'string', minLength: 1, description: 'Topic to read.' },
      from: { enum: ['oldest', 'newest'], default: 'newest', description: 'Which end of the log to read.' },
      max: integerSchema('How many messages (1–100).', { default: 10, minimum: 1, maximum: PEEK_MAX }),
      maxBytes: integerSchema('Bytes kept of each key and value; longer ones are cut.', { default: 1024, minimum: 1 }),
    },
  },
  resultSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['topic', 'from', 'count', 'messages', 'notes', 'unansweredBrokers'],
    properties: {
      topic: { type: 'string' },
      from: { enum: ['oldest', 'newest'] },
      count: { type: 'integer', minimum: 0, maximum: PEEK_MAX, description: 'Messages read (at most max).' },
      messages: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['partition', 'offset', 'key', 'value', 'timestamp', 'valueBytes', 'truncated', 'encoding'],
          properties: {
            partition: { type: 'integer', minimum: 0 },
            offset: { type: 'integer', minimum: 0 },
            key: { type: ['string', 'null'] },
            value: { type: ['string', 'null'] },
            timestamp: { type: ['string', 'null'], description: 'ISO 8601; null when the record carries none.' },
            valueBytes: { type: 'integer', minimum: 0, description: 'Size of the whole value (before truncation).' },
            truncated: { type: 'boolean', description: 'Key or value was cut at maxBytes.' },
            encoding: { enum: ['utf8', 'base64'] },
          },
        },
      },
      notes: { type: 'array', items: { type: 'string' } },
      unansweredBrokers: { type: 'array', items: { type: 'string' }, description: 'Bootstrap brokers (as given) that did not answer.' },
    },
  },
  async run(ctx, input) {
    const raw = input as unknown as Record<string, unknown>;
    const topic = requiredString(raw, 'topic', 'kafka.peek');
    const fromRaw = optionalString(raw, 'from', 'kafka.peek') ?? 'newest';
    if (fromRaw !== 'oldest' && fromRaw !== 'newest') {
      throw new StepError(`kafka.peek: input "from" must be "oldest" or "newest", got ${JSON.stringify(fromRaw)}`, 'bad-input');
    }
    const max = Math.min(PEEK_MAX, integerInput(raw, 'max', 'kafka.peek', { default: 10, min: 1 }));
    const maxBytes = integerInput(raw, 'maxBytes', 'kafka.peek', { default: 1024, min: 1 });
    const result: PeekResult = await withKafka(
      ctx,
      optionalString(raw, 'brokers', 'kafka.peek'),
      async (s) => {
        const read = await peek(s, topic, fromRaw, max, maxBytes);
        const unanswered = await s.unanswered();
        return { ...read, notes: [...read.notes, ...unansweredNotes(unanswered)], unansweredBrokers: unanswered.map((u) => u.broker) };
      },
      { brokerTimeoutMs: brokerTimeoutInput(raw, 'kafka.peek') },
    );
    const summary = `${result.count} ${fromRaw} message${result.count === 1 ? '' : 's'} from ${topic}`;
    return { ok: true, result, summary: summary + unansweredSuffix(result.unansweredBrokers) };
  },
};
