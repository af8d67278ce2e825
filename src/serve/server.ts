// `oncall serve`: an Alertmanager webhook receiver. A request is answered as
// soon as its alerts are claimed and queued (never after a triage); the
// triages run off a bounded queue and post their verdict to the chat webhook.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AlertInputError, parseAlertInput, type IncomingAlert } from '../alerts/payload.js';
import { matchAlerts, type MatchedRunbook } from '../alerts/resolve.js';
import { topMatches, type CatalogEntry } from '../alerts/match.js';
import type { RunCommandOptions } from '../alerts/command.js';
import { maskWebhookUrl, sendPost } from '../steps/message-post.js';
import { bearerMatches } from './auth.js';
import type { Claims } from './dedupe.js';
import { ServeMetrics } from './metrics.js';
import { BoundedQueue, type Reservation } from './queue.js';
import { lintOnce, triageTarget, type TriageSetup, type TriageTarget } from './triage.js';
import { InlineTriager, type Triager } from './triager.js';
import { verdictText, type Verdict } from './verdict.js';

export const BODY_LIMIT = 1024 * 1024;

export interface ServeConfig extends TriageSetup {
  host: string;
  port: number;
  /** Required from every POST when set. */
  token?: string;
  concurrency: number;
  queueSize: number;
  claims: Claims;
  catalog: readonly CatalogEntry[];
  /** How the printed `oncall run` command names the runbook directory. */
  commandOptions?: RunCommandOptions;
  chat?: { url: string; type: 'slack' | 'webhook'; timeoutMs?: number };
  /** Seconds a 503 asks Alertmanager to wait. */
  retryAfterS?: number;
  log?: (line: string) => void;
  /** Called with each verdict once it is posted (or not). */
  onVerdict?: (v: Verdict, posted: string) => void;
  /** Where triages run; default inline, on this event loop (the CLI gives them processes of their own). */
  triager?: Triager;
}

export class ServeServer {
  readonly metrics: ServeMetrics;
  private readonly queue: BoundedQueue;
  private readonly server: http.Server;
  private readonly triager: Triager;
  private readonly pending = new Map<() => Promise<void>, string>();
  /** Claims of requests already answered, still on their way. */
  private readonly claiming = new Set<Promise<void>>();
  private stopping = false;

  constructor(private readonly c: ServeConfig) {
    this.queue = new BoundedQueue(c.concurrency, c.queueSize);
    this.triager = c.triager ?? new InlineTriager(c);
    this.metrics = new ServeMetrics(() => this.queue.depth, () => this.queue.running, () => c.claims.errors);
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.requestTimeout = 10_000;
    this.server.headersTimeout = 5_000;
  }

  /** Lints every runbook of the catalog now and starts the triager, so the first
   *  alert does not pay for it; returns the runbooks that fail (their alerts get
   *  a verdict saying so). */
  async warm(): Promise<string[]> {
    await this.triager.warm();
    const failing: string[] = [];
    for (const { runbook, file } of this.c.catalog) {
      if (!file) continue;
      try {
        await lintOnce(file, readFileSync(file, 'utf8'));
      } catch (e) {
        failing.push(`${runbook.id}: ${(e as Error).message.split('\n')[0]}`);
      }
    }
    return failing;
  }

