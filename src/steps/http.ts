// http: one request with Node's fetch. GET/HEAD are reads; any other method is a
// write (approval, dry-run plan). Credentials in headers or in the URL never
// reach results, summaries or error messages.
import type { Effect, Plan, StepContext, StepType } from './types.js';
import { StepError } from './types.js';

export interface HttpInput {
  /** Default GET. */
  method?: string;
  url: string;
  headers?: Record<string, string>;
  /** An object or array is sent as JSON; a string as-is. */
  body?: unknown;
  /** Status (or statuses) that count as success; default any 2xx. */
  expectStatus?: number | number[];
  /** More header names whose values are secret (Authorization, Cookie, X-Api-Key… always are). */
  secretHeaders?: string[];
}

export interface HttpResult {
  method: string;
  /** The URL with any password masked. */
  url: string;
  status: number;
  /** The status met expectStatus (or was 2xx when none was given). */
  ok: boolean;
  /** The parsed body when it is JSON (up to 1 MiB), else null. */
  json: unknown;
  /** The first 4 KiB of the body as text. */
  body: string;
  contentType: string | null;
  durationMs: number;
}

const READ_METHODS = new Set(['GET', 'HEAD']);
const ALWAYS_SECRET = ['authorization', 'proxy-authorization', 'cookie', 'x-api-key', 'x-auth-token', 'api-key'];
const BODY_TEXT_MAX = 4 * 1024;
const JSON_MAX = 1024 * 1024;

function methodOf(input: Pick<HttpInput, 'method'>): string {
  return (input.method ?? 'GET').toUpperCase();
}

function httpEffect(input: Pick<HttpInput, 'method'>): Effect {
  return READ_METHODS.has(methodOf(input)) ? 'read' : 'write';
}

/** The URL with user:password@ and ?password=/token= values masked. */
export function redactHttpUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    for (const k of [...u.searchParams.keys()]) {
      if (/^(password|passwd|token|access_token|api_key|apikey|secret)$/i.test(k)) u.searchParams.set(k, '***');
    }
    return u.toString().replace(/%2A%2A%2A/g, '***');
  } catch {
    return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
  }
}

interface Prepared {
  method: string;
  url: string;
  shownUrl: string;
  headers: Record<string, string>;
  body: string | undefined;
  secrets: string[];
}

function prepare(input: HttpInput): Prepared {
  if (typeof input.url !== 'string' || input.url === '') throw new StepError('input "url" is required', 'bad-input');
  let parsed: URL;
  try {
    parsed = new URL(input.url);
  } catch {
    throw new StepError(`input "url" is not a URL: ${JSON.stringify(redactHttpUrl(input.url))}`, 'bad-input');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new StepError(`input "url" must be http:// or https://, got ${parsed.protocol}//`, 'bad-input');
  }
  const method = methodOf(input);
  if (!/^[A-Z]+$/.test(method)) throw new StepError(`input "method" must be an HTTP method, got ${JSON.stringify(input.method)}`, 'bad-input');

  const secretNames = new Set([...ALWAYS_SECRET, ...(input.secretHeaders ?? []).map((h) => h.toLowerCase())]);
  const headers: Record<string, string> = {};
  const secrets: string[] = [];
  for (const [k, v] of Object.entries(input.headers ?? {})) {
    headers[k] = String(v);
    if (secretNames.has(k.toLowerCase()) && String(v)) {
      secrets.push(String(v));
      // "Bearer abc": the token alone must go too, wherever it is echoed.
      const token = String(v).split(/\s+/).at(-1);
      if (token && token.length >= 4) secrets.push(token);
    }
  }
  // fetch refuses URLs with credentials; send them the way curl does.
  if (parsed.username || parsed.password) {
    const user = decodeURIComponent(parsed.username);
    const pass = decodeURIComponent(parsed.password);
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'authorization')) {
      const basic = Buffer.from(`${user}:${pass}`).toString('base64');
      headers.authorization = `Basic ${basic}`;
      secrets.push(headers.authorization, basic);
    }
    if (parsed.password) secrets.push(parsed.password, pass);
    parsed.username = '';
    parsed.password = '';
  }
  let body: string | undefined;
  if (input.body !== undefined && input.body !== null) {
    if (typeof input.body === 'string') body = input.body;
    else {
      body = JSON.stringify(input.body);
      if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
    }
  }
  return {
    method,
    url: parsed.toString(),
    shownUrl: redactHttpUrl(input.url),
    headers,
    body,
    secrets: [...new Set(secrets)].filter((s) => s.length > 0).sort((a, b) => b.length - a.length),
  };
}

function scrub(text: string, secrets: string[]): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join('***');
  return out;
}

function scrubDeep(value: unknown, secrets: string[]): unknown {
  if (secrets.length === 0) return value;
  if (typeof value === 'string') return scrub(value, secrets);
  if (Array.isArray(value)) return value.map((v) => scrubDeep(v, secrets));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubDeep(v, secrets)]));
  }
  return value;
}

function fmtDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  return Number.isInteger(s) ? `${s}s` : `${s.toFixed(1).replace(/\.0$/, '')}s`;
}

