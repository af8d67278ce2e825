// KEYS walks the whole keyspace in one blocking call: on a production Redis
// with millions of keys everything else waits. SCAN does the same in batches.
import { analyze, stepCommands } from '../commands.js';
import type { Rule } from '../types.js';

export const noRedisKeys: Rule = {
  meta: { id: 'no-redis-keys', description: 'redis-cli KEYS blocks production; use --scan or the redis.prefixes check', severity: 'error' },
  create(context) {
    return {
      step({ step, path }) {
        if (step.run === undefined) return;
        for (const words of stepCommands(step, path).commands) {
          for (const f of analyze(words)) {
            if (f.kind !== 'redis-keys') continue;
            const at = words.indexOf(f.word);
            const pattern = at >= 0 ? words[at + 1]?.value : undefined;
            const scan = pattern ? `redis-cli --scan --pattern '${pattern}'` : 'redis-cli --scan --pattern PATTERN';
            context.report({
              path: f.word.path,
              offset: f.word.offset,
              message: `redis-cli "${f.word.value}" blocks the server while it walks every key; use ${scan} or the redis.prefixes check`,
            });
          }
        }
      },
    };
  },
};