  async listen(): Promise<AddressInfo> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.c.port, this.c.host, () => resolve());
    });
    return this.server.address() as AddressInfo;
  }

  /** No new requests; queued triages released to the next delivery; running ones
   *  get `graceMs` to finish, then are interrupted (their journals say so). */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    const closed = new Promise<void>((r) => this.server.close(() => r()));
    this.server.closeIdleConnections();
    await Promise.all(this.claiming);
    for (const job of this.queue.takeWaiting()) {
      const fp = this.pending.get(job);
      this.pending.delete(job);
      if (fp) await this.c.claims.release(fp).catch(() => undefined);
    }
    const drained = this.queue.drain();
    let timer: NodeJS.Timeout | undefined;
    const late = await Promise.race([drained.then(() => false), new Promise<boolean>((r) => (timer = setTimeout(() => r(true), graceMs)))]);
    clearTimeout(timer);
    if (late) {
      this.triager.interrupt('SIGTERM');
      await drained;
    }
    this.server.closeAllConnections();
    await closed;
    await this.c.claims.close();
    await this.triager.close();
  }

  private log(fields: Record<string, unknown>): void {
    (this.c.log ?? ((l) => process.stdout.write(`${l}\n`)))(JSON.stringify({ time: new Date().toISOString(), ...fields }));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const t0 = performance.now();
    const path = (req.url ?? '/').split('?')[0]!;
    const extra: Record<string, unknown> = {};
    const answer = (status: number, body: string, headers: Record<string, string> = {}): void => {
      if (!res.headersSent) res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
      res.end(body);
      this.log({ method: req.method, path, status, ms: Math.round(performance.now() - t0), remote: req.socket.remoteAddress, ...extra });
    };
    try {
      if (req.method === 'GET' && path === '/healthz') return answer(this.stopping ? 503 : 200, this.stopping ? 'stopping\n' : 'ok\n');
      if (req.method === 'GET' && path === '/metrics') return answer(200, this.metrics.text(), { 'content-type': 'text/plain; version=0.0.4' });
      if (req.method !== 'POST') return answer(path === '/' || path === '/alerts' ? 405 : 404, 'POST an Alertmanager webhook payload to / or /alerts\n');
      if (path !== '/' && path !== '/alerts') return answer(404, 'not found\n');
      if (this.c.token !== undefined && !bearerMatches(req.headers.authorization, this.c.token)) {
        req.resume();
        return answer(401, 'a bearer token is required\n', { 'www-authenticate': 'Bearer' });
      }
      if (this.stopping) return answer(503, 'shutting down\n', { 'retry-after': String(this.c.retryAfterS ?? 5), connection: 'close' });
      const body = await readBody(req, BODY_LIMIT);
      if (body === undefined) {
        res.setHeader('connection', 'close');
        return answer(413, `the body is over ${BODY_LIMIT} bytes\n`);
      }
      let alerts: IncomingAlert[];
      try {
        const input = parseAlertInput(body);
        if (input.kind === 'title') throw new AlertInputError('not an Alertmanager payload');
        alerts = input.alerts;
      } catch (e) {
        return answer(400, `${(e as Error).message.split('\n')[0]}\n`);
      }
      const result = await this.accept(alerts);
      Object.assign(extra, result.counts);
      if (result.full) return answer(503, 'the triage queue is full\n', { 'retry-after': String(this.c.retryAfterS ?? 5) });
      return answer(200, 'ok\n');
    } catch (e) {
      extra.error = (e as Error).message.split('\n')[0];
      return answer(500, 'internal error\n');
    }
  }

  /** Claims and queues each firing alert; all or nothing against a full queue,
   *  so a 503's retry finds nothing claimed and nothing half-done. An alert whose
   *  triage runs or ran takes no room (Alertmanager resends every firing alert of
   *  a group with each notification). When the queue has room for every alert not
   *  known here to be a duplicate, the places are reserved and the request is
   *  answered at once: the claims (a round trip to a shared Redis) finish after. */
  private async accept(alerts: IncomingAlert[]): Promise<{ full: boolean; counts: Record<string, number> }> {
    const counts: { firing: number; queued: number; deduplicated: number; unmatched: number; claimMs?: number } = { firing: 0, queued: 0, deduplicated: 0, unmatched: 0 };
    const work: Work[] = [];
    const inPayload = new Set<string>();
    for (const alert of alerts) {
      if (alert.status !== 'firing') continue;
      counts.firing++;
      const outcome = matchAlerts({ kind: 'alert', alerts: [alert] }, this.c.catalog, this.c.commandOptions).outcomes[0]!;
      const match = topMatches(outcome.matches)[0] as MatchedRunbook | undefined;
      if (!match) {
        counts.unmatched++;
        continue;
      }
      const fp = fingerprintOf(alert);
      // The same fingerprint twice in a payload, or one known here to run or have run: no claim needed.
      if (inPayload.has(fp) || this.c.claims.held(fp)) counts.deduplicated++;
      else work.push({ alert, fp, target: triageTarget(match) });
      inPayload.add(fp);
    }
    // Counted once the request is taken: a refused one is counted by its retry.
    const taken = (): { full: false; counts: typeof counts } => {
      this.metrics.received += counts.firing;
      this.metrics.unmatched += counts.unmatched;
      this.metrics.deduplicated += counts.deduplicated;
      return { full: false, counts };
    };
    if (!work.length) return taken();

    if (this.queue.hasRoom(work.length)) {
      const places = this.queue.reserve(work.length);
      const claiming = this.claimInto(work, places);
      this.claiming.add(claiming);
      void claiming.finally(() => this.claiming.delete(claiming));
      counts.queued = work.length;
      return taken();
    }

    // Maybe full: the claims decide which alerts are new, and whether they fit.
    const claimedAt = performance.now();
    const settled = await Promise.allSettled(work.map((w) => this.c.claims.claim(w.fp)));
    // In the request log: a slow shared Redis shows there, not as a mystery in the latency.
    counts.claimMs = Math.round((performance.now() - claimedAt) * 10) / 10;
    const fresh = work.filter((_, i) => isFresh(settled[i]!));
    counts.deduplicated += work.length - fresh.length;
    if (fresh.length && !this.queue.hasRoom(fresh.length)) {
      await Promise.all(fresh.map((w) => this.c.claims.release(w.fp).catch(() => undefined)));
      this.metrics.rejected++;
      return { full: true, counts };
    }
    for (const w of fresh) if (await this.enqueue(w, (job) => this.queue.offer(job))) counts.queued++;
    return taken();
  }

  /** The claims of a request already answered: each new alert takes its reserved place. */
  private async claimInto(work: Work[], places: Reservation): Promise<void> {
    const settled = await Promise.allSettled(work.map((w) => this.c.claims.claim(w.fp)));
    for (const [i, w] of work.entries()) {
      if (isFresh(settled[i]!)) await this.enqueue(w, places.offer);
      else {
        places.cancel();
        this.metrics.deduplicated++;
      }
    }
  }

  /** False when the queue would not take it (closed by a shutdown): the claim goes back. */
  private async enqueue(w: Work, offer: (job: () => Promise<void>) => boolean): Promise<boolean> {
    const job = (): Promise<void> => this.triage(w.alert, w.fp, w.target, job);
    this.pending.set(job, w.fp);
    if (offer(job)) return true;
    this.pending.delete(job);
    await this.c.claims.release(w.fp).catch(() => undefined);
    return false;
  }

  private async triage(alert: IncomingAlert, fp: string, target: TriageTarget, job: () => Promise<void>): Promise<void> {
    this.pending.delete(job);
    const t0 = performance.now();
    let verdict: Verdict;
    try {
      verdict = await this.triager.triage(alert, fp, target);
    } finally {
      this.metrics.observeTriage((performance.now() - t0) / 1000);
      await this.c.claims.finish(fp).catch(() => undefined);
    }
    const failed = !!verdict.problem || verdict.outcome !== 'rehearsed';
    if (failed) this.metrics.failed++;
    else this.metrics.triaged++;
    const posted = await this.post(verdict);
    this.log({ event: 'triage', alert: alert.name, fingerprint: fp, runbook: target.runbook.id, runId: verdict.runId, outcome: verdict.outcome ?? 'not-run', ...(verdict.problem ? { problem: verdict.problem } : {}), recommended: verdict.recommended.map((c) => c.id), posted, ms: Math.round(performance.now() - t0) });
    this.c.onVerdict?.(verdict, posted);
  }

  private async post(v: Verdict): Promise<string> {
    const chat = this.c.chat;
    if (!chat) return 'no chat webhook configured';
    const text = verdictText(v);
    const body = chat.type === 'slack' ? { text } : { text, verdict: v };
    const r = await sendPost({ type: chat.type, method: 'POST', url: chat.url, shownUrl: maskWebhookUrl(chat.url), headers: {}, body: JSON.stringify(body) }, { timeoutMs: chat.timeoutMs ?? 10_000 });
    return r.summary;
  }
}

interface Work {
  alert: IncomingAlert;
  fp: string;
  target: TriageTarget;
}

/** Claimed, or the claim could not be asked (fail open: a second triage, never a lost alert). */
function isFresh(r: PromiseSettledResult<boolean>): boolean {
  return r.status === 'rejected' || r.value;
}

/** Alertmanager always sends one; a hand-made alert gets one from its labels. */
export function fingerprintOf(alert: IncomingAlert): string {
  if (alert.fingerprint) return alert.fingerprint;
  const labels = Object.entries(alert.labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha256').update(JSON.stringify(labels)).digest('hex').slice(0, 16);
}

/** The body as text, or undefined once it passes `limit` bytes (the rest is not read). */
async function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) {
    req.resume();
    return undefined;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      req.resume();
      return undefined;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
