import { noRedisKeys } from '../../../src/lint/rules/no-redis-keys.js';
import { ruleTests, runStep } from '../helpers.js';

const step = (run: string, extra = '') => runStep(run, 'read', extra);

describe('no-redis-keys', () => {
  ruleTests(noRedisKeys, [
    { name: 'SCAN is fine', document: step(`redis-cli --scan --pattern 'cache:*'`), errors: [] },
    { name: 'a key named keys is fine', document: step('redis-cli GET keys'), errors: [] },
    {
      name: 'KEYS with flags before it',
      document: step(`redis-cli -h prod-redis -p 6379 KEYS 'cache:wms:*'`),
      errors: [{ line: 10, column: 46, message: `redis-cli "KEYS" blocks the server while it walks every key; use redis-cli --scan --pattern 'cache:wms:*' or the redis.prefixes check` }],
    },
    {
      name: 'lowercase keys in a pipeline',
      document: step(`redis-cli keys 'session:*' | wc -l`, '\n        shell: true'),
      errors: [{ line: 10, column: 24, message: `redis-cli "keys" blocks the server` }],
    },
    {
      name: 'KEYS inside kubectl exec',
      document: step(`kubectl -n x exec redis-0 -- redis-cli KEYS '*'`),
      errors: [{ line: 10, column: 53, message: 'redis-cli "KEYS"' }],
    },
  ]);
});
