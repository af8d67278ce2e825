// KEYS walks the whole keyspace in one blocking call: on a production Redis
// with millions of keys everything else waits. SCAN does the same in batches.
import { judgeStep } from '../commands.js';
import type { Rule } from '../types.js';

export const noRedisKeys: Rule<'keys' | 'keysWithPattern'> = {
  meta: {
    id: 'no-redis-keys',
    description: 'redis-cli KEYS blocks production; use --scan or the redis.prefixes check',
    severity: 'error',
    messages: {
      keys: 'redis-cli "{{word}}" blocks the server while it walks every key; use redis-cli --scan --pattern PATTERN or the redis.prefixes check',
      keysWithPattern: "redis-cli \"{{word}}\" blocks the server while it walks every key; use redis-cli --scan --pattern '{{pattern}}' or the redis.prefixes check",
    },
  },
  create(context) {
    return {
      step({ step, path }) {
        for (const { finding: f, path: at, offset } of judgeStep(step, path)?.findings ?? []) {
          if (f.kind !== 'redis-keys') continue;
          const word = f.word.value;
          const where = { path: at, offset, length: word.length };
          if (f.pattern !== undefined) context.report({ ...where, messageId: 'keysWithPattern', data: { word, pattern: f.pattern } });
          else context.report({ ...where, messageId: 'keys', data: { word } });
        }
      },
    };
  },
};
