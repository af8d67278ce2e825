// Delete 550,000 keys by pattern: `redis-cli --scan --pattern P | xargs redis-cli DEL`
// vs the redis.delete-pattern step, each on a freshly seeded keyspace with a
// client PINGing alongside; session:/lock: keys must survive the native run.
// BENCH_SCALE=0.1 for a quick run, BENCH_RUNS=3 for medians. Needs `npm run build`.
import { redisDeletePattern, redisPrefixes } from '../dist/steps/redis/index.js';
import { DB, DB_URL, RUNS, SCALE, ctx, flush, idlePing, measured, comparison, seed, shell } from './lib/redis-common.mjs';

const PATTERN = 'cache:wms:stock:*';
const matching = Math.round(550_000 * SCALE);
const groups = [
  { prefix: 'cache:wms:stock:', n: matching },
  { prefix: 'cache:wms:loc:', n: Math.round(100_000 * SCALE) },
  { prefix: 'session:', n: Math.round(20_000 * SCALE) },
  { prefix: 'lock:', n: Math.round(2_000 * SCALE) },
];
const untouched = groups.slice(1).reduce((a, g) => a + g.n, 0);

async function census() {
  const r = await redisPrefixes.run(ctx, { url: DB_URL, depth: 3 });
  return Object.fromEntries(r.result.prefixes.map((p) => [p.prefix, p.count]));
}

async function fresh() {
  await flush();
  const s = await seed(groups);
  if (s.size !== matching + untouched) throw new Error(`seeded ${s.size} keys, expected ${matching + untouched}`);
  return s;
}

// Warm-up: the first call pays for loading ioredis.
await redisPrefixes.run(ctx, { url: DB_URL, limit: 10 });
const idle = await idlePing();
const base = [];
const native = [];
let protectedIntact = true;
let allMatchingGone = true;
let deleted = 0;
for (let i = 0; i < RUNS; i++) {
  await fresh();
  const b = await measured(() => shell(`redis-cli -n ${DB} --scan --pattern '${PATTERN}' | xargs redis-cli -n ${DB} DEL > /dev/null`));
  base.push(b);
  const afterBase = await census();
  allMatchingGone &&= !afterBase['cache:wms:stock'];

  await fresh();
  const n = await measured(() => redisDeletePattern.run(ctx, { url: DB_URL, pattern: PATTERN }));
  native.push(n);
  deleted = n.value.result.deleted;
  const after = await census();
  allMatchingGone &&= !after['cache:wms:stock'] && deleted === matching;
  protectedIntact &&=
    after['session'] === groups[2].n && after['lock'] === groups[3].n && after['cache:wms:loc'] === groups[1].n;
}
await flush();

console.log(
  JSON.stringify({
    bench: 'redis.delete-pattern',
    keys: matching,
    ...comparison(base, native, idle),
    deleted,
    allMatchingGone,
    protectedIntact,
  }),
);
