// What a `run` step's command does, read from its argv words: does it change
// anything (kubectl delete, redis-cli DEL, kafka --reset-offsets --execute,
// curl -X POST, SQL DELETE, …), and does it call redis KEYS. Wrappers (sudo,
// env, timeout, xargs, watch, sh -c, kubectl/docker exec) are looked through.
// Conservative on purpose: an unknown program is not a mutation; a known one
// with a mutating verb is, whatever else is around it.
import { shellCommands, SplitError, tokenize, type Token } from '../runbook/argv.js';
import type { DocPath } from '../runbook/source.js';
import type { Step } from '../runbook/types.js';

export interface Word {
  value: string;
  /** Where to point: the string at `path`, `offset` characters in. */
  path: DocPath;
  offset: number;
}

export type Finding = { kind: 'mutation'; what: string; word: Word } | { kind: 'redis-keys'; word: Word };

export interface StepCommands {
  commands: Word[][];
  splitError?: { path: DocPath; offset: number; message: string };
}

// Several rules read the same step's commands: split each step once.
const cache = new WeakMap<Step, StepCommands>();

/** The simple commands a step runs, as words with positions. */
export function stepCommands(step: Step, stepPath: DocPath): StepCommands {
  let found = cache.get(step);
  if (!found) {
    found = splitStep(step, stepPath);
    cache.set(step, found);
  }
  return found;
}

function splitStep(step: Step, stepPath: DocPath): StepCommands {
  const run = step.run;
  const shell = step.shell === true;
  const commands: Word[][] = [];
  const texts: Array<{ text: string; path: DocPath }> = [];
  if (typeof run === 'string') texts.push({ text: run, path: [...stepPath, 'run'] });
  else if (Array.isArray(run)) {
    if (!shell) {
      // An argv list: every element is one word already.
      commands.push(run.map((value, i) => ({ value: String(value), path: [...stepPath, 'run', i], offset: 0 })));
      return { commands };
    }
    run.forEach((text, i) => texts.push({ text: String(text), path: [...stepPath, 'run', i] }));
  }
  for (const { text, path } of texts) {
    try {
      const split = shell ? shellCommands(text) : [tokenize(text)];
      for (const tokens of split) commands.push(tokens.map((t) => toWord(t, path, 0)));
    } catch (e) {
      if (e instanceof SplitError) return { commands, splitError: { path, offset: e.offset, message: e.message } };
      throw e;
    }
  }
  return { commands };
}

function toWord(t: Token, path: DocPath, base: number): Word {
  return { value: t.value, path, offset: base + t.start };
}

/** Mutations and KEYS calls in one simple command (and the commands it wraps). */
export function analyze(words: Word[], depth = 0): Finding[] {
  if (words.length === 0 || depth > 8) return [];
  const program = programName(words[0]!.value);
  const handler = PROGRAMS[program];
  if (handler) return handler(words, depth);
  if (/^kafka-/.test(program)) return kafka(program, words);
  return [];
}

function programName(word: string): string {
  const base = word.slice(word.lastIndexOf('/') + 1).toLowerCase();
  return base.replace(/\.sh$/, '');
}

type Handler = (words: Word[], depth: number) => Finding[];

const mutation = (what: string, word: Word): Finding[] => [{ kind: 'mutation', what, word }];

/** Splits words into options and positionals, knowing which options take a value. */
function positionals(words: Word[], from: number, valueFlags: ReadonlySet<string>, stopAtDoubleDash = true): { pos: Array<{ word: Word; index: number }>; dashDash: number } {
  const pos: Array<{ word: Word; index: number }> = [];
  let dashDash = -1;
  for (let i = from; i < words.length; i++) {
    const v = words[i]!.value;
    if (v === '--' && stopAtDoubleDash) {
      dashDash = i;
      break;
    }
    if (v.startsWith('-') && v.length > 1) {
      if (!v.includes('=') && valueFlags.has(v)) i++;
      continue;
    }
    pos.push({ word: words[i]!, index: i });
  }
  return { pos, dashDash };
}

