// Posting a message to a chat or status-page webhook: one request with Node's
// fetch, bounded in time and in what it reads back. The engine decides whether
// it may be sent (approval, dry-run); this module only sends and says how it
// went, in one line, without ever echoing the URL's secret parts.

/** A message ready to go: the real URL and headers, the (already redacted) body. */
export interface PostRequest {
  type: 'slack' | 'webhook';
  method: 'POST' | 'PUT' | 'PATCH';
  url: string;
  /** The URL as it may be shown (secret path and query masked). */
  shownUrl: string;
  headers: Record<string, string>;
  body: string;
}

export interface PostResult {
  ok: boolean;
  /** 0 when no answer came (unreachable, timeout). */
  status: number;
  /** The first bytes of the answer, one line. */
  response: string;
  durationMs: number;
  reason?: 'unreachable' | 'timeout' | 'error';
  summary: string;
}

const RESPONSE_MAX = 1024;

/** Slack's documented incoming-webhook error strings, in words the operator can act on. */
const SLACK_ERRORS: Record<string, string> = {
  invalid_payload: 'Slack could not read the JSON body',
  no_text: 'the message has no text',
  invalid_token: 'the webhook token is wrong or was revoked',
  action_prohibited: 'an admin restricted posting to this channel',
  no_service: 'the webhook URL is wrong, or the webhook was disabled or removed',
  no_service_id: 'the webhook URL has no service id',
  no_team: 'the Slack workspace is missing or deleted',
  team_disabled: 'the Slack workspace is disabled',
  channel_not_found: 'the channel does not exist',
  channel_is_archived: 'the channel is archived',
  posting_to_general_channel_denied: 'only admins may post to this channel',
  user_not_found: 'the user of the webhook no longer exists',
  rollup_error: 'Slack had a problem on its side',
};

/** Secret parts of webhook URLs masked: Slack's /services/…, Mattermost's
 *  /hooks/…, Discord's /api/webhooks/…, and key/token/sig query values
 *  (Google Chat, Teams workflows). Host and the rest stay readable. */
export function maskWebhookUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return '***';
  }
  if (u.username || u.password) {
    u.username = u.username ? '***' : '';
    u.password = u.password ? '***' : '';
  }
  u.pathname = u.pathname.replace(/\/(services|hooks|api\/webhooks|webhookb2|triggers)\/.+$/i, '/$1/***');
  for (const k of [...u.searchParams.keys()]) {
    if (/^(key|token|sig|signature|code|secret|access_token|api_key|apikey|password)$/i.test(k)) u.searchParams.set(k, '***');
  }
  return u.toString().replace(/%2A%2A%2A/g, '***');
}

/** The secret pieces of a webhook URL, for the run's redactor (error text may quote them). */
export function webhookUrlSecrets(url: string): string[] {
  const out: string[] = [];
  try {
    const u = new URL(url);
    const m = /\/(?:services|hooks|api\/webhooks|webhookb2|triggers)\/(.+)$/i.exec(u.pathname);
    if (m?.[1] && m[1].length >= 4) out.push(m[1]);
    if (u.password) out.push(u.password);
    for (const [k, v] of u.searchParams) if (/^(key|token|sig|signature|code|secret|access_token|api_key|apikey|password)$/i.test(k) && v.length >= 4) out.push(v);
  } catch {
    if (url) out.push(url);
  }
  return out;
}

function oneLine(text: string): string {
  const s = text.replace(/\s+/g, ' ').trim();
  return s.length > 200 ? `${s.slice(0, 200)}…` : s;
}

async function readCapped(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Buffer[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(Buffer.from(value));
    size += value.byteLength;
    if (size > RESPONSE_MAX) {
      await reader.cancel().catch(() => undefined);
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, RESPONSE_MAX).toString('utf8');
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${(ms / 1000).toFixed(1)}s`;
}

/** Sends once (no retry: a post that may have arrived is not sent twice). */
export async function sendPost(req: PostRequest, opts: { timeoutMs: number; signal?: AbortSignal }): Promise<PostResult> {
  const t0 = performance.now();
  const timeout = AbortSignal.timeout(opts.timeoutMs);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  const where = `${req.method} ${req.shownUrl}`;
  const ms = (): number => Math.round(performance.now() - t0);
  let res: Response;
  try {
    res = await fetch(req.url, { method: req.method, headers: { 'content-type': 'application/json', ...req.headers }, body: req.body, signal, redirect: 'manual' });
  } catch (e) {
    if (timeout.aborted) return { ok: false, status: 0, response: '', durationMs: ms(), reason: 'timeout', summary: `not posted: ${where} did not answer within ${seconds(opts.timeoutMs)}` };
    if (opts.signal?.aborted) return { ok: false, status: 0, response: '', durationMs: ms(), reason: 'error', summary: `not posted: ${where} was interrupted` };
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    const code = cause?.code ?? '';
    const why = code ? `(${code})` : oneLine(cause?.message ?? (e as Error).message ?? String(e));
    return { ok: false, status: 0, response: '', durationMs: ms(), reason: 'unreachable', summary: `not posted: unreachable: ${where} ${why}` };
  }
  let response = '';
  try {
    response = oneLine(await readCapped(res));
  } catch {
    /* the status alone decides */
  }
  const ok = res.status >= 200 && res.status < 300;
  if (ok) return { ok, status: res.status, response, durationMs: ms(), summary: `posted: ${res.status}${response ? ` ${response}` : ''}` };
  const slackWhy = req.type === 'slack' ? SLACK_ERRORS[response] : undefined;
  const said = response ? ` ${response}` : '';
  return { ok, status: res.status, response, durationMs: ms(), reason: 'error', summary: `not posted: ${where} answered ${res.status}${said}${slackWhy ? ` (${slackWhy})` : ''}` };
}
