// redis.bigkeys: the largest keys among a sample, by MEMORY USAGE. A sample, not
// the whole keyspace: MEMORY USAGE costs a round of work per key on the server.
import { withRedis } from '../../integrations/redis.js';
import type { StepType } from '../types.js';
import { countProperty, fmtBytes, fmtInt, intInput, stringInput, urlProperty } from './common.js';

export interface RedisBigkeysInput {
  url?: string;
  /** SCAN MATCH pattern; default "*". */
  match?: string;
  /** Keys to measure. Default 1000. */
  sample?: number;
  /** How many of the largest to report. Default 10. */
  top?: number;
}

export interface BigKey {
  key: string;
  type: string;
  bytes: number;
}

export interface RedisBigkeysResult {
  sampled: number;
  /** Largest first. */
  keys: BigKey[];
}

/** Commands per pipelined round: short enough that other clients are not held up. */
const ROUND = 100;

export const redisBigkeys: StepType<RedisBigkeysInput, RedisBigkeysResult> = {
  name: 'redis.bigkeys',
  description: 'Largest keys (MEMORY USAGE) among a SCAN sample.',
  effect: 'read',
  inputSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      url: urlProperty,
      match: { type: 'string', minLength: 1, default: '*' },
      sample: { type: 'integer', minimum: 1, maximum: 1000000, default: 1000 },
      top: { type: 'integer', minimum: 1, maximum: 1000, default: 10 },
    },
  },
  resultSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['sampled', 'keys'],
    properties: {
      sampled: { ...countProperty, description: 'Keys measured.' },
      keys: {
        type: 'array',
        description: 'The largest, largest first.',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['key', 'type', 'bytes'],
          properties: { key: { type: 'string' }, type: { type: 'string' }, bytes: { ...countProperty, description: 'MEMORY USAGE.' } },
        },
      },
    },
  },
  async run(ctx, input) {
    const match = stringInput(input.match, 'match', '*');
    const sample = intInput(input.sample, 'sample', 1000, 1, 1_000_000);
    const top = intInput(input.top, 'top', 10, 1, 1000);

    const result = await withRedis(ctx, input.url, async (session) => {
      const keys: Buffer[] = [];
      const conn = await session.rawConnection();
      await conn.scan(
        { match: match === '*' ? undefined : match, count: Math.min(1000, Math.max(100, sample)), limit: sample },
        { key: (buf, start, end) => void keys.push(Buffer.from(buf.subarray(start, end))) },
      );
      conn.close();

      const measured: BigKey[] = [];
      for (let i = 0; i < keys.length; i += ROUND) {
        const round = keys.slice(i, i + ROUND);
        const pipe = session.client.pipeline();
        for (const k of round) pipe.call('MEMORY', 'USAGE', k).type(k);
        const replies = (await pipe.exec()) ?? [];
        round.forEach((k, j) => {
          const [memErr, bytes] = replies[2 * j] ?? [];
          const [, type] = replies[2 * j + 1] ?? [];
          // A key that expired since the scan answers nil: skip it.
          if (memErr || typeof bytes !== 'number') return;
          measured.push({ key: k.toString('utf8'), type: String(type), bytes });
        });
      }
      measured.sort((a, b) => b.bytes - a.bytes || (a.key < b.key ? -1 : 1));
      return { sampled: measured.length, keys: measured.slice(0, top) } satisfies RedisBigkeysResult;
    });

    const big = result.keys[0];
    const summary = big
      ? `largest of ${fmtInt(result.sampled)} sampled keys: ${big.key} (${big.type}, ${fmtBytes(big.bytes)})`
      : 'no keys matched';
    return { ok: true, result, summary };
  },
};
