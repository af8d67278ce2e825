// Alertmanager resends every firing alert of a group with each notification,
// so most alerts of a storm are ones whose triage runs or ran. Those take no
// room in the queue: a notification is refused (503) only when its new alerts
// do not fit, and then none of them stays claimed.
import { join } from 'node:path';
import { BoundedQueue } from '../../src/serve/queue.js';
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

describe('places reserved for a request answered before its claims are back', () => {
  const never = (): Promise<void> => new Promise(() => undefined);

  test('count against the room until each is taken or given back, once', () => {
    const q = new BoundedQueue(0, 3);
    const places = q.reserve(2);
    expect(q.hasRoom(1)).toBe(true);
    expect(q.hasRoom(2)).toBe(false);
    expect(q.offer(never)).toBe(true);
    expect(q.hasRoom(1)).toBe(false);
    expect(places.offer(never)).toBe(true);
    places.cancel();
    expect(q.hasRoom(1)).toBe(true); // two waiting, none reserved
    places.cancel(); // nothing left to give back
    expect(places.offer(never)).toBe(false);
    expect(q.hasRoom(2)).toBe(false);
    expect(q.depth).toBe(2);
  });

  test('a place given back is room again; a closed queue takes nothing into its places', async () => {
    const q = new BoundedQueue(0, 1);
    const places = q.reserve(1);
    expect(q.hasRoom(1)).toBe(false);
    places.cancel();
    expect(q.hasRoom(1)).toBe(true);
    const later = q.reserve(1);
    void q.drain();
    expect(later.offer(never)).toBe(false);
    expect(q.depth).toBe(0);
  });
});
