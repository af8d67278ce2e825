// redis.config: read and change server settings with CONFIG GET / SET /
// REWRITE through the client rather than redis-cli, which exits 0 even when
// the server answered NOAUTH or ERR. A set counts as done only when CONFIG GET
// reads back the value that was asked for.
import { withRedis, type RedisClient, type RedisTarget } from '../../integrations/redis.js';
import type { Effect, Plan, StepType } from '../types.js';
import { StepError } from '../types.js';
import { urlProperty } from './common.js';
import { describeConfigValue, sameConfigValue, shortConfigValue, shownValue } from './config-values.js';
import { parseInfo } from './info.js';

export interface RedisConfigInput {
  url?: string;
  /** Parameters to set: { maxmemory: "6gb", maxmemory-policy: allkeys-lru }. */
  set?: Record<string, string | number | boolean>;
  /** Parameters (or CONFIG GET globs) to read. */
  get?: string | string[];
  /** CONFIG REWRITE: persist the running configuration to the server's config file. */
  rewrite?: boolean | string;
}

export interface ConfigChange {
  name: string;
  before: string;
  requested: string;
  /** What CONFIG GET reported after the set. */
  after: string;
  /** `after` means `requested` (units and case normalised as Redis does). */
  matches: boolean;
}

export interface RedisConfigResult {
  /** Every parameter read, as the server reports it (after the set, for set parameters). */
  values: Record<string, string>;
  /** One entry per `set` parameter. */
  parameters: ConfigChange[];
  /** With `rewrite`: whether CONFIG REWRITE ran (false when a read-back mismatch held it back). */
  rewritten?: boolean;
  /** With `rewrite`: the server's config file (INFO server), null when it runs without one. */
  configFile?: string | null;
}

/** A parameter name as CONFIG SET takes it (no glob characters). */
const NAME = /^[A-Za-z0-9][A-Za-z0-9-]*$/;
/** A CONFIG GET argument: a name or a glob. */
const PATTERN = /^\S+$/;
const GLOB = /[*?[]/;

interface Checked {
  set: Array<[name: string, value: string]>;
  get: string[];
  rewrite: boolean;
}

function configValue(name: string, value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw new StepError(`input "set.${name}" must be a string, a number or a boolean, got ${JSON.stringify(value)}`, 'bad-input');
}

function rewriteInput(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === 'false') return false;
  if (value === true || value === 'true') return true;
  throw new StepError(`input "rewrite" must be true or false, got ${JSON.stringify(value)}`, 'bad-input');
}

function check(input: RedisConfigInput): Checked {
  const set: Checked['set'] = [];
  if (input.set !== undefined) {
    if (!input.set || typeof input.set !== 'object' || Array.isArray(input.set) || Object.keys(input.set).length === 0) {
      throw new StepError('input "set" must map parameter names to values, e.g. { maxmemory: 6gb }', 'bad-input');
    }
    for (const [raw, value] of Object.entries(input.set)) {
      if (!NAME.test(raw)) throw new StepError(`input "set": "${raw}" is not a config parameter name`, 'bad-input');
      const name = raw.toLowerCase();
      if (set.some(([n]) => n === name)) throw new StepError(`input "set" names "${name}" twice`, 'bad-input');
      set.push([name, configValue(name, value)]);
    }
  }
  const rawGet = input.get === undefined ? [] : Array.isArray(input.get) ? input.get : [input.get];
  const get = rawGet.map((g) => {
    if (typeof g !== 'string' || !PATTERN.test(g)) throw new StepError(`input "get" must list parameter names or globs, got ${JSON.stringify(g)}`, 'bad-input');
    return g.toLowerCase();
  });
  const rewrite = rewriteInput(input.rewrite);
  if (set.length === 0 && get.length === 0 && !rewrite) {
    throw new StepError('redis.config needs "set", "get" or "rewrite: true"', 'bad-input');
  }
  return { set, get, rewrite };
}

