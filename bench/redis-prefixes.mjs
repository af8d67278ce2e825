// Key-prefix histogram over 1,000,000 keys: the shell pipeline on-call people
// use today vs the redis.prefixes step, each with a client PINGing alongside.
// BENCH_SCALE=0.1 for a quick run, BENCH_RUNS=3 for medians. Needs `npm run build`.
import { redisPrefixes } from '../dist/steps/redis/index.js';
import { DB, DB_URL, RUNS, SCALE, ctx, dbsize, flush, idlePing, measured, comparison, seed, shell } from './lib/redis-common.mjs';

const N = Math.round(1_000_000 * SCALE);
const families = [
  ['cache:wms:stock:', 0.55],
  ['cache:wms:loc:', 0.1],
  ['cache:tms:', 0.1],
  ['session:', 0.1],
  ['user:profile:', 0.08],
  ['queue:in:', 0.05],
  ['lock:', 0.02],
];
const groups = families.map(([prefix, share]) => ({ prefix, n: Math.round(N * share) }));
const keys = groups.reduce((a, g) => a + g.n, 0);

await flush();
const seeded = await seed(groups);
if (seeded.size !== keys) throw new Error(`seeded ${seeded.size} keys, expected ${keys}`);

// Warm-up: the first call pays for loading ioredis; a CLI pays it once per run, not per key.
await redisPrefixes.run(ctx, { url: DB_URL, limit: 10 });
const idle = await idlePing();
const base = [];
const native = [];
let baselineCounts;
let nativeCounts;
for (let i = 0; i < RUNS; i++) {
  const b = await measured(() => shell(`redis-cli -n ${DB} --scan | awk -F: '{print $1}' | sort | uniq -c`));
  base.push(b);
  baselineCounts = Object.fromEntries(
    b.value
      .trim()
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .map(([n, p]) => [p, Number(n)]),
  );
  const n = await measured(() => redisPrefixes.run(ctx, { url: DB_URL, ...(process.env.BENCH_COUNT ? { count: Number(process.env.BENCH_COUNT) } : {}) }));
  native.push(n);
  nativeCounts = Object.fromEntries(n.value.result.prefixes.map((p) => [p.prefix, p.count]));
}
const after = await dbsize();
await flush();

const sameCounts =
  Object.keys(baselineCounts).length === Object.keys(nativeCounts).length &&
  Object.entries(baselineCounts).every(([p, n]) => nativeCounts[p] === n);
console.log(
  JSON.stringify({
    bench: 'redis.prefixes',
    keys,
    ...comparison(base, native, idle),
    countsMatchBaseline: sameCounts,
    // Read-only: the keyspace is the same size afterwards.
    protectedIntact: after === keys,
    seedMs: seeded.ms,
  }),
);
