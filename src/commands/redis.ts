// redis-cli (and valkey-cli): redis-cli's own options are parsed so they never
// hide the command; the command is a read only when Redis's command table
// (@ioredis/commands) flags it readonly, or it is one of the documented
// harmless ones (INFO, PING, TIME…); container commands (CONFIG, CLIENT,
// MEMORY…) are judged by their sub-command.
import { createRequire } from 'node:module';
import type { Env, Finding, ProgramFamily, Word } from './types.js';
import { flagValue, lit, opaque, write } from './words.js';
import { maskUrl } from '../shared/mask-url.js';

interface CommandTable {
  exists(name: string): boolean;
  hasFlag(name: string, flag: string): boolean;
}
let table: CommandTable | undefined;
const commandTable = (): CommandTable => (table ??= createRequire(import.meta.url)('@ioredis/commands') as CommandTable);

/** Not flagged readonly, but they change nothing: server and connection introspection. */
const HARMLESS = new Set(['info', 'ping', 'echo', 'time', 'role', 'lastsave', 'lolwut', 'select', 'hello', 'auth', 'quit', 'readonly', 'readwrite', 'asking', 'reset']);

/** Container commands: the sub-commands that only read (Redis's documented sub-command flags). */
const READ_SUBCOMMANDS: Record<string, string[]> = {
  config: ['get', 'help'],
  client: ['list', 'info', 'getname', 'id', 'getredir', 'trackinginfo', 'help'],
  memory: ['usage', 'stats', 'doctor', 'malloc-stats', 'help'],
  slowlog: ['get', 'len', 'help'],
  object: ['encoding', 'freq', 'idletime', 'refcount', 'help'],
  xinfo: ['stream', 'groups', 'consumers', 'help'],
  script: ['exists', 'help'],
  function: ['list', 'dump', 'stats', 'help'],
  acl: ['cat', 'getuser', 'list', 'users', 'whoami', 'dryrun', 'genpass', 'help'],
  cluster: ['info', 'nodes', 'shards', 'slots', 'myid', 'myshardid', 'keyslot', 'countkeysinslot', 'getkeysinslot', 'replicas', 'slaves', 'links', 'count-failure-reports', 'help'],
  latency: ['latest', 'history', 'doctor', 'graph', 'histogram', 'help'],
  pubsub: ['channels', 'numsub', 'numpat', 'shardchannels', 'shardnumsub', 'help'],
  command: ['count', 'docs', 'getkeys', 'getkeysandflags', 'info', 'list', 'help'],
  module: ['list', 'help'],
  xgroup: ['help'],
  debug: [],
};

const VALUE_OPTIONS = new Set([
  '-h', '-p', '-s', '-a', '-u', '-r', '-i', '-n', '-d', '-D', '-t', '--user', '--pass', '--sni', '--cacert', '--cacertdir', '--cert', '--key',
  '--tls-ciphers', '--tls-ciphersuites', '--pattern', '--quoted-pattern', '--count', '--intrinsic-latency', '--pipe-timeout',
  '--memkeys-samples', '--show-pushes', '--cluster-replicas', '--cluster-from', '--cluster-to', '--cluster-slots', '--cluster-timeout',
  '--cluster-pipeline', '--cluster-weight', '--cluster-threshold', '--cluster-search-multiple-owners', '--lru-test',
]);
const FLAG_OPTIONS = new Set([
  '-c', '-e', '-2', '-3', '--tls', '--insecure', '--askpass', '--no-auth-warning', '--raw', '--no-raw', '--csv', '--json', '--quoted-json',
  '--verbose', '--quoted-input', '--help', '--version',
]);
/** Modes that read and need no command. */
const READ_MODES = new Set(['--scan', '--bigkeys', '--memkeys', '--hotkeys', '--keystats', '--stat', '--latency', '--latency-history', '--latency-dist']);
/** Modes that write or run what the model cannot see. */
const WRITE_MODES: Record<string, string> = {
  '--pipe': 'redis-cli --pipe (commands from stdin)',
  '--eval': 'redis-cli --eval (a Lua script can write)',
  '--ldb': 'redis-cli --ldb (a Lua script can write)',
  '--rdb': 'redis-cli --rdb (makes the server dump its data)',
  '--functions-rdb': 'redis-cli --functions-rdb',
  '--replica': 'redis-cli --replica (attaches as a replica)',
  '-x': 'redis-cli -x (the last argument comes from standard input)',
};

