// oncall serve: parse the flags, load the catalog, take the claims store
// (memory, or Redis with --redis), listen, and stop gracefully on SIGTERM.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { journalDir } from '../engine/journal.js';
import { runbooksDir } from '../runbook/registry.js';
import { parseDuration } from '../shared/duration.js';
import { isLoopback } from '../serve/auth.js';
import { MemoryClaims, RedisClaims, type Claims, type ClaimTimes } from '../serve/dedupe.js';
import { ServeServer } from '../serve/server.js';
import { ProcessTriager } from '../serve/triager.js';
import { loadAll } from './catalog-loader.js';
import { CliError, EXIT } from './exit-codes.js';
import { printError } from './output.js';

export interface ServeOpts {
  runbooks?: string;
  listen?: string;
  tokenFile?: string;
  webhookUrlFile?: string;
  chatType?: 'slack' | 'webhook';
  concurrency?: string;
  queueSize?: string;
  dedupeWindow?: string;
  claimTtl?: string;
  grace?: string;
  redis?: string;
  redisPrefix?: string;
  journalDir?: string;
}

export function parseListen(text: string): { host: string; port: number } {
  const m = /^(?:\[([0-9a-fA-F:]+)\]|([^:]+)):(\d{1,5})$/.exec(text);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new CliError(`--listen ${text}: expected HOST:PORT, e.g. 127.0.0.1:9095`, EXIT.usage);
  return { host: m[1] ?? m[2]!, port };
}

function positive(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new CliError(`${flag} ${text}: expected a whole number ≥ 1`, EXIT.usage);
  return n;
}

function duration(flag: string, text: string): number {
  try {
    return parseDuration(text);
  } catch (e) {
    throw new CliError(`${flag}: ${(e as Error).message}`, EXIT.usage);
  }
}

function secretFile(flag: string, file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch (e) {
    throw new CliError(`${flag} ${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, EXIT.usage);
  }
  if (!text) throw new CliError(`${flag} ${file}: the file is empty`, EXIT.usage);
  return text;
}

export async function serveCommand(opts: ServeOpts): Promise<void> {
  const { host, port } = parseListen(opts.listen ?? '127.0.0.1:9095');
  const token = opts.tokenFile ? secretFile('--token-file', opts.tokenFile) : process.env.ONCALL_SERVE_TOKEN || undefined;
  if (!token && !isLoopback(host)) throw new CliError(`--listen ${host}: a non-loopback address needs a bearer token (--token-file FILE)`, EXIT.usage);
  const webhook = opts.webhookUrlFile ? secretFile('--webhook-url-file', opts.webhookUrlFile) : process.env.ONCALL_SERVE_WEBHOOK_URL || undefined;
  if (webhook && !/^https?:\/\//.test(webhook)) throw new CliError('the chat webhook URL must start with http:// or https://', EXIT.usage);
  const times: ClaimTimes = { windowMs: duration('--dedupe-window', opts.dedupeWindow ?? '15m'), runningMs: duration('--claim-ttl', opts.claimTtl ?? '10m') };
  const concurrency = positive('--concurrency', opts.concurrency ?? '2');
  const queueSize = positive('--queue-size', opts.queueSize ?? '100');
  const graceMs = duration('--grace', opts.grace ?? '25s');
  const dir = runbooksDir(opts.runbooks);
  const { runbooks, invalid } = loadAll(dir);
  for (const f of invalid) printError(`note: skipping invalid runbook ${f.file}`);
  if (!runbooks.length) throw new CliError(`no valid runbooks in ${dir}`, EXIT.usage);

  let claims: Claims;
  if (opts.redis) {
    try {
      claims = await RedisClaims.connect(opts.redis, opts.redisPrefix ?? 'oncall:serve:claim:', times);
    } catch (e) {
      throw new CliError(`--redis: cannot connect (${(e as Error).message.split('\n')[0]})`, EXIT.usage);
    }
  } else claims = new MemoryClaims(times);

  const server = new ServeServer({
    host,
    port,
    ...(token ? { token } : {}),
    concurrency,
    queueSize,
    claims,
    catalog: runbooks,
    ...(opts.runbooks ? { commandOptions: { runbooks: resolve(opts.runbooks) } } : {}),
    ...(webhook ? { chat: { url: webhook, type: opts.chatType ?? 'slack' } } : {}),
    runbooksDir: dir,
    stateDir: journalDir(opts.journalDir),
    triager: new ProcessTriager({ runbooksDir: dir, stateDir: journalDir(opts.journalDir) }, concurrency),
  });
  for (const problem of await server.warm()) printError(`note: ${problem}`);
  let address;
  try {
    address = await server.listen();
  } catch (e) {
    await claims.close();
    throw new CliError(`cannot listen on ${host}:${port}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, EXIT.usage);
  }
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  process.stderr.write(`oncall serve: listening on http://${shown}:${address.port} (${runbooks.length} runbooks, ${opts.redis ? 'claims in Redis' : 'claims in memory'}${token ? ', bearer token required' : ''})\n`);

  await new Promise<void>((done) => {
    let signals = 0;
    const onSignal = (signal: NodeJS.Signals): void => {
      signals++;
      if (signals > 1) process.exit(EXIT.interrupted);
      process.stderr.write(`oncall serve: ${signal}: finishing the running triages (up to ${opts.grace ?? '25s'})\n`);
      void server.stop(graceMs).then(done, done);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
  process.stderr.write('oncall serve: stopped\n');
  process.exit(EXIT.ok);
}