const hasFlag = (words: Word[], ...names: string[]) => words.some((w) => names.some((n) => w.value === n || w.value.startsWith(`${n}=`)));

// ---------------------------------------------------------------- wrappers

/** Programs that run the rest of their arguments as a command. */
function wrapper(valueFlags: string[], opts: { skipPositionals?: number; assignments?: boolean } = {}): Handler {
  const flags = new Set(valueFlags);
  return (words, depth) => {
    let i = 1;
    let skip = opts.skipPositionals ?? 0;
    while (i < words.length) {
      const v = words[i]!.value;
      if (v === '--') {
        i++;
        break;
      }
      if (v.startsWith('-') && v.length > 1) {
        i += !v.includes('=') && flags.has(v) ? 2 : 1;
        continue;
      }
      if (opts.assignments && /^[A-Za-z_][A-Za-z0-9_]*=/.test(v)) {
        i++;
        continue;
      }
      if (skip > 0) {
        skip--;
        i++;
        continue;
      }
      break;
    }
    return analyze(words.slice(i), depth + 1);
  };
}

/** `sh -c 'script'`: the script's own commands. */
const shellProgram: Handler = (words, depth) => {
  const c = words.findIndex((w, i) => i > 0 && /^-[a-z]*c[a-z]*$/.test(w.value));
  const script = c > 0 ? words[c + 1] : undefined;
  if (!script) return [];
  return nestedScript(script, depth);
};

function nestedScript(script: Word, depth: number): Finding[] {
  let commands: Token[][];
  try {
    commands = shellCommands(script.value);
  } catch {
    return [];
  }
  // The script was one quoted word: offsets inside it are off by the opening quote.
  const base = script.offset + 1;
  return commands.flatMap((tokens) => analyze(tokens.map((t) => toWord(t, script.path, base)), depth + 1));
}

/** `watch [-n 5] cmd args` or `watch 'cmd args'`. */
const watch: Handler = (words, depth) => {
  const { pos } = positionals(words, 1, new Set(['-n', '--interval', '-q', '--equexit']), false);
  if (pos.length === 0) return [];
  const rest = words.slice(pos[0]!.index);
  return rest.length === 1 ? nestedScript(rest[0]!, depth) : analyze(rest, depth + 1);
};

// ---------------------------------------------------------------- kubectl

const KUBECTL_VALUE_FLAGS = new Set([
  '-n', '--namespace', '--context', '--cluster', '--user', '--kubeconfig', '-s', '--server', '--token', '--as', '--as-group', '--as-uid',
  '--certificate-authority', '--client-certificate', '--client-key', '--request-timeout', '--tls-server-name', '-v', '--v', '--vmodule',
  '--log-file', '--cache-dir', '--username', '--password', '--profile', '--profile-output', '-l', '--selector', '--field-selector', '-o',
  '--output', '-f', '--filename', '-c', '--container', '-p', '--patch', '--type', '--replicas', '--image', '--timeout', '-k', '--kustomize',
  '--current-replicas', '--resource-version', '--grace-period', '--for', '--field-manager', '--overrides', '--env', '--port', '--pod-running-timeout',
  '--to-revision', '--template', '-L', '--label-columns', '--sort-by', '--since', '--tail', '--min', '--max', '--cpu-percent', '--target',
]);

const KUBECTL_WRITE_VERBS = new Set([
  'delete', 'scale', 'patch', 'apply', 'create', 'replace', 'edit', 'drain', 'cordon', 'uncordon', 'taint', 'label', 'annotate', 'set',
  'autoscale', 'expose', 'run', 'cp', 'debug',
]);
const KUBECTL_ROLLOUT_WRITES = new Set(['restart', 'undo', 'pause', 'resume']);

