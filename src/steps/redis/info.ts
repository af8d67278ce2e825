// redis.info: the memory / eviction / hit-rate figures triage conditions branch on,
// parsed from INFO into numbers.
import { withRedis } from '../../integrations/redis.js';
import type { StepType } from '../types.js';
import { StepError } from '../types.js';
import { countProperty, fmtBytes, infoNumber, round, urlProperty } from './common.js';

export interface RedisInfoInput {
  url?: string;
  /** INFO sections ("memory", "stats"…); default: INFO's default set. */
  sections?: string | string[];
}

export interface RedisInfoResult {
  redisVersion: string | null;
  role: string | null;
  usedMemory: number | null;
  usedMemoryHuman: string | null;
  usedMemoryPeak: number | null;
  maxmemory: number | null;
  /** usedMemory / maxmemory × 100, two decimals; null when maxmemory is 0 (no limit). */
  usedMemoryPercent: number | null;
  maxmemoryPolicy: string | null;
  memFragmentationRatio: number | null;
  evictedKeys: number | null;
  expiredKeys: number | null;
  keyspaceHits: number | null;
  keyspaceMisses: number | null;
  /** hits / (hits + misses), four decimals; null before any lookup. */
  hitRate: number | null;
  connectedClients: number | null;
  blockedClients: number | null;
  opsPerSec: number | null;
  /** { db0: 1234, db9: 5 } */
  dbKeys: Record<string, number>;
  totalKeys: number;
}

export function parseInfo(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    if (line === '' || line.startsWith('#')) continue;
    const i = line.indexOf(':');
    if (i > 0) fields.set(line.slice(0, i), line.slice(i + 1));
  }
  return fields;
}

export function infoResult(fields: Map<string, string>): RedisInfoResult {
  const num = (k: string): number | null => {
    const v = fields.get(k);
    if (v === undefined || v.trim() === '') return null;
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  };
  const str = (k: string): string | null => fields.get(k) ?? null;
  const dbKeys: Record<string, number> = {};
  for (const [k, v] of fields) {
    if (!/^db\d+$/.test(k)) continue;
    const m = /(?:^|,)keys=(\d+)/.exec(v);
    if (m) dbKeys[k] = Number(m[1]);
  }
  const usedMemory = num('used_memory');
  const maxmemory = num('maxmemory');
  const hits = num('keyspace_hits');
  const misses = num('keyspace_misses');
  return {
    redisVersion: str('redis_version'),
    role: str('role'),
    usedMemory,
    usedMemoryHuman: str('used_memory_human'),
    usedMemoryPeak: num('used_memory_peak'),
    maxmemory,
    usedMemoryPercent: usedMemory !== null && maxmemory ? round((usedMemory / maxmemory) * 100, 2) : null,
    maxmemoryPolicy: str('maxmemory_policy'),
    memFragmentationRatio: num('mem_fragmentation_ratio'),
    evictedKeys: num('evicted_keys'),
    expiredKeys: num('expired_keys'),
    keyspaceHits: hits,
    keyspaceMisses: misses,
    hitRate: hits !== null && misses !== null && hits + misses > 0 ? round(hits / (hits + misses), 4) : null,
    connectedClients: num('connected_clients'),
    blockedClients: num('blocked_clients'),
    opsPerSec: num('instantaneous_ops_per_sec'),
    dbKeys,
    totalKeys: Object.values(dbKeys).reduce((a, b) => a + b, 0),
  };
}

function summarize(r: RedisInfoResult): string {
  const parts: string[] = [];
  if (r.usedMemory !== null) {
    parts.push(
      r.usedMemoryPercent !== null && r.maxmemory
        ? `memory ${fmtBytes(r.usedMemory)} of ${fmtBytes(r.maxmemory)} (${r.usedMemoryPercent}%)`
        : `memory ${fmtBytes(r.usedMemory)} (no maxmemory)`,
    );
  }
  if (r.hitRate !== null) parts.push(`hit rate ${round(r.hitRate * 100, 1)}%`);
  if (r.evictedKeys !== null) parts.push(`${r.evictedKeys} evicted`);
  if (r.connectedClients !== null) parts.push(`${r.connectedClients} clients`);
  parts.push(`${r.totalKeys} keys`);
  return parts.join(', ');
}

export const redisInfo: StepType<RedisInfoInput, RedisInfoResult> = {
  name: 'redis.info',
  description: 'Memory, eviction, hit rate, clients and keys per database, parsed from INFO.',
  effect: 'read',
  inputSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      url: urlProperty,
      sections: {
        description: 'INFO sections to fetch (default: INFO\'s default set)',
        oneOf: [
          { type: 'string', pattern: '^[A-Za-z]+$' },
          { type: 'array', items: { type: 'string', pattern: '^[A-Za-z]+$' }, minItems: 1 },
        ],
      },
    },
  },
  // Every INFO field is null when the sections asked for do not carry it.
  resultSchema: {
    type: 'object',
    additionalProperties: false,
    required: [
      'redisVersion', 'role', 'usedMemory', 'usedMemoryHuman', 'usedMemoryPeak', 'maxmemory', 'usedMemoryPercent',
      'maxmemoryPolicy', 'memFragmentationRatio', 'evictedKeys', 'expiredKeys', 'keyspaceHits', 'keyspaceMisses', 'hitRate',
      'connectedClients', 'blockedClients', 'opsPerSec', 'dbKeys', 'totalKeys',
    ],
    properties: {
      redisVersion: { type: ['string', 'null'] },
      role: { type: ['string', 'null'], description: 'master or slave.' },
      usedMemory: { ...infoNumber, description: 'used_memory, in bytes.' },
      usedMemoryHuman: { type: ['string', 'null'] },
      usedMemoryPeak: infoNumber,
      maxmemory: { ...infoNumber, description: 'maxmemory in bytes; 0 means no limit.' },
      usedMemoryPercent: { ...infoNumber, description: 'usedMemory / maxmemory × 100, two decimals; null when maxmemory is 0 (no limit).' },
      maxmemoryPolicy: { type: ['string', 'null'], description: 'maxmemory_policy: noeviction, allkeys-lru…' },
      memFragmentationRatio: infoNumber,
      evictedKeys: { ...infoNumber, description: 'evicted_keys: keys evicted for maxmemory since the server started.' },
      expiredKeys: infoNumber,
      keyspaceHits: infoNumber,
      keyspaceMisses: infoNumber,
      hitRate: { ...infoNumber, description: 'hits / (hits + misses), four decimals; null before any lookup.' },
      connectedClients: infoNumber,
      blockedClients: infoNumber,
      opsPerSec: infoNumber,
      dbKeys: { type: 'object', additionalProperties: countProperty, description: 'Keys per database: {db0: 1234}.' },
      totalKeys: countProperty,
    },
  },
  async run(ctx, input) {
    const sections = input.sections === undefined ? [] : Array.isArray(input.sections) ? input.sections : [input.sections];
    for (const s of sections) {
      if (typeof s !== 'string' || !/^[A-Za-z]+$/.test(s)) {
        throw new StepError(`input "sections" must name INFO sections (letters only), got ${JSON.stringify(s)}`, 'bad-input');
      }
    }
    const text = await withRedis(ctx, input.url, async ({ client }) => {
      // Redis < 7 takes one section per INFO call.
      if (sections.length <= 1) return (await client.call('INFO', ...sections)) as string;
      const parts = await Promise.all(sections.map((s) => client.call('INFO', s) as Promise<string>));
      return parts.join('\r\n');
    });
    const result = infoResult(parseInfo(text));
    return { ok: true, result, summary: summarize(result) };
  },
};