function redisCli(words: Word[]): Finding[] {
  const tool = lit(words[0])!.replace(/^.*\//, '');
  let mode: Word | undefined;
  let i = 1;
  for (; i < words.length; i++) {
    const w = words[i]!;
    const v = lit(w);
    if (v === undefined) return opaque(`${tool} argument only known at run time (it may be the command)`, w);
    if (!v.startsWith('-') || v === '-') break;
    const name = v.split('=')[0]!;
    if (name === '--cluster') return cluster(words, i);
    if (WRITE_MODES[name]) return write(WRITE_MODES[name]!, w);
    if (READ_MODES.has(name)) {
      mode = w;
      continue;
    }
    if (VALUE_OPTIONS.has(name)) {
      if (!v.includes('=') && !/^-[a-zA-Z]./.test(v)) i++;
      continue;
    }
    if (FLAG_OPTIONS.has(name)) continue;
    return opaque(`${tool} option ${v} is unknown (it may hide the command)`, w);
  }
  if (i >= words.length) {
    if (mode) return [];
    return opaque(`${tool} with no command runs the commands fed on its standard input`, words[0]!);
  }
  return redisCommand(words.slice(i), tool);
}

/** `--cluster call HOST:PORT CMD…` runs CMD on every node; the other cluster commands manage the cluster. */
function cluster(words: Word[], at: number): Finding[] {
  const sub = lit(words[at + 1]);
  if (sub === 'call') return redisCommand(words.slice(at + 3), 'redis-cli --cluster call');
  if (sub === 'check' || sub === 'info' || sub === 'help') return [];
  return write(`redis-cli --cluster ${sub ?? ''}`.trim(), words[at + 1] ?? words[at]!);
}

/** One Redis command and its arguments. */
export function redisCommand(words: Word[], shownAs = 'redis-cli'): Finding[] {
  const first = words[0];
  if (!first) return [];
  const raw = lit(first);
  if (raw === undefined) return opaque('a Redis command only known at run time', first);
  const name = raw.toLowerCase();
  if (name === 'keys') {
    const pattern = lit(words[1]);
    return [{ kind: 'redis-keys', word: first, ...(pattern !== undefined ? { pattern } : {}) }];
  }
  const subs = READ_SUBCOMMANDS[name];
  if (subs) {
    const subWord = words[1];
    const sub = lit(subWord)?.toLowerCase();
    if (sub !== undefined && subs.includes(sub)) return [];
    if (name === 'acl' && sub === 'log' && lit(words[2])?.toLowerCase() !== 'reset') return [];
    return write(`${shownAs} ${raw}${subWord ? ` ${subWord.value}` : ''}`, subWord ?? first);
  }
  const t = commandTable();
  if (!t.exists(name)) return write(`${shownAs} ${raw} (not in Redis's command table)`, first);
  if (HARMLESS.has(name)) return [];
  if (t.hasFlag(name, 'readonly') && !t.hasFlag(name, 'write')) return [];
  return write(`${shownAs} ${raw}`, first);
}

function redisTarget(words: Word[], env: Env): string {
  const url = flagValue(words, ['-u']);
  const db = flagValue(words, ['-n']);
  const suffix = db ? ` db ${db}` : '';
  if (url) return `redis ${maskUrl(url)}${suffix}`;
  const host = flagValue(words, ['-h']);
  const port = flagValue(words, ['-p']);
  if (host || port) return `redis ${host ?? '127.0.0.1'}:${port ?? '6379'}${suffix}`;
  return `redis ${maskUrl(env.REDIS_URL ?? '127.0.0.1:6379')}${suffix}`;
}

export const redis: ProgramFamily = {
  programs: ['redis-cli', 'valkey-cli'],
  judge: redisCli,
  target: redisTarget,
};