const kubectl: Handler = (words, depth) => {
  const { pos, dashDash } = positionals(words, 1, KUBECTL_VALUE_FLAGS);
  const verb = pos[0];
  if (!verb) return [];
  const v = verb.word.value;
  const inner = dashDash > 0 ? words.slice(dashDash + 1) : [];
  const dryRun = words.some((w) => /^--dry-run(=(client|server|true))?$/.test(w.value));
  const findings: Finding[] = [];
  if (v === 'exec' || v === 'debug' || v === 'run') {
    // The command inside the pod; `kubectl exec POD cmd…` (no --) is the old form.
    const cmd = inner.length ? inner : v === 'exec' && pos.length > 2 ? words.slice(pos[2]!.index) : [];
    findings.push(...analyze(cmd, depth + 1).map((f) => (f.kind === 'mutation' ? { ...f, what: `${f.what} (inside kubectl ${v})` } : f)));
    if (v === 'exec') return findings;
  }
  if (dryRun) return findings;
  if (v === 'rollout') {
    const sub = pos[1]?.word.value;
    if (sub && KUBECTL_ROLLOUT_WRITES.has(sub)) findings.push(...mutation(`kubectl rollout ${sub}`, verb.word));
    return findings;
  }
  if (v === 'certificate' && (pos[1]?.word.value === 'approve' || pos[1]?.word.value === 'deny')) {
    return [...findings, ...mutation(`kubectl certificate ${pos[1].word.value}`, verb.word)];
  }
  if (v === 'apply' && pos[1]?.word.value === 'view-last-applied') return findings;
  if ((v === 'label' || v === 'annotate') && hasFlag(words, '--list')) return findings;
  if (KUBECTL_WRITE_VERBS.has(v)) findings.push(...mutation(`kubectl ${v}`, verb.word));
  return findings;
};

const helm: Handler = (words) => {
  const { pos } = positionals(words, 1, new Set(['-n', '--namespace', '--kube-context', '--kubeconfig', '-f', '--values', '--set', '--version', '--timeout']));
  const verb = pos[0];
  if (verb && ['install', 'upgrade', 'uninstall', 'delete', 'rollback', 'del', 'un'].includes(verb.word.value) && !hasFlag(words, '--dry-run')) {
    return mutation(`helm ${verb.word.value}`, verb.word);
  }
  return [];
};

/** `docker exec [opts] CONTAINER cmd…`; docker's own mutating verbs. */
const docker: Handler = (words, depth) => {
  const flags = new Set(['-e', '--env', '-u', '--user', '-w', '--workdir', '--env-file', '--detach-keys', '-H', '--host', '--context', '--config', '-l', '--log-level']);
  const { pos } = positionals(words, 1, flags, false);
  const verb = pos[0];
  if (!verb) return [];
  const v = verb.word.value;
  if (v === 'exec') {
    const sub = positionals(words, verb.index + 1, flags, false).pos;
    return sub.length > 1 ? analyze(words.slice(sub[1]!.index), depth + 1) : [];
  }
  if (['rm', 'rmi', 'stop', 'start', 'restart', 'kill', 'pause', 'unpause', 'update', 'run', 'create', 'prune'].includes(v)) {
    return mutation(`${programName(words[0]!.value)} ${v}`, verb.word);
  }
  return [];
};

const systemctl: Handler = (words) => {
  const { pos } = positionals(words, 1, new Set(['-H', '--host', '-M', '--machine', '-t', '--type', '-p', '--property', '--signal', '-s']));
  const verb = pos[0];
  const writes = ['start', 'stop', 'restart', 'reload', 'try-restart', 'reload-or-restart', 'enable', 'disable', 'kill', 'mask', 'unmask', 'isolate', 'daemon-reload', 'reset-failed', 'set-property', 'edit'];
  return verb && writes.includes(verb.word.value) ? mutation(`systemctl ${verb.word.value}`, verb.word) : [];
};

const plainWrite =
  (what?: string): Handler =>
  (words) =>
    mutation(what ?? programName(words[0]!.value), words[0]!);

// ---------------------------------------------------------------- redis

