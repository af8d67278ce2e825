// The http step against a node:http server started here: reads and writes,
// the plan, timeouts, refused ports, and credentials that never come back out.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { http } from '../../src/steps/http.js';
import type { StepContext } from '../../src/steps/types.js';
import { stepFailure } from '../support/step-failure.js';

const TOKEN = 'tok-9f8e7d6c5b4a';
let server: Server;
let base: string;
/** A port nothing listens on (fetch blocks port 1 outright, so take a fresh one). */
let closedPort: number;
const seen: Array<{ method: string; url: string; body: string; headers: IncomingMessage['headers'] }> = [];

function ctx(timeoutMs = 5000, signal = new AbortController().signal): StepContext {
  return { signal, timeoutMs, env: {}, progress: () => {} };
}

function handler(req: IncomingMessage, res: ServerResponse): void {
  let body = '';
  req.on('data', (d) => (body += d));
  req.on('end', () => {
    seen.push({ method: req.method!, url: req.url!, body, headers: req.headers });
    if (req.url === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'UP', lag: 12 }));
    } else if (req.url === '/text') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('x'.repeat(10_000));
    } else if (req.url === '/echo-auth') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ youSent: req.headers.authorization }));
    } else if (req.url === '/down') {
      res.writeHead(503, { 'content-type': 'text/plain' }).end('maintenance');
    } else if (req.url === '/stall') {
      // Never answers: the step must give up at its timeout.
    } else if (req.method === 'POST' && req.url === '/scale') {
      res.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ accepted: JSON.parse(body) }));
    } else {
      res.writeHead(404).end();
    }
  });
}

beforeAll(async () => {
  server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  closedPort = (probe.address() as AddressInfo).port;
  await new Promise((r) => probe.close(r));
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});


describe('http effect', () => {
  it('is a read for GET and HEAD, a write for every other method', () => {
    expect(http.effect).toBe('read');
    expect(http.effectOf!({ url: base })).toBe('read');
    expect(http.effectOf!({ url: base, method: 'head' })).toBe('read');
    for (const method of ['POST', 'put', 'PATCH', 'DELETE']) expect(http.effectOf!({ url: base, method })).toBe('write');
  });
});

describe('http run', () => {
  it('GETs and parses JSON', async () => {
    const { ok, result, summary } = await http.run(ctx(), { url: `${base}/health` });
    expect(ok).toBe(true);
    expect(result).toMatchObject({ method: 'GET', status: 200, ok: true, json: { status: 'UP', lag: 12 }, contentType: 'application/json' });
    expect(result.body).toBe('{"status":"UP","lag":12}');
    expect(typeof result.durationMs).toBe('number');
    expect(summary).toMatch(/^GET http:\/\/127\.0\.0\.1:\d+\/health → 200 in \d+ms$/);
  });

  it('keeps the first 4 KiB of a text body, json null', async () => {
    const { result } = await http.run(ctx(), { url: `${base}/text` });
    expect(result.body).toHaveLength(4096);
    expect(result.json).toBeNull();
  });

  it('reports an unexpected status as not ok, with the same result shape', async () => {
    const down = await http.run(ctx(), { url: `${base}/down` });
    expect(down.ok).toBe(false);
    expect(down.result).toMatchObject({ status: 503, ok: false, body: 'maintenance', json: null });
    expect(down.summary).toMatch(/→ 503, expected 2xx$/);
    const expectedDown = await http.run(ctx(), { url: `${base}/down`, expectStatus: [503, 504] });
    expect(expectedDown.ok).toBe(true);
  });

  it('judges a result as run does, so a rehearsal\'s canned answer fails where the live step would', async () => {
    for (const input of [{ url: `${base}/down` }, { url: `${base}/down`, expectStatus: [503, 504] }, { url: `${base}/health` }, { url: `${base}/health`, expectStatus: 201 }]) {
      const live = await http.run(ctx(), input);
      expect(http.judge!(input, live.result)).toBe(live.ok);
      expect(http.judge!(input, { status: live.result.status })).toBe(live.ok);
    }
    expect(http.judge!({ url: `${base}/down` }, { ok: false })).toBe(false);
    expect(http.judge!({ url: `${base}/down` }, {})).toBe(true);
  });

  it('POSTs an object as JSON', async () => {
    const { result } = await http.run(ctx(), { method: 'POST', url: `${base}/scale`, body: { replicas: 5 }, expectStatus: 202 });
    expect(result).toMatchObject({ status: 202, ok: true, json: { accepted: { replicas: 5 } } });
    const req = seen.at(-1)!;
    expect(req).toMatchObject({ method: 'POST', body: '{"replicas":5}' });
    expect(req.headers['content-type']).toBe('application/json');
  });
});

