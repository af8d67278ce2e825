// Redis data for end-to-end runs: the INC-004 offenders (cache:wms:stock:*
// without TTL filling memory, session:*, dispatch:invitations:*, lock:*),
// and exact snapshots of a keyspace to compare before and after a run.
import type { Redis } from 'ioredis';

export async function connect(url: string): Promise<Redis> {
  const { Redis } = await import('ioredis');
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false });
  await client.connect();
  return client;
}

/** Every key, sorted (SCAN, never KEYS). */
export async function allKeys(client: Redis, match = '*'): Promise<string[]> {
  const out: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', match, 'COUNT', 1000);
    out.push(...keys);
    cursor = next;
  } while (cursor !== '0');
  return out.sort();
}

export async function usedMemoryPercent(client: Redis): Promise<number> {
  const info = await client.info('memory');
  const used = Number(/^used_memory:(\d+)/m.exec(info)![1]);
  const max = Number(/^maxmemory:(\d+)/m.exec(info)![1]);
  return (used / max) * 100;
}

export interface OomSeed {
  stock: string[];
  sessions: string[];
  invitations: string[];
  locks: string[];
  /** Other cache keys outside the flushed pattern. */
  otherCache: string[];
  usedPercent: number;
}

/**
 * The seed's Redis OOM: a few hundred sessions (with TTLs, as sessions have),
 * invitations never cleaned up, order locks, and cache:wms:stock:* keys with
 * no TTL written until memory passes `targetPercent` of maxmemory (the server
 * must run with a maxmemory and noeviction).
 */
export async function fillOom(client: Redis, targetPercent = 93): Promise<OomSeed> {
  const pipe = client.pipeline();
  for (let i = 0; i < 400; i++) pipe.set(`session:u${String(i).padStart(5, '0')}`, `{"user":${i},"token":"${'t'.repeat(120)}"}`, 'EX', 3600);
  for (let i = 0; i < 250; i++) pipe.set(`dispatch:invitations:ord-${10_000 + i}`, JSON.stringify({ order: 10_000 + i, technicians: [1, 2, 3] }));
  for (let i = 0; i < 6; i++) pipe.set(`lock:order:${20_000 + i}`, 'worker-1', 'EX', 3600);
  for (let i = 0; i < 50; i++) pipe.set(`cache:wms:price:sku-${i}`, String(100 + i), 'EX', 600);
  await pipe.exec();
  let n = 0;
  for (let round = 0; round < 400 && (await usedMemoryPercent(client)) < targetPercent; round++) {
    const batch = client.pipeline();
    for (let i = 0; i < 250; i++, n++) batch.set(`cache:wms:stock:sku-${String(n).padStart(7, '0')}`, JSON.stringify({ sku: n, qty: n % 97, wh: 'HCM-01', pad: 'x'.repeat(60) }));
    const results = (await batch.exec()) ?? [];
    // noeviction: past maxmemory, writes are refused with OOM; stop there.
    if (results.some(([err]) => err && /OOM/.test(err.message))) break;
  }
  const [stock, sessions, invitations, locks, otherCache] = await Promise.all(
    ['cache:wms:stock:*', 'session:*', 'dispatch:invitations:*', 'lock:*', 'cache:wms:price:*'].map((m) => allKeys(client, m)),
  );
  return { stock, sessions, invitations, locks, otherCache, usedPercent: await usedMemoryPercent(client) };
}