const REDIS_VALUE_FLAGS = new Set([
  '-h', '-p', '-s', '-a', '-u', '-r', '-i', '-n', '-d', '-D', '--user', '--pass', '--sni', '--cacert', '--cacertdir', '--cert', '--key',
  '--tls-ciphers', '--tls-ciphersuites', '--pattern', '--quoted-pattern', '--count', '--intrinsic-latency', '--rdb', '--functions-rdb',
  '--pipe-timeout', '--memkeys-samples', '--lru-test', '--cluster-replicas', '--cluster-only-masters',
]);

const REDIS_WRITES = new Set(
  (
    'DEL UNLINK FLUSHALL FLUSHDB SET SETEX PSETEX SETNX SETRANGE MSET MSETNX GETSET GETDEL GETEX APPEND INCR INCRBY INCRBYFLOAT DECR DECRBY ' +
    'EXPIRE PEXPIRE EXPIREAT PEXPIREAT PERSIST RENAME RENAMENX MOVE COPY RESTORE MIGRATE SWAPDB HSET HSETNX HMSET HDEL HINCRBY HINCRBYFLOAT ' +
    'HEXPIRE HPEXPIRE HEXPIREAT HPEXPIREAT HPERSIST HGETDEL HGETEX HSETEX LPUSH LPUSHX RPUSH RPUSHX LPOP RPOP LSET LREM LTRIM LINSERT LMOVE ' +
    'BLMOVE RPOPLPUSH BRPOPLPUSH BLPOP BRPOP LMPOP BLMPOP SADD SREM SPOP SMOVE SINTERSTORE SUNIONSTORE SDIFFSTORE ZADD ZREM ZINCRBY ZPOPMIN ' +
    'ZPOPMAX BZPOPMIN BZPOPMAX ZMPOP BZMPOP ZREMRANGEBYSCORE ZREMRANGEBYRANK ZREMRANGEBYLEX ZUNIONSTORE ZINTERSTORE ZDIFFSTORE ZRANGESTORE ' +
    'XADD XDEL XTRIM XACK XCLAIM XAUTOCLAIM XSETID PFADD PFMERGE SETBIT BITOP GEOADD PUBLISH SPUBLISH SHUTDOWN REPLICAOF SLAVEOF FAILOVER ' +
    'EVAL EVALSHA FCALL DEBUG'
  ).split(' '),
);
/** Commands that write only with one of these subcommands or arguments. */
const REDIS_SUBCOMMAND_WRITES: Record<string, string[]> = {
  CONFIG: ['SET', 'RESETSTAT', 'REWRITE'],
  CLIENT: ['KILL', 'PAUSE', 'UNPAUSE', 'NO-EVICT', 'NO-TOUCH'],
  CLUSTER: ['FAILOVER', 'RESET', 'FORGET', 'MEET', 'ADDSLOTS', 'ADDSLOTSRANGE', 'DELSLOTS', 'DELSLOTSRANGE', 'SETSLOT', 'REPLICATE', 'FLUSHSLOTS', 'SAVECONFIG', 'BUMPEPOCH', 'SET-CONFIG-EPOCH'],
  SCRIPT: ['FLUSH', 'KILL'],
  FUNCTION: ['DELETE', 'FLUSH', 'LOAD', 'RESTORE', 'KILL'],
  XGROUP: ['CREATE', 'DESTROY', 'SETID', 'DELCONSUMER', 'CREATECONSUMER'],
  ACL: ['SETUSER', 'DELUSER', 'LOAD', 'SAVE'],
  MEMORY: ['PURGE'],
  LATENCY: ['RESET'],
  SLOWLOG: ['RESET'],
  MODULE: ['LOAD', 'LOADEX', 'UNLOAD'],
};
const REDIS_STORE_ARGS: Record<string, string[]> = {
  SORT: ['STORE'],
  GEORADIUS: ['STORE', 'STOREDIST'],
  GEORADIUSBYMEMBER: ['STORE', 'STOREDIST'],
  BITFIELD: ['SET', 'INCRBY'],
};
const REDIS_CLUSTER_WRITES = new Set(['create', 'add-node', 'del-node', 'reshard', 'rebalance', 'fix', 'set-timeout', 'import', 'backup']);

