// How Redis spells configuration values. CONFIG SET accepts several spellings
// of one value (`1gb`, `1073741824`; `ALLKEYS-LRU`; `KEA`) and CONFIG GET
// answers with its own canonical one (`1073741824`, `allkeys-lru`, `AKE`), so
// a read-back is compared after both sides are normalised the way Redis does.
import { fmtBytes } from './common.js';

/** Parameters whose values are secrets: shown as *** everywhere. */
const SECRET_PARAMETERS = new Set(['requirepass', 'masterauth', 'tls-key-file-pass', 'tls-client-key-file-pass']);

/** Free text Redis keeps as given (names, paths, passwords): compared exactly. */
const FREE_TEXT = new Set([
  ...SECRET_PARAMETERS,
  'masteruser',
  'dir',
  'dbfilename',
  'appendfilename',
  'appenddirname',
  'logfile',
  'pidfile',
  'unixsocket',
  'aclfile',
  'syslog-ident',
]);

/** Byte-valued parameters, shown as "6442450944 (6.0 GiB)". */
const MEMORY_PARAMETERS = new Set([
  'maxmemory',
  'maxmemory-clients',
  'repl-backlog-size',
  'client-query-buffer-limit',
  'proto-max-bulk-len',
  'auto-aof-rewrite-min-size',
  'active-defrag-ignore-bytes',
  'stream-node-max-bytes',
]);

/** Redis' memtoull(): k/m/g are powers of 1000, kb/mb/gb powers of 1024, case-insensitive. */
const UNITS: Record<string, bigint> = { '': 1n, b: 1n, k: 1000n, kb: 1024n, m: 1000n ** 2n, mb: 1024n ** 2n, g: 1000n ** 3n, gb: 1024n ** 3n };

/** "1gb" → 1073741824n, "1024" → 1024n; undefined when it is not a memory value. */
export function memoryBytes(text: string): bigint | undefined {
  const m = /^(\d+)(b|kb?|mb?|gb?)?$/i.exec(text.trim());
  return m ? BigInt(m[1]!) * UNITS[(m[2] ?? '').toLowerCase()]! : undefined;
}

export function isSecretParameter(name: string): boolean {
  return SECRET_PARAMETERS.has(name.toLowerCase());
}

/** The value as it may be shown: *** for secret parameters. */
export function shownValue(name: string, value: string): string {
  return isSecretParameter(name) ? '***' : value;
}

/** One word of a value: numbers and memory sizes as plain integers, enums and yes/no in lower case. */
function normaliseToken(token: string): string {
  if (/^[+-]?\d+$/.test(token)) return BigInt(token).toString();
  const bytes = memoryBytes(token);
  return bytes !== undefined ? bytes.toString() : token.toLowerCase();
}

function tokens(value: string): string[] {
  return value
    .trim()
    .split(/\s+/)
    .filter((t) => t !== '')
    .map(normaliseToken);
}

/** notify-keyspace-events: a set of flag characters, "A" standing for "g$lshzxetd" (Redis 7). */
function keyspaceEventFlags(value: string): string {
  return [...new Set(value.replace(/A/g, 'g$lshzxetd'))].sort().join('');
}

/** client-output-buffer-limit: "<class> <hard> <soft> <seconds>" groups; Redis reports every class, "replica" as "slave". */
function bufferLimitGroups(value: string): Map<string, string> | undefined {
  const t = tokens(value);
  if (t.length === 0 || t.length % 4 !== 0) return undefined;
  const groups = new Map<string, string>();
  for (let i = 0; i < t.length; i += 4) groups.set(t[i] === 'replica' ? 'slave' : t[i]!, t.slice(i + 1, i + 4).join(' '));
  return groups;
}

/** Does the value Redis reports after CONFIG SET mean the value that was requested? */
export function sameConfigValue(name: string, requested: string, reported: string): boolean {
  const param = name.toLowerCase();
  if (param === 'notify-keyspace-events') return keyspaceEventFlags(requested) === keyspaceEventFlags(reported);
  if (param === 'client-output-buffer-limit') {
    const want = bufferLimitGroups(requested);
    const got = bufferLimitGroups(reported);
    // Setting one class leaves the others as they were: only the requested classes must match.
    if (want && got) return [...want].every(([cls, limits]) => got.get(cls) === limits);
  }
  if (FREE_TEXT.has(param)) return requested === reported;
  return tokens(requested).join(' ') === tokens(reported).join(' ');
}

function isMemoryValue(name: string, value: string): boolean {
  return MEMORY_PARAMETERS.has(name.toLowerCase()) && memoryBytes(value) !== undefined;
}

function human(name: string, bytes: bigint): string {
  if (bytes === 0n && name.toLowerCase().startsWith('maxmemory')) return 'no limit';
  return fmtBytes(Number(bytes));
}

/** For detail lines: "6442450944 (6.0 GiB)", "0 (no limit)", "allkeys-lru", "***". */
export function describeConfigValue(name: string, value: string): string {
  if (isSecretParameter(name)) return '***';
  if (!isMemoryValue(name, value)) return value === '' ? '""' : value;
  const bytes = memoryBytes(value)!;
  return `${bytes} (${human(name, bytes)})`;
}

/** For one-line summaries: "6.0 GiB", "no limit", "allkeys-lru", "***". */
export function shortConfigValue(name: string, value: string): string {
  if (isSecretParameter(name)) return '***';
  if (!isMemoryValue(name, value)) return value === '' ? '""' : value;
  return human(name, memoryBytes(value)!);
}