/** set or rewrite change the server; get alone only reads. Interpolated values count as given. */
export function redisConfigEffect(input: RedisConfigInput): Effect {
  const r = input.rewrite;
  return input.set !== undefined || (r !== undefined && r !== null && r !== false && r !== 'false') ? 'write' : 'read';
}

// ── talking to the server ──────────────────────────────────────────────────

type Pairs = Array<[string, string]>;

async function configGet(client: RedisClient, pattern: string): Promise<Pairs> {
  const reply = await client.call('CONFIG', 'GET', pattern);
  const flat = Array.isArray(reply) ? reply.map(String) : [];
  const pairs: Pairs = [];
  for (let i = 0; i + 1 < flat.length; i += 2) pairs.push([flat[i]!, flat[i + 1]!]);
  return pairs;
}

/** The value of one parameter; an unknown name fails (a typo must not pass as "no value"). */
async function currentValue(client: RedisClient, target: RedisTarget, name: string): Promise<string> {
  const pairs = await configGet(client, name);
  // An alias (slaveof/replicaof) may be reported under its own name.
  const hit = pairs.find(([n]) => n.toLowerCase() === name) ?? (pairs.length === 1 ? pairs[0] : undefined);
  if (!hit) throw new StepError(`redis at ${target.redacted}: unknown config parameter "${name}" (CONFIG GET returned nothing)`, 'bad-input');
  return hit[1];
}

interface ServerInfo {
  major: number;
  configFile: string | null;
}

async function serverInfo(client: RedisClient): Promise<ServerInfo> {
  const fields = parseInfo(String(await client.call('INFO', 'server')));
  return { major: Number.parseInt(fields.get('redis_version') ?? '0', 10) || 0, configFile: fields.get('config_file')?.trim() || null };
}

function replyText(err: unknown): string | undefined {
  const e = err as { name?: string; message?: string };
  // Credentials problems are worded by withRedis, like any other step's.
  if (e?.name !== 'ReplyError' || /^(NOAUTH|WRONGPASS)/.test(e.message ?? '')) return undefined;
  return (e.message ?? '').split('\n')[0]!.trim();
}

const shownPair = ([name, value]: [string, string]) => `${name} ${shownValue(name, value)}`;

/** After a failed CONFIG SET: what the server holds now, read back rather than presumed. */
async function afterFailure(client: RedisClient, target: RedisTarget, set: Checked['set'], before: Map<string, string>): Promise<string> {
  try {
    const moved: string[] = [];
    for (const [name] of set) {
      const now = await currentValue(client, target, name);
      const was = before.get(name)!;
      if (now !== was) moved.push(`${name} ${shortConfigValue(name, was)} → ${shortConfigValue(name, now)}`);
    }
    return moved.length ? `changed before the failure (read back): ${moved.join(', ')}` : 'nothing changed (read back)';
  } catch {
    return 'the values could not be read back';
  }
}

/**
 * CONFIG SET: from Redis 7 one call with every pair, which the server applies
 * all or nothing; before that one call per parameter, in order.
 */
export async function applySettings(client: RedisClient, target: RedisTarget, set: Checked['set'], before: Map<string, string>, atomic: boolean): Promise<void> {
  const calls = atomic ? [set] : set.map((pair) => [pair]);
  for (const pairs of calls) {
    try {
      await client.call('CONFIG', 'SET', ...pairs.flat());
    } catch (err) {
      const reply = replyText(err);
      if (reply === undefined) throw err;
      const state = await afterFailure(client, target, set, before);
      throw new StepError(`redis at ${target.redacted}: CONFIG SET ${pairs.map(shownPair).join(' ')} failed: ${reply}; ${state}`, 'redis-reply');
    }
  }
}