const redisCli: Handler = (words) => {
  const findings: Finding[] = [];
  let i = 1;
  while (i < words.length) {
    const v = words[i]!.value;
    if (v === '--cluster') {
      const sub = words[i + 1];
      if (!sub) return findings;
      if (sub.value === 'call') {
        // --cluster call HOST:PORT COMMAND args…
        return [...findings, ...redisCommand(words.slice(i + 3))];
      }
      if (REDIS_CLUSTER_WRITES.has(sub.value)) findings.push(...mutation(`redis-cli --cluster ${sub.value}`, sub));
      return findings;
    }
    if (v === '--pipe') findings.push(...mutation('redis-cli --pipe', words[i]!));
    if (v === '--eval') {
      findings.push(...mutation('redis-cli --eval (a Lua script can write)', words[i]!));
      return findings;
    }
    if (v.startsWith('-') && v.length > 1) {
      i += !v.includes('=') && REDIS_VALUE_FLAGS.has(v) ? 2 : 1;
      continue;
    }
    break;
  }
  return [...findings, ...redisCommand(words.slice(i))];
};

/** A redis command and its arguments: `DEL key`, `config set x y`. */
function redisCommand(words: Word[]): Finding[] {
  const first = words[0];
  if (!first) return [];
  const name = first.value.toUpperCase();
  if (name === 'KEYS') return [{ kind: 'redis-keys', word: first }];
  const shown = (extra?: string) => `redis-cli ${extra ? `${first.value} ${extra}` : first.value}`;
  if (REDIS_WRITES.has(name)) return mutation(shown(), first);
  const subs = REDIS_SUBCOMMAND_WRITES[name];
  const sub = words[1]?.value;
  if (subs && sub && subs.includes(sub.toUpperCase())) return mutation(shown(sub), first);
  const stores = REDIS_STORE_ARGS[name];
  if (stores) {
    const hit = words.slice(1).find((w) => stores.includes(w.value.toUpperCase()));
    if (hit) return mutation(shown(hit.value), first);
  }
  return [];
}

// ---------------------------------------------------------------- kafka

function kafka(program: string, words: Word[]): Finding[] {
  const first = words[0]!;
  const flagWord = (...names: string[]) => words.find((w) => names.some((n) => w.value === n || w.value.startsWith(`${n}=`)));
  const say = (flags: string) => mutation(`${program} ${flags}`, first);
  switch (program) {
    case 'kafka-consumer-groups': {
      const reset = flagWord('--reset-offsets');
      if (reset && flagWord('--execute')) return mutation(`${program} --reset-offsets --execute`, reset);
      const del = flagWord('--delete', '--delete-offsets');
      return del ? mutation(`${program} ${del.value}`, del) : [];
    }
    case 'kafka-delete-records':
    case 'kafka-console-producer':
    case 'kafka-verifiable-producer':
    case 'kafka-producer-perf-test':
    case 'kafka-leader-election':
    case 'kafka-preferred-replica-election':
    case 'kafka-streams-application-reset':
      return mutation(program, first);
    case 'kafka-topics': {
      const w = flagWord('--create', '--delete', '--alter');
      return w ? mutation(`${program} ${w.value}`, w) : [];
    }
    case 'kafka-configs': {
      const w = flagWord('--alter', '--add-config', '--delete-config');
      return w ? mutation(`${program} ${w.value}`, w) : [];
    }
    case 'kafka-reassign-partitions': {
      const w = flagWord('--execute', '--cancel');
      return w ? mutation(`${program} ${w.value}`, w) : [];
    }
    case 'kafka-acls': {
      const w = flagWord('--add', '--remove');
      return w ? mutation(`${program} ${w.value}`, w) : [];
    }
    case 'kafka-storage':
      return words.some((w) => w.value === 'format') ? say('format') : [];
    default:
      return [];
  }
}

const kcat: Handler = (words) => {
  const p = words.find((w) => w.value === '-P');
  return p ? mutation(`${programName(words[0]!.value)} -P (produce)`, p) : [];
};