/** fetch hides the reason in err.cause (undici): turn it into one line. */
function failure(err: unknown, p: Prepared, ctx: StepContext, timedOut: boolean): StepError {
  const where = `${p.method} ${p.shownUrl}`;
  if (timedOut) return new StepError(`${where} did not answer within ${fmtDuration(ctx.timeoutMs)}`, 'unreachable');
  if (ctx.signal.aborted) return new StepError(`${where} was interrupted`, 'interrupted');
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  const code = cause?.code ?? (err as { code?: string }).code ?? '';
  let msg: string;
  if (code === 'ECONNREFUSED') msg = `${where} refused the connection (ECONNREFUSED)`;
  else if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') msg = `${where}: host not found (${code})`;
  else if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') msg = `${where}: the server closed the connection (${code})`;
  else if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') msg = `${where} is not reachable (${code})`;
  else msg = `${where} failed: ${(cause?.message ?? (err as Error).message ?? String(err)).split('\n')[0]}`;
  return new StepError(scrub(msg, p.secrets), code.startsWith('E') ? 'unreachable' : 'http-error');
}

/** Reads at most `max` bytes of the body; the rest is cancelled, not downloaded. */
async function readCapped(res: Response, max: number): Promise<{ bytes: Buffer; truncated: boolean }> {
  if (!res.body) return { bytes: Buffer.alloc(0), truncated: false };
  const reader = res.body.getReader();
  const chunks: Buffer[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { bytes: Buffer.concat(chunks), truncated: false };
    chunks.push(Buffer.from(value));
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => undefined);
      return { bytes: Buffer.concat(chunks).subarray(0, max), truncated: true };
    }
  }
}

function expected(input: HttpInput, status: number): boolean {
  const e = input.expectStatus;
  if (e === undefined) return status >= 200 && status < 300;
  return (Array.isArray(e) ? e : [e]).includes(status);
}

export const http: StepType<HttpInput, HttpResult> = {
  name: 'http',
  description: 'One HTTP request (fetch). GET/HEAD are reads; POST, PUT, PATCH, DELETE… are writes.',
  effect: 'read',
  effectOf: httpEffect,
  inputSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['url'],
    properties: {
      method: { type: 'string', pattern: '^[A-Za-z]+$', default: 'GET' },
      url: { type: 'string', pattern: '^https?://' },
      headers: { type: 'object', additionalProperties: { type: 'string' } },
      body: { description: 'object/array → JSON, string → as-is' },
      expectStatus: {
        oneOf: [
          { type: 'integer', minimum: 100, maximum: 599 },
          { type: 'array', items: { type: 'integer', minimum: 100, maximum: 599 }, minItems: 1 },
        ],
      },
      secretHeaders: { type: 'array', items: { type: 'string' } },
    },
  },
  resultSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['method', 'url', 'status', 'ok', 'json', 'body', 'contentType', 'durationMs'],
    properties: {
      method: { type: 'string', description: 'The method sent, upper case.' },
      url: { type: 'string', description: 'The URL with any password masked.' },
      status: { type: 'integer', minimum: 100, maximum: 599, description: 'The HTTP status of the response.' },
      ok: { type: 'boolean', description: 'The status met expectStatus (any 2xx when none was given).' },
      json: { description: 'The body parsed as JSON (any JSON value, up to 1 MiB); null when it is not JSON.' },
      body: { type: 'string', description: 'The first 4 KiB of the body as text.' },
      contentType: { type: ['string', 'null'] },
      durationMs: { type: 'integer', minimum: 0 },
    },
  },

  async plan(_ctx, input): Promise<Plan> {
    const p = prepare(input);
    const bytes = p.body === undefined ? 0 : Buffer.byteLength(p.body);
    const details = Object.entries(p.headers).map(([k, v]) => `${k}: ${scrub(v, p.secrets)}`);
    if (p.body !== undefined) details.push(`body: ${scrub(p.body.length > 200 ? `${p.body.slice(0, 200)}…` : p.body, p.secrets)}`);
    return {
      summary: `would ${p.method} ${p.shownUrl} (${bytes} bytes)`,
      target: `${p.method} ${p.shownUrl}`,
      details,
    };
  },

  async run(ctx, input) {
    const p = prepare(input);
    const timeout = AbortSignal.timeout(Math.max(1, ctx.timeoutMs - Math.min(250, ctx.timeoutMs * 0.1)));
    const signal = AbortSignal.any([ctx.signal, timeout]);
    const t0 = performance.now();
    let res: Response;
    let bytes: Buffer;
    let truncated: boolean;
    try {
      res = await fetch(p.url, { method: p.method, headers: p.headers, body: p.body, signal, redirect: 'follow' });
      ({ bytes, truncated } = p.method === 'HEAD' ? { bytes: Buffer.alloc(0), truncated: false } : await readCapped(res, JSON_MAX));
    } catch (err) {
      throw failure(err, p, ctx, timeout.aborted && !ctx.signal.aborted);
    }
    const durationMs = Math.round(performance.now() - t0);
    const contentType = res.headers.get('content-type');
    const text = bytes.toString('utf8');
    let json: unknown = null;
    if (!truncated && (/json/i.test(contentType ?? '') || /^\s*[[{]/.test(text))) {
      try {
        json = JSON.parse(text);
      } catch {
        json = null;
      }
    }
    const ok = expected(input, res.status);
    const result: HttpResult = {
      method: p.method,
      url: p.shownUrl,
      status: res.status,
      ok,
      json: scrubDeep(json, p.secrets),
      body: scrub(bytes.subarray(0, BODY_TEXT_MAX).toString('utf8'), p.secrets),
      contentType,
      durationMs,
    };
    const want = input.expectStatus === undefined ? '2xx' : [input.expectStatus].flat().join('/');
    const summary = ok
      ? `${p.method} ${p.shownUrl} → ${res.status} in ${durationMs}ms`
      : `${p.method} ${p.shownUrl} → ${res.status}, expected ${want}`;
    return { ok, result, summary };
  },
  // A canned result may give the status, `ok`, or neither (then it is a pass).
  judge: (input, result) => (typeof result.status === 'number' ? expected(input, result.status) : result.ok !== false),
};
