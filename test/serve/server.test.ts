// `oncall serve` as a real HTTP server on an ephemeral loopback port, driven by
// real requests: quick answers, one journal per alert, deduplication of
// Alertmanager retries, the bounded queue, the token, the body limit, health,
// metrics, the verdict posted to a Slack stand-in, and no write ever done.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { bearerMatches } from '../../src/serve/auth.js';
import { MemoryClaims } from '../../src/serve/dedupe.js';
import { chatSink, fixture, ROOT, journals, payload, post, startServer, until, type Fixture } from './helpers.js';

let f: Fixture;
const writeFile = (): string => join(f.dir, 'written-by-a-write-step');
beforeAll(() => {
  f = fixture();
  process.env.SERVE_WRITE_FILE = writeFile();
});
afterAll(() => {
  delete process.env.SERVE_WRITE_FILE;
  f.cleanup();
});

test('answers 200 at once while the triage runs, writes one journal per alert, and never runs the write', async () => {
  const state = join(f.dir, 'quick');
  const { server, url, logs } = await startServer(f, { stateDir: state });
  await fetch(`${url}/healthz`); // the client's first fetch loads undici; that is not the server's time
  const t0 = Date.now();
  const res = await post(url, payload([{ fingerprint: 'aaa1', delay: '1.5' }, { fingerprint: 'aaa2', delay: '1.5' }]));
  expect(res.status).toBe(200);
  expect(Date.now() - t0).toBeLessThan(1000);
  const logged = logs.map((l) => JSON.parse(l) as { path?: string; ms?: number }).find((l) => l.path === '/alerts')!;
  expect(logged.ms).toBeLessThan(1000);
  expect(server.metrics.text()).toMatch(/^oncall_serve_triages_running 2$/m);
  await until(() => server.metrics.triaged === 2);
  const js = journals(state);
  expect(js).toHaveLength(2);
  for (const events of js) {
    const started = events.find((e) => e.type === 'run-started')!;
    expect(started.options).toMatchObject({ dryRun: true });
    expect((started.alert as { fingerprint: string }).fingerprint).toMatch(/^aaa[12]$/);
    const write = events.find((e) => e.type === 'step-finished' && e.stepId === 'touch-it')!;
    expect(write.status).toBe('planned');
    expect(events.at(-1)).toMatchObject({ type: 'run-finished', outcome: 'rehearsed' });
  }
  expect(existsSync(writeFile())).toBe(false);
  await server.stop(1000);
});

test('the same fingerprint posted twice (an Alertmanager retry) is triaged once; deduplicated is 1', async () => {
  const state = join(f.dir, 'dedupe');
  const { server, url } = await startServer(f, { stateDir: state });
  const body = payload([{ fingerprint: 'bbb1', delay: '0.5' }]);
  expect((await post(url, body)).status).toBe(200);
  expect((await post(url, body)).status).toBe(200); // while it runs
  await until(() => server.metrics.triaged === 1);
  expect((await post(url, body)).status).toBe(200); // within the window after it ran
  expect(server.metrics.deduplicated).toBe(2);
  expect(journals(state)).toHaveLength(1);
  await server.stop(1000);
});

test('a retry after the window triages again (the window is what dedupes, not a permanent mark)', async () => {
  const state = join(f.dir, 'window');
  const { server, url } = await startServer(f, { stateDir: state }, new MemoryClaims({ runningMs: 60_000, windowMs: 50 }));
  const body = payload([{ fingerprint: 'ccc1' }]);
  await post(url, body);
  await until(() => server.metrics.triaged === 1);
  await new Promise((r) => setTimeout(r, 80));
  await post(url, body);
  await until(() => server.metrics.triaged === 2);
  expect(server.metrics.deduplicated).toBe(0);
  await server.stop(1000);
});

test('a full queue answers 503 with Retry-After and claims nothing, so the retry is triaged', async () => {
  const state = join(f.dir, 'full');
  const { server, url } = await startServer(f, { stateDir: state, concurrency: 1, queueSize: 1, retryAfterS: 7 });
  expect((await post(url, payload([{ fingerprint: 'ddd1', delay: '1' }]))).status).toBe(200); // running
  expect((await post(url, payload([{ fingerprint: 'ddd2', delay: '0' }]))).status).toBe(200); // waiting
  const full = await post(url, payload([{ fingerprint: 'ddd3' }]));
  expect(full.status).toBe(503);
  expect(full.headers.get('retry-after')).toBe('7');
  expect(server.metrics.text()).toMatch(/^oncall_serve_queue_depth 1$/m);
  await until(() => server.metrics.triaged === 2);
  expect((await post(url, payload([{ fingerprint: 'ddd3' }]))).status).toBe(200);
  await until(() => server.metrics.triaged === 3);
  expect(server.metrics.deduplicated).toBe(0);
  expect(journals(state)).toHaveLength(3);
  await server.stop(1000);
});

