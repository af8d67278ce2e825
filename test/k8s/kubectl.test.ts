// The real kubectl binary against the test API server: proves the server speaks
// enough Kubernetes for the `run:` steps of the runbooks, and that what it
// records (mutations, state) is what kubectl really sent.

import { execa } from 'execa';
import { startK8sApiServer, type K8sApiServer } from '../support/k8s-api-server.js';
import { dispatchEngineSeed, pod } from '../support/k8s-fixtures.js';

let server: K8sApiServer;

async function kubectl(...args: string[]) {
  return execa('kubectl', args, { env: server.env, reject: false, timeout: 20_000 });
}

beforeEach(async () => {
  server = await startK8sApiServer(dispatchEngineSeed(), {
    contexts: [
      { name: 'smp-asia', namespace: 'smp-prod' },
      {
        name: 'smp-china',
        namespace: 'smp-prod',
        seed: { pods: [pod({ name: 'dispatch-engine-cn-0001', labels: { app: 'dispatch-engine' } })] },
      },
      { name: 'smp-us', namespace: 'smp-prod' },
    ],
  });
});

afterEach(async () => {
  await server.close();
});

test('kubectl get pods -l lists the seeded pods with their status', async () => {
  const out = await kubectl('get', 'pods', '-l', 'app=dispatch-engine', '-n', 'smp-prod');
  expect(out.stderr).toBe('');
  expect(out.exitCode).toBe(0);
  const rows = out.stdout.trim().split('\n');
  expect(rows[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
  expect(rows.slice(1).map((r) => r.split(/\s+/).slice(0, 4))).toEqual([
    ['dispatch-engine-7c9d8f6b5-abcde', '1/1', 'Running', '0'],
    ['dispatch-engine-7c9d8f6b5-fghij', '0/1', 'CrashLoopBackOff', '7'],
    ['dispatch-engine-7c9d8f6b5-klmno', '0/1', 'CrashLoopBackOff', '7'],
  ]);
  const list = server.requests.find((r) => r.path === '/api/v1/namespaces/smp-prod/pods');
  expect(list?.query.labelSelector).toBe('app=dispatch-engine');
  expect(server.mutations).toEqual([]);
});

test('kubectl get -o json returns the stored objects', async () => {
  const out = await kubectl('get', 'deployment', 'dispatch-engine', '-n', 'smp-prod', '-o', 'json');
  expect(out.exitCode).toBe(0);
  const dep = JSON.parse(out.stdout);
  expect(dep.kind).toBe('Deployment');
  expect(dep.spec.replicas).toBe(3);
  expect(dep.metadata.annotations['deployment.kubernetes.io/revision']).toBe('2');
});

test('kubectl scale: one PATCH on the scale subresource, replicas changed', async () => {
  const out = await kubectl('scale', 'deployment/dispatch-engine', '--replicas=5', '-n', 'smp-prod');
  expect(out.stdout).toBe('deployment.apps/dispatch-engine scaled');
  expect(server.mutations).toHaveLength(1);
  expect(server.mutations[0]).toMatchObject({
    method: 'PATCH',
    path: '/apis/apps/v1/namespaces/smp-prod/deployments/dispatch-engine/scale',
    contentType: 'application/merge-patch+json',
    body: { spec: { replicas: 5 } },
    status: 200,
  });
  expect(server.get('deployments', 'smp-prod', 'dispatch-engine')?.spec.replicas).toBe(5);
});

test('kubectl rollout restart: one strategic merge PATCH stamping restartedAt', async () => {
  const out = await kubectl('rollout', 'restart', 'deployment/dispatch-engine', '-n', 'smp-prod');
  expect(out.stdout).toBe('deployment.apps/dispatch-engine restarted');
  expect(server.mutations).toHaveLength(1);
  expect(server.mutations[0]).toMatchObject({
    method: 'PATCH',
    path: '/apis/apps/v1/namespaces/smp-prod/deployments/dispatch-engine',
    contentType: 'application/strategic-merge-patch+json',
  });
  const dep = server.get('deployments', 'smp-prod', 'dispatch-engine')!;
  const stamp = dep.spec.template.metadata.annotations['kubectl.kubernetes.io/restartedAt'];
  expect(Date.parse(stamp)).toBeGreaterThan(Date.now() - 60_000);
  // A new pod template means a new revision, as the deployment controller does it.
  expect(dep.metadata.annotations['deployment.kubernetes.io/revision']).toBe('3');
});

test('kubectl rollout status and rollout undo work against the recorded history', async () => {
  await kubectl('rollout', 'restart', 'deployment/dispatch-engine', '-n', 'smp-prod');
  const status = await kubectl('rollout', 'status', 'deployment/dispatch-engine', '-n', 'smp-prod', '--timeout=10s');
  expect(status.stdout).toBe('deployment "dispatch-engine" successfully rolled out');
  expect(status.exitCode).toBe(0);

  const undo = await kubectl('rollout', 'undo', 'deployment/dispatch-engine', '-n', 'smp-prod');
  expect(undo.stdout).toBe('deployment.apps/dispatch-engine rolled back');
  expect(server.mutations.map((m) => `${m.method} ${m.contentType}`)).toEqual([
    'PATCH application/strategic-merge-patch+json',
    'PATCH application/json-patch+json',
  ]);
  const dep = server.get('deployments', 'smp-prod', 'dispatch-engine')!;
  // Back to revision 2's template (no restartedAt), which becomes revision 4.
  expect(dep.spec.template.metadata.annotations?.['kubectl.kubernetes.io/restartedAt']).toBeUndefined();
  expect(dep.metadata.annotations['deployment.kubernetes.io/revision']).toBe('4');

  const history = await kubectl('rollout', 'history', 'deployment/dispatch-engine', '-n', 'smp-prod');
  expect(history.stdout.split('\n').slice(2).filter(Boolean).map((l) => l.split(/\s+/)[0])).toEqual(['1', '3', '4']);
});

test('kubectl --context selects another cluster from the same kubeconfig', async () => {
  const china = await kubectl('--context=smp-china', 'get', 'pods', '-l', 'app=dispatch-engine', '-n', 'smp-prod', '-o', 'name');
  expect(china.stdout).toBe('pod/dispatch-engine-cn-0001');
  const us = await kubectl('--context=smp-us', 'get', 'pods', '-l', 'app=dispatch-engine', '-o', 'name');
  expect(us.stdout.split('\n')).toHaveLength(3);
  expect(server.clusters['smp-china'].requests.some((r) => r.path === '/api/v1/namespaces/smp-prod/pods')).toBe(true);
});

test('kubectl logs -l reads each pod, with --tail and --prefix', async () => {
  const out = await kubectl('logs', '-l', 'app=dispatch-engine', '-n', 'smp-prod', '--tail=1', '--prefix');
  expect(out.exitCode).toBe(0);
  expect(out.stdout.split('\n').sort()).toEqual([
    '[pod/dispatch-engine-7c9d8f6b5-abcde/app] INFO processed batch size=500',
    '[pod/dispatch-engine-7c9d8f6b5-fghij/app] ERROR consumer crashed, exiting',
    '[pod/dispatch-engine-7c9d8f6b5-klmno/app] ERROR java.lang.OutOfMemoryError: Java heap space',
  ]);
  const prev = await kubectl('logs', 'dispatch-engine-7c9d8f6b5-fghij', '-n', 'smp-prod', '--previous');
  expect(prev.stdout).toBe('ERROR java.lang.OutOfMemoryError: GC overhead limit exceeded');
});

test('kubectl delete pod, and a proper NotFound for unknown objects', async () => {
  const del = await kubectl('delete', 'pod', 'dispatch-engine-7c9d8f6b5-fghij', '-n', 'smp-prod', '--wait=false');
  expect(del.stdout).toBe('pod "dispatch-engine-7c9d8f6b5-fghij" deleted');
  expect(server.mutations).toHaveLength(1);
  expect(server.get('pods', 'smp-prod', 'dispatch-engine-7c9d8f6b5-fghij')).toBeUndefined();

  const missing = await kubectl('get', 'deployment', 'nope', '-n', 'smp-prod');
  expect(missing.exitCode).toBe(1);
  expect(missing.stderr).toBe('Error from server (NotFound): deployments.apps "nope" not found');
});

test('kubectl get events --field-selector filters on the server', async () => {
  const out = await kubectl('get', 'events', '-n', 'smp-prod', '--field-selector', 'type=Warning', '-o', 'name');
  expect(out.stdout.split('\n')).toHaveLength(2);
  const req = server.requests.find((r) => r.path === '/api/v1/namespaces/smp-prod/events');
  expect(req?.query.fieldSelector).toBe('type=Warning');
});
