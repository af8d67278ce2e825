// redis.llen: how deep a list-backed queue is.
import { withRedis } from '../../integrations/redis.js';
import type { StepType } from '../types.js';
import { StepError } from '../types.js';
import { countProperty, fmtInt, stringInput, urlProperty } from './common.js';

export interface RedisLlenInput {
  url?: string;
  key: string;
}

export interface RedisLlenResult {
  key: string;
  /** 0 when the key does not exist. */
  length: number;
}

export const redisLlen: StepType<RedisLlenInput, RedisLlenResult> = {
  name: 'redis.llen',
  description: 'Length of a list (queue depth); 0 when the key does not exist.',
  effect: 'read',
  inputSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['key'],
    properties: { url: urlProperty, key: { type: 'string', minLength: 1 } },
  },
  resultSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['key', 'length'],
    properties: {
      key: { type: 'string' },
      length: { ...countProperty, description: 'Items in the list; 0 when the key does not exist.' },
    },
  },
  async run(ctx, input) {
    const key = stringInput(input.key, 'key');
    const length = await withRedis(ctx, input.url, async ({ client, target }) => {
      try {
        return await client.llen(key);
      } catch (err) {
        if (!/WRONGTYPE/.test((err as Error).message)) throw err;
        const type = await client.type(key);
        throw new StepError(`redis at ${target.redacted}: key "${key}" holds a ${type}, not a list`, 'wrong-type');
      }
    });
    return { ok: true, result: { key, length }, summary: `${key}: ${fmtInt(length)} items` };
  },
};
