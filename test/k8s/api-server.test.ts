// The test API server's own protocol details that the kubectl and step tests
// do not reach: Status errors, PUT with resourceVersion, selectors, watch.

import { startK8sApiServer, type K8sApiServer } from '../support/k8s-api-server.js';
import { dispatchEngineSeed } from '../support/k8s-fixtures.js';

let server: K8sApiServer;

beforeEach(async () => {
  server = await startK8sApiServer(dispatchEngineSeed());
});

afterEach(async () => {
  await server.close();
});

const api = (path: string, init?: RequestInit) => fetch(server.url + path, init);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const json = async (res: Response): Promise<any> => res.json();
const scalePath = '/apis/apps/v1/namespaces/smp-prod/deployments/dispatch-engine/scale';

test('unknown paths answer a Kubernetes Status 404', async () => {
  const res = await api('/apis/batch/v1/jobs');
  expect(res.status).toBe(404);
  expect(await json(res)).toEqual({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'the server could not find the requested resource',
    reason: 'NotFound',
    details: {},
    code: 404,
  });
});

test('PUT on the scale subresource honours resourceVersion (409 when stale)', async () => {
  const scale = await json(await api(scalePath));
  expect(scale).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 3 }, status: { selector: 'app=dispatch-engine' } });
  const put = (replicas: number) =>
    api(scalePath, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...scale, spec: { replicas } }) });
  expect((await put(4)).status).toBe(200);
  const stale = await put(6);
  expect(stale.status).toBe(409);
  expect((await json(stale)).reason).toBe('Conflict');
  expect(server.mutations.map((m) => [m.method, m.status])).toEqual([
    ['PUT', 200],
    ['PUT', 409],
  ]);
  expect(server.get('deployments', 'smp-prod', 'dispatch-engine')!.spec.replicas).toBe(4);
});

test('server-side apply is refused with 415, and dryRun=All records without changing state', async () => {
  const apply = await api(scalePath, { method: 'PATCH', headers: { 'content-type': 'application/apply-patch+yaml' }, body: 'spec: {replicas: 9}' });
  expect(apply.status).toBe(415);
  const dry = await api(`${scalePath}?dryRun=All`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/merge-patch+json' },
    body: JSON.stringify({ spec: { replicas: 9 } }),
  });
  expect((await json(dry)).spec.replicas).toBe(9);
  expect(server.mutations.map((m) => m.dryRun)).toEqual([false, true]);
  expect(server.get('deployments', 'smp-prod', 'dispatch-engine')!.spec.replicas).toBe(3);
});

test('set-based label selectors and field selectors', async () => {
  const names = async (query: string) =>
    ((await json(await api(`/api/v1/namespaces/smp-prod/pods?${query}`))).items as Array<{ metadata: { name: string } }>).map(
      (p) => p.metadata.name,
    );
  expect(await names(`labelSelector=${encodeURIComponent('app in (order-api,billing)')}`)).toHaveLength(2);
  expect(await names(`labelSelector=${encodeURIComponent('app notin (order-api),app')}`)).toHaveLength(3);
  expect(await names(`fieldSelector=${encodeURIComponent('spec.nodeName=node-b')}`)).toEqual(['dispatch-engine-7c9d8f6b5-fghij']);
  const bad = await api(`/api/v1/namespaces/smp-prod/pods?labelSelector=${encodeURIComponent('app=(')}`);
  expect(bad.status).toBe(400);
});

test('watch streams changes made through the API', async () => {
  const controller = new AbortController();
  const res = await api('/apis/apps/v1/namespaces/smp-prod/deployments?watch=true&fieldSelector=metadata.name%3Ddispatch-engine', {
    signal: controller.signal,
  });
  const reader = res.body!.getReader();
  await api(scalePath, { method: 'PATCH', headers: { 'content-type': 'application/merge-patch+json' }, body: '{"spec":{"replicas":4}}' });
  const { value } = await reader.read();
  const event = JSON.parse(new TextDecoder().decode(value).split('\n')[0]);
  expect(event.type).toBe('MODIFIED');
  expect(event.object.spec.replicas).toBe(4);
  expect(event.object.status.observedGeneration).toBe(event.object.metadata.generation);
  controller.abort();
});