test('bound to 0.0.0.0 with a token: no token or a wrong one is 401, the right one is taken', async () => {
  const state = join(f.dir, 'token');
  const { server, url } = await startServer(f, { stateDir: state, host: '0.0.0.0', token: 's3cret-token' });
  const body = payload([{ fingerprint: 'eee1' }]);
  expect((await post(url, body)).status).toBe(401);
  expect((await post(url, body, { authorization: 'Bearer wrong' })).status).toBe(401);
  expect((await post(url, body, { authorization: 'Bearer s3cret-token-longer' })).status).toBe(401);
  expect((await post(url, body, { authorization: 'Basic s3cret-token' })).status).toBe(401);
  expect(server.metrics.received).toBe(0);
  expect((await post(url, body, { authorization: 'Bearer s3cret-token' })).status).toBe(200);
  await until(() => server.metrics.triaged === 1);
  await server.stop(1000);
});

test('the token compare hashes both sides and uses crypto.timingSafeEqual', async () => {
  expect(bearerMatches('Bearer abc', 'abc')).toBe(true);
  expect(bearerMatches('Bearer abd', 'abc')).toBe(false);
  expect(bearerMatches(undefined, 'abc')).toBe(false);
  const { readFileSync } = await import('node:fs');
  const src = readFileSync(join(ROOT, 'src', 'serve', 'auth.ts'), 'utf8');
  expect(src).toMatch(/timingSafeEqual\(/);
});

test('a body over 1 MiB is refused with 413 and nothing is triaged', async () => {
  const { server, url } = await startServer(f, { stateDir: join(f.dir, 'big') });
  const big = JSON.stringify({ version: '4', alerts: [], pad: 'x'.repeat(1024 * 1024 + 10) });
  const res = await post(url, big);
  expect(res.status).toBe(413);
  expect(server.metrics.received).toBe(0);
  await server.stop(1000);
});

test('a payload that is not JSON is 400, one line', async () => {
  const { server, url } = await startServer(f, { stateDir: join(f.dir, 'bad') });
  const res = await post(url, '{"alerts": [');
  expect(res.status).toBe(400);
  expect((await res.text()).trim().split('\n')).toHaveLength(1);
  await server.stop(1000);
});

test('/healthz, /metrics and one JSON log line per request', async () => {
  const { server, url, logs } = await startServer(f, { stateDir: join(f.dir, 'health') });
  const h = await fetch(`${url}/healthz`);
  expect(h.status).toBe(200);
  expect(await h.text()).toBe('ok\n');
  await post(url, payload([{ fingerprint: 'fff1' }, { fingerprint: 'fff2', status: 'resolved' }, { fingerprint: 'fff3', name: 'NoSuchAlert' }]));
  await until(() => server.metrics.triaged === 1);
  const m = await fetch(`${url}/metrics`);
  const text = await m.text();
  expect(m.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  expect(text).toMatch(/^# TYPE oncall_serve_alerts_received_total counter$/m);
  expect(text).toMatch(/^oncall_serve_alerts_received_total 2$/m);
  expect(text).toMatch(/^oncall_serve_alerts_triaged_total 1$/m);
  expect(text).toMatch(/^oncall_serve_alerts_deduplicated_total 0$/m);
  expect(text).toMatch(/^oncall_serve_alerts_failed_total 0$/m);
  expect(text).toMatch(/^oncall_serve_alerts_unmatched_total 1$/m);
  expect(text).toMatch(/^oncall_serve_queue_depth 0$/m);
  expect(text).toMatch(/^oncall_serve_triage_duration_seconds_bucket\{le="\+Inf"\} 1$/m);
  expect(text).toMatch(/^oncall_serve_triage_duration_seconds_count 1$/m);
  const requests = logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.method);
  expect(requests.map((r) => [r.method, r.path, r.status])).toEqual([
    ['GET', '/healthz', 200],
    ['POST', '/alerts', 200],
    ['GET', '/metrics', 200],
  ]);
  expect(requests[1]).toMatchObject({ firing: 2, queued: 1, unmatched: 1 });
  await server.stop(1000);
});

test('the verdict reaches the chat webhook: the recommended option, its evidence and the oncall run command', async () => {
  const sink = await chatSink();
  const { server, url } = await startServer(f, { stateDir: join(f.dir, 'chat'), chat: { url: sink.url, type: 'slack' } });
  await post(url, payload([{ fingerprint: 'ggg1', delay: '0' }]));
  await until(() => sink.bodies.length === 1);
  const { text } = JSON.parse(sink.bodies[0]!) as { text: string };
  expect(text).toMatch(/^oncall triage: ServeSlow \(fingerprint ggg1\) → SRV-001 · Slow service$/m);
  expect(text).toMatch(/^Recommended: Restart the pods \(restart\) — the look step said errors=42$/m);
  expect(text).toMatch(/^• look \[ok\]: exit 0, 1 line: errors=42$/m);
  expect(text).toContain(`Continue with: oncall --runbooks ${f.runbooks} run SRV-001 --set delay=0`);
  await server.stop(1000);
  await sink.close();
});