describe('http plan', () => {
  it('says what a write would send, and sends nothing', async () => {
    const before = seen.length;
    const plan = await http.plan!(ctx(), {
      method: 'POST',
      url: `${base}/scale`,
      body: { replicas: 5 },
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    expect(plan.summary).toBe(`would POST ${base}/scale (14 bytes)`);
    expect(plan.target).toBe(`POST ${base}/scale`);
    expect(plan.details).toContain('Authorization: ***');
    expect(JSON.stringify(plan)).not.toContain(TOKEN);
    expect(seen.length).toBe(before);
  });
});

describe('http secrets', () => {
  it('never returns an Authorization value, even when the server echoes it', async () => {
    const { result, summary } = await http.run(ctx(), { url: `${base}/echo-auth`, headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(seen.at(-1)!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(JSON.stringify(result) + summary).not.toContain(TOKEN);
    expect(result.json).toEqual({ youSent: '***' });
  });

  it('sends URL credentials as Basic auth and masks them, and headers marked secret', async () => {
    const url = base.replace('http://', `http://ops:pw-${TOKEN}@`);
    const { result, summary } = await http.run(ctx(), { url: `${url}/echo-auth`, headers: { 'X-Custom': TOKEN }, secretHeaders: ['x-custom'] });
    expect(seen.at(-1)!.headers.authorization).toBe(`Basic ${Buffer.from(`ops:pw-${TOKEN}`).toString('base64')}`);
    expect(seen.at(-1)!.headers['x-custom']).toBe(TOKEN);
    expect(result.url).toBe(`${base.replace('http://', 'http://ops:***@')}/echo-auth`);
    expect(result.json).toEqual({ youSent: '***' });
    expect(JSON.stringify(result) + summary).not.toContain(TOKEN);
    const { error: err } = await stepFailure(http.run(ctx(2000), { url: `http://ops:pw-${TOKEN}@127.0.0.1:${closedPort}/x` }));
    expect(err.message).toBe(`GET http://ops:***@127.0.0.1:${closedPort}/x refused the connection (ECONNREFUSED)`);
  });
});

describe('http failures', () => {
  it('a refused port fails at once with one line', async () => {
    const { error: err, ms } = await stepFailure(http.run(ctx(5000), { url: `http://127.0.0.1:${closedPort}/health` }));
    expect(err.message).toBe(`GET http://127.0.0.1:${closedPort}/health refused the connection (ECONNREFUSED)`);
    expect(err.code).toBe('unreachable');
    expect(ms).toBeLessThan(2000);
  });

  it('a stalled server fails within the timeout', async () => {
    const { error: err, ms } = await stepFailure(http.run(ctx(800), { url: `${base}/stall` }));
    expect(err.message).toBe(`GET ${base}/stall did not answer within 800ms`);
    expect(ms).toBeGreaterThan(400);
    expect(ms).toBeLessThan(1500);
  });

  it('stops when the run is interrupted', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error('interrupted')), 100);
    const { error: err, ms } = await stepFailure(http.run(ctx(10_000, ac.signal), { url: `${base}/stall` }));
    expect(err.message).toBe(`GET ${base}/stall was interrupted`);
    expect(ms).toBeLessThan(1000);
  });

  it('rejects a non-http URL', async () => {
    await expect(http.run(ctx(), { url: 'file:///etc/passwd' })).rejects.toThrow(/must be http:\/\/ or https:\/\//);
  });
});