// ---------------------------------------------------------------- HTTP

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const CURL_SHORT_WITH_VALUE = new Set('AbcCdDeEFHKmoPQrTtuUwxXyYz'.split(''));
const CURL_DATA = new Set(['--data', '--data-raw', '--data-binary', '--data-urlencode', '--data-ascii', '--json', '--form', '--form-string']);
const CURL_LONG_WITH_VALUE = new Set([
  ...CURL_DATA, '--request', '-X', '--upload-file', '--header', '--output', '--user', '--url', '--max-time', '--connect-timeout', '--cacert',
  '--cert', '--key', '--proxy', '--resolve', '--write-out', '--user-agent', '--cookie', '--retry', '--config', '--referer', '--oauth2-bearer',
]);

const curl: Handler = (words) => {
  let method: { value: string; word: Word } | undefined;
  let implied: { value: string; word: Word } | undefined;
  let get = false;
  const take = (flag: string, value: Word | undefined, word: Word) => {
    if (flag === 'X' || flag === '--request') {
      if (value) method = { value: value.value.toUpperCase(), word: value };
    } else if (flag === 'd' || flag === 'F' || CURL_DATA.has(flag)) implied ??= { value: 'POST', word };
    else if (flag === 'T' || flag === '--upload-file') implied ??= { value: 'PUT', word };
  };
  for (let i = 1; i < words.length; i++) {
    const w = words[i]!;
    const v = w.value;
    if (v.startsWith('--')) {
      const eq = v.indexOf('=');
      const flag = eq > 0 ? v.slice(0, eq) : v;
      if (flag === '--get') get = true;
      else if (flag === '--head') get = true;
      const hasValue = CURL_LONG_WITH_VALUE.has(flag);
      const value = eq > 0 ? { ...w, value: v.slice(eq + 1) } : hasValue ? words[i + 1] : undefined;
      take(flag, value, w);
      if (hasValue && eq < 0) i++;
      continue;
    }
    if (v.startsWith('-') && v.length > 1) {
      for (let k = 1; k < v.length; k++) {
        const c = v[k]!;
        if (c === 'G' || c === 'I') get = true;
        if (CURL_SHORT_WITH_VALUE.has(c)) {
          const rest = v.slice(k + 1);
          const value = rest ? { ...w, value: rest } : words[i + 1];
          take(c, value, w);
          if (!rest) i++;
          break;
        }
      }
    }
  }
  if (method && !method.value.includes('${{')) {
    return WRITE_METHODS.has(method.value) ? mutation(`curl -X ${method.value}`, method.word) : [];
  }
  if (implied && !get) return mutation(`curl ${implied.word.value.split('=')[0]} (an implied ${implied.value})`, implied.word);
  return [];
};

const HTTPIE_VALUE_FLAGS = new Set([
  '-a', '--auth', '-A', '--auth-type', '-o', '--output', '--session', '--session-read-only', '--verify', '--cert', '--cert-key', '--timeout',
  '--proxy', '-p', '--print', '--pretty', '-s', '--style', '--default-scheme', '--max-redirects', '--boundary', '--raw', '--format-options',
  '--response-charset', '--response-mime', '--ssl', '--ciphers', '--max-headers',
]);
const HTTP_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'PATCH', 'DELETE', 'TRACE', 'CONNECT']);

/** httpie / xh: `http [METHOD] URL [items]`; data items imply POST. */
const httpie: Handler = (words) => {
  const { pos } = positionals(words, 1, HTTPIE_VALUE_FLAGS, false);
  if (pos.length === 0) return [];
  const first = pos[0]!;
  const explicit = pos.length > 1 && HTTP_METHODS.has(first.word.value.toUpperCase()) ? first : undefined;
  if (explicit) {
    const m = explicit.word.value.toUpperCase();
    return WRITE_METHODS.has(m) ? mutation(`${programName(words[0]!.value)} ${m}`, explicit.word) : [];
  }
  const items = pos.slice(1);
  const data = items.find((p) => {
    const sep = /^(?:\\.|[^:=@\\])*?(==|:=@|:=|=@|=|@|:)/.exec(p.word.value)?.[1];
    return sep !== undefined && sep !== '==' && sep !== ':';
  });
  if (data || hasFlag(words, '--raw')) {
    return mutation(`${programName(words[0]!.value)} with data (an implied POST)`, (data ?? first).word);
  }
  return [];
};

