import { noRedisKeys } from '../../../src/lint/rules/no-redis-keys.js';
import { ruleTester, runStep } from '../helpers.js';

const step = (run: string, extra = '') => runStep(run, 'read', extra);

describe('no-redis-keys', () => {
  ruleTester(noRedisKeys, {
    valid: [
      { name: 'SCAN is fine', document: step(`redis-cli --scan --pattern 'cache:*'`) },
      { name: 'a key named keys is fine', document: step('redis-cli GET keys') },
    ],
    invalid: [
      {
        name: 'KEYS with flags before it',
        document: step(`redis-cli -h prod-redis -p 6379 KEYS 'cache:wms:*'`),
        errors: [
          {
            line: 10,
            column: 46,
            messageId: 'keysWithPattern',
            data: { word: 'KEYS', pattern: 'cache:wms:*' },
            message: `redis-cli "KEYS" blocks the server while it walks every key; use redis-cli --scan --pattern 'cache:wms:*' or the redis.prefixes check`,
          },
        ],
      },
      {
        name: 'lowercase keys in a pipeline',
        document: step(`redis-cli keys 'session:*' | wc -l`, '\n        shell: true'),
        errors: [{ line: 10, column: 24, messageId: 'keysWithPattern', data: { word: 'keys', pattern: 'session:*' } }],
      },
      {
        name: 'KEYS inside kubectl exec',
        document: step(`kubectl -n x exec redis-0 -- redis-cli KEYS '*'`),
        errors: [{ line: 10, column: 53, messageId: 'keysWithPattern', data: { word: 'KEYS', pattern: '*' } }],
      },
      {
        name: 'KEYS with a pattern only known at run time',
        document: step(`redis-cli KEYS "$PATTERN"`, '\n        shell: true'),
        errors: [
          {
            line: 10,
            column: 24,
            messageId: 'keys',
            data: { word: 'KEYS' },
            message: 'redis-cli "KEYS" blocks the server while it walks every key; use redis-cli --scan --pattern PATTERN or the redis.prefixes check',
          },
        ],
      },
    ],
  });
});
