// KEYS walks the whole keyspace in one blocking call: on a production Redis
// with millions of keys everything else waits. SCAN does the same in batches.
import { judgeStep } from '../commands.js';
import type { Rule } from '../types.js';

export const noRedisKeys: Rule = {
  meta: { id: 'no-redis-keys', description: 'redis-cli KEYS blocks production; use --scan or the redis.prefixes check', severity: 'error' },
  create(context) {
    return {
      step({ step, path }) {
        for (const { finding: f, path: at, offset } of judgeStep(step, path)?.findings ?? []) {
          if (f.kind !== 'redis-keys') continue;
          const scan = f.pattern !== undefined ? `redis-cli --scan --pattern '${f.pattern}'` : 'redis-cli --scan --pattern PATTERN';
          context.report({ path: at, offset, message: `redis-cli "${f.word.value}" blocks the server while it walks every key; use ${scan} or the redis.prefixes check` });
        }
      },
    };
  },
};