async function rewriteConfig(client: RedisClient, target: RedisTarget, changes: ConfigChange[]): Promise<void> {
  try {
    await client.call('CONFIG', 'REWRITE');
  } catch (err) {
    const reply = replyText(err);
    if (reply === undefined) throw err;
    const live = changes.length ? `; ${changes.map((c) => `${c.name} ${shortConfigValue(c.name, c.after)}`).join(', ')} is live but not persisted` : '';
    throw new StepError(`redis at ${target.redacted}: CONFIG REWRITE failed: ${reply}${live}`, 'redis-reply');
  }
}

/** The `get` parameters, by name; an exact name that matches nothing fails. */
async function readValues(client: RedisClient, target: RedisTarget, get: string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const pattern of get) {
    if (!GLOB.test(pattern)) {
      out[pattern] = await currentValue(client, target, pattern);
      continue;
    }
    for (const [name, value] of await configGet(client, pattern)) out[name] = value;
  }
  return out;
}

// ── words ──────────────────────────────────────────────────────────────────

function changeWords(c: Pick<ConfigChange, 'name' | 'before' | 'after'>): string {
  const after = shortConfigValue(c.name, c.after);
  return sameConfigValue(c.name, c.before, c.after) ? `${c.name} already ${after}` : `${c.name} ${shortConfigValue(c.name, c.before)} → ${after}`;
}

function valuesWords(values: Record<string, string>, patterns: string[]): string {
  const names = Object.keys(values).sort();
  if (names.length === 0) return `no config parameter matches ${patterns.join(', ')}`;
  const shown = names.slice(0, 6).map((n) => `${n} = ${shortConfigValue(n, values[n]!)}`);
  return shown.join(', ') + (names.length > shown.length ? ` and ${names.length - shown.length} more` : '');
}

function sortedShown(values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.keys(values)
      .sort()
      .map((n) => [n, shownValue(n, values[n]!)]),
  );
}

