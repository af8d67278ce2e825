// Alertmanager resends every firing alert of a group with each notification,
// so most alerts of a storm are ones whose triage runs or ran. Those take no
// room in the queue: a notification is refused (503) only when its new alerts
// do not fit, and then none of them stays claimed.
import { join } from 'node:path';
import { fixture, journals, payload, post, startServer, until, type Fixture } from './helpers.js';

let f: Fixture;
beforeAll(() => (f = fixture()));
afterAll(() => f.cleanup());

test('a notification of already-claimed alerts plus one new one is taken while the queue has room for one', async () => {
  const state = join(f.dir, 'room');
  const { server, url } = await startServer(f, { stateDir: state, concurrency: 1, queueSize: 1 });
  expect((await post(url, payload([{ fingerprint: 'q1', delay: '1' }]))).status).toBe(200); // running
  // q1 again (deduplicated) and q2 (new): one slot of room, one new alert.
  expect((await post(url, payload([{ fingerprint: 'q1', delay: '1' }, { fingerprint: 'q2' }]))).status).toBe(200);
  expect(server.metrics.deduplicated).toBe(1);
  // Now the queue is full: q3 does not fit, so the whole notification is refused and q3 is not kept claimed.
  const full = await post(url, payload([{ fingerprint: 'q1', delay: '1' }, { fingerprint: 'q2' }, { fingerprint: 'q3' }]));
  expect(full.status).toBe(503);
  expect(full.headers.get('retry-after')).toBeTruthy();
  expect(server.metrics.deduplicated).toBe(1);
  await until(() => server.metrics.triaged === 2);
  expect((await post(url, payload([{ fingerprint: 'q1', delay: '1' }, { fingerprint: 'q2' }, { fingerprint: 'q3' }]))).status).toBe(200);
  await until(() => server.metrics.triaged === 3);
  const fingerprints = journals(state).map((events) => (events.find((e) => e.type === 'run-started')!.alert as { fingerprint: string }).fingerprint);
  expect(fingerprints.sort()).toEqual(['q1', 'q2', 'q3']);
  expect(server.metrics.deduplicated).toBe(3);
  await server.stop(1000);
});