const wget: Handler = (words) => {
  let method: Word | undefined;
  let data: Word | undefined;
  for (let i = 1; i < words.length; i++) {
    const v = words[i]!.value;
    if (v === '--method') method = words[i + 1] && { ...words[i + 1]! };
    else if (v.startsWith('--method=')) method = { ...words[i]!, value: v.slice('--method='.length) };
    else if (/^--(post|body)-(data|file)(=|$)/.test(v)) data ??= words[i]!;
  }
  if (method) {
    const m = method.value.toUpperCase();
    return WRITE_METHODS.has(m) ? mutation(`wget --method=${m}`, method) : [];
  }
  return data ? mutation(`wget ${data.value.split('=')[0]} (an implied POST)`, data) : [];
};

// ---------------------------------------------------------------- SQL and Mongo

/** The first statement keyword that changes something, or undefined. */
export function sqlMutation(sql: string): string | undefined {
  const clean = sql
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/(--|#)[^\n]*/g, ' ')
    .replace(/'(?:[^'\\]|\\.|'')*'|"(?:[^"\\]|\\.)*"|`[^`]*`/g, "''");
  const functions = /\b(pg_terminate_backend|pg_cancel_backend|pg_reload_conf|pg_promote|pg_rotate_logfile|pg_switch_wal)\s*\(/i.exec(clean);
  if (functions) return functions[1]!.toLowerCase();
  for (const raw of clean.split(';')) {
    const s = raw.trim().replace(/\s+/g, ' ').toUpperCase();
    if (!s) continue;
    const m =
      /^(KILL|DROP|DELETE|UPDATE|INSERT|REPLACE|TRUNCATE|ALTER|CREATE|RENAME|GRANT|REVOKE|PURGE|FLUSH|LOCK|OPTIMIZE|REPAIR|INSTALL|UNINSTALL|VACUUM|REINDEX|CLUSTER|CALL|MERGE|UPSERT|IMPORT|DISCARD)\b/.exec(s) ??
      /^((?:STOP|START) (?:REPLICA|SLAVE|GROUP_REPLICATION)|CHANGE (?:MASTER|REPLICATION SOURCE|REPLICATION FILTER)|RESET (?:MASTER|REPLICA|SLAVE|BINARY LOGS)|SET (?:GLOBAL|PERSIST|PERSIST_ONLY)\b|SET @@(?:GLOBAL|PERSIST)|LOAD DATA|COPY \S+(?: \([^)]*\))? FROM)/.exec(s) ??
      (/^WITH\b/.test(s) ? /\b(DELETE|UPDATE|INSERT)\b/.exec(s) : null);
    if (m) return m[1]!.replace(/\s+/g, ' ');
  }
  return undefined;
}

/** `mysql … -e SQL` / `psql … -c SQL`: where the SQL is. */
function sqlClient(shortFlag: string, longFlag: string): Handler {
  return (words) => {
    const findings: Finding[] = [];
    for (let i = 1; i < words.length; i++) {
      const w = words[i]!;
      let sql: Word | undefined;
      if (w.value === shortFlag || w.value === longFlag) sql = words[i + 1];
      else if (w.value.startsWith(`${longFlag}=`)) sql = { ...w, value: w.value.slice(longFlag.length + 1) };
      else if (w.value.startsWith(shortFlag) && !w.value.startsWith('--') && w.value.length > 2) sql = { ...w, value: w.value.slice(2) };
      if (!sql) continue;
      const what = sqlMutation(sql.value);
      if (what) findings.push(...mutation(`${programName(words[0]!.value)} ${what}`, sql));
    }
    return findings;
  };
}