export const redisConfig: StepType<RedisConfigInput, RedisConfigResult> = {
  name: 'redis.config',
  description: 'CONFIG GET / SET / REWRITE: a set is read back and fails when the server reports another value; get alone is a read.',
  // Any input that sets or rewrites is a write (see effectOf); a read needs `get` alone.
  effect: 'write',
  effectOf: redisConfigEffect,
  inputSchema: {
    type: 'object',
    additionalProperties: false,
    anyOf: [{ required: ['set'] }, { required: ['get'] }, { required: ['rewrite'] }],
    properties: {
      url: urlProperty,
      set: {
        type: 'object',
        description: 'CONFIG SET: parameter → value (memory as 6gb, 100mb or bytes); read back after the set',
        minProperties: 1,
        propertyNames: { pattern: NAME.source },
        additionalProperties: { type: ['string', 'number', 'boolean'] },
      },
      get: {
        description: 'CONFIG GET: parameter names or globs (maxmemory*)',
        oneOf: [
          { type: 'string', pattern: PATTERN.source },
          { type: 'array', items: { type: 'string', pattern: PATTERN.source }, minItems: 1 },
        ],
      },
      rewrite: { type: 'boolean', description: "CONFIG REWRITE: persist the running configuration in the server's config file" },
    },
  },
  // Secret parameters' values (requirepass…) are *** here too.
  resultSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['values', 'parameters'],
    properties: {
      values: {
        type: 'object',
        additionalProperties: { type: 'string' },
        description: 'Every parameter read, as the server reports it (after the set, for set parameters).',
      },
      parameters: {
        type: 'array',
        description: 'One entry per `set` parameter.',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['name', 'before', 'requested', 'after', 'matches'],
          properties: {
            name: { type: 'string' },
            before: { type: 'string' },
            requested: { type: 'string' },
            after: { type: 'string', description: 'What CONFIG GET reported after the set.' },
            matches: { type: 'boolean', description: '`after` means `requested` (units and case normalised as Redis does).' },
          },
        },
      },
      rewritten: { type: 'boolean', description: 'With rewrite: whether CONFIG REWRITE ran.' },
      configFile: { type: ['string', 'null'], description: "With rewrite: the server's config file, null when it has none." },
    },
  },

  async plan(ctx, input): Promise<Plan> {
    const c = check(input);
    return withRedis(ctx, input.url, async ({ client, target }) => {
      const server = c.rewrite ? await serverInfo(client) : undefined;
      const phrases: string[] = [];
      const details: string[] = [];
      const changing: string[] = [];
      const keeping: string[] = [];
      for (const [name, requested] of c.set) {
        const before = await currentValue(client, target, name);
        if (sameConfigValue(name, requested, before)) {
          keeping.push(`${name} at ${shortConfigValue(name, before)}`);
          details.push(`${name}: ${describeConfigValue(name, before)}, already set`);
        } else {
          changing.push(`${name} ${shortConfigValue(name, before)} → ${shortConfigValue(name, requested)}`);
          details.push(`${name}: ${describeConfigValue(name, before)} → ${describeConfigValue(name, requested)}`);
        }
      }
      if (changing.length) phrases.push(`set ${changing.join(', ')}`);
      if (keeping.length) phrases.push(`leave ${keeping.join(', ')} (already set)`);
      if (server) {
        if (server.configFile) {
          phrases.push(`rewrite the config file ${server.configFile}`);
          details.push(`config file: ${server.configFile}`);
        } else {
          phrases.push('rewrite the config file, but the server runs without one: CONFIG REWRITE will fail');
          details.push('config file: none (the server was started without one)');
        }
      }
      const summary = phrases.length ? `would ${phrases.join(', then ')}` : `would only read ${c.get.join(', ')}`;
      return { summary, target: target.redacted, details };
    });
  },

  async run(ctx, input) {
    const c = check(input);
    return withRedis(ctx, input.url, async ({ client, target }) => {
      const server = c.set.length || c.rewrite ? await serverInfo(client) : undefined;
      const before = new Map<string, string>();
      for (const [name] of c.set) before.set(name, await currentValue(client, target, name));
      if (c.set.length) {
        // A misspelt `get` name must fail before anything is changed, not after.
        await readValues(client, target, c.get);
        await applySettings(client, target, c.set, before, server!.major >= 7);
      }

      const changes: ConfigChange[] = [];
      for (const [name, requested] of c.set) {
        const after = await currentValue(client, target, name);
        changes.push({ name, before: before.get(name)!, requested, after, matches: sameConfigValue(name, requested, after) });
      }
      const mismatched = changes.filter((ch) => !ch.matches);
      let rewritten: boolean | undefined;
      if (c.rewrite) {
        rewritten = mismatched.length === 0;
        if (rewritten) await rewriteConfig(client, target, changes);
      }
      const read = await readValues(client, target, c.get);
      const values = { ...read, ...Object.fromEntries(changes.map((ch) => [ch.name, ch.after])) };

      const words: string[] = [];
      if (mismatched.length) {
        words.push(
          ...mismatched.map(
            (m) => `read-back mismatch: ${m.name} is ${shortConfigValue(m.name, m.after)} after CONFIG SET ${m.name} ${shownValue(m.name, m.requested)} (was ${shortConfigValue(m.name, m.before)})`,
          ),
        );
        if (c.rewrite) words.push('CONFIG REWRITE not run');
      } else if (changes.length) {
        words.push(`${changes.map(changeWords).join(', ')} (read back)`);
      }
      if (rewritten) words.push(`config file ${server!.configFile ?? '(unknown)'} rewritten`);
      if (c.get.length) words.push(valuesWords(read, c.get));

      const result: RedisConfigResult = {
        values: sortedShown(values),
        parameters: changes.map((ch) => ({ ...ch, before: shownValue(ch.name, ch.before), requested: shownValue(ch.name, ch.requested), after: shownValue(ch.name, ch.after) })),
        ...(c.rewrite ? { rewritten: !!rewritten, configFile: server!.configFile } : {}),
      };
      return { ok: mismatched.length === 0, result, summary: words.join('; ') };
    });
  },
  judge: (_input, result) => (result.parameters ?? []).every((p) => p.matches !== false),
};