const mysqladmin: Handler = (words) => {
  const writes = /^(kill|shutdown|drop|create|flush-\S+|refresh|reload|password|start-(replica|slave)|stop-(replica|slave)|debug)$/;
  const hit = words.slice(1).find((w) => !w.value.startsWith('-') && writes.test(w.value));
  return hit ? mutation(`mysqladmin ${hit.value}`, hit) : [];
};

const MONGO_WRITE = /\b(insert\w*|update\w*|delete\w*|drop\w*|replace\w*|remove|findOneAnd\w+|findAndModify|bulkWrite|createIndex(?:es)?|createCollection|renameCollection|shutdownServer|killOp|stepDown|reconfig|setParameter)\s*\(/;

const mongosh: Handler = (words) => {
  for (let i = 1; i < words.length; i++) {
    const w = words[i]!;
    const script = w.value === '--eval' ? words[i + 1] : w.value.startsWith('--eval=') ? { ...w, value: w.value.slice(7) } : undefined;
    const m = script && MONGO_WRITE.exec(script.value);
    if (m) return mutation(`${programName(words[0]!.value)} --eval ${m[1]}()`, script!);
  }
  return [];
};

const PROGRAMS: Record<string, Handler> = {
  kubectl,
  oc: kubectl,
  helm,
  docker,
  podman,
  'redis-cli': redisCli,
  'valkey-cli': redisCli,
  kcat,
  kafkacat: kcat,
  curl,
  http: httpie,
  https: httpie,
  xh: httpie,
  xhs: httpie,
  wget,
  mysql: sqlClient('-e', '--execute'),
  mariadb: sqlClient('-e', '--execute'),
  psql: sqlClient('-c', '--command'),
  mysqladmin,
  mongosh,
  mongo: mongosh,
  systemctl,
  kill: plainWrite(),
  pkill: plainWrite(),
  killall: plainWrite(),
  rm: plainWrite(),
  shred: plainWrite(),
  sudo: wrapper(['-u', '--user', '-g', '--group', '-C', '-h', '--host', '-p', '--prompt', '-r', '-t', '-D', '--chdir']),
  doas: wrapper(['-u', '-C']),
  env: wrapper(['-u', '--unset', '-C', '--chdir', '-S'], { assignments: true }),
  timeout: wrapper(['-s', '--signal', '-k', '--kill-after'], { skipPositionals: 1 }),
  nice: wrapper(['-n', '--adjustment']),
  nohup: wrapper([]),
  time: wrapper(['-f', '--format', '-o', '--output']),
  command: wrapper([]),
  exec: wrapper(['-a']),
  stdbuf: wrapper(['-i', '-o', '-e']),
  xargs: wrapper(['-n', '--max-args', '-I', '-i', '-L', '-l', '-P', '--max-procs', '-d', '--delimiter', '-s', '--max-chars', '-E', '-e', '-a', '--arg-file']),
  watch,
  sh: shellProgram,
  bash: shellProgram,
  dash: shellProgram,
  zsh: shellProgram,
  ash: shellProgram,
  ksh: shellProgram,
};

function podman(words: Word[], depth: number): Finding[] {
  return docker(words, depth);
}

/** What a command about to run changes ("runs \"kubectl delete\""), judged on
 *  the rendered argv or script rather than the template; undefined for a read.
 *  The engine uses it so a value cannot turn a read step into an unapproved write. */
export function renderedMutation(cmd: { file: string; args: string[]; shell: boolean; display: string }): string | undefined {
  const toWords = (values: string[]): Word[] => values.map((value) => ({ value, path: [], offset: 0 }));
  let commands: Word[][];
  try {
    commands = cmd.shell ? shellCommands(cmd.display).map((c) => toWords(c.map((t) => t.value))) : [toWords([cmd.file, ...cmd.args])];
  } catch {
    return undefined;
  }
  for (const words of commands) {
    const found = analyze(words).find((f) => f.kind === 'mutation');
    if (found?.kind === 'mutation') return `runs "${found.what}"`;
  }
  return undefined;
}
