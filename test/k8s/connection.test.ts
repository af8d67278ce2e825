// How the integration finds and reaches a cluster: kubeconfig resolution as
// kubectl does it, and unreachable or hung API servers failing within the
// step's timeout with one clear line.

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closedPortUrl, startK8sApiServer, startStalledServer, writeKubeconfig, type K8sApiServer } from '../support/k8s-api-server.js';
import { stepContext } from '../support/k8s-context.js';
import { dispatchEngineSeed, pod } from '../support/k8s-fixtures.js';
import { connectKubernetes, kubeconfigPaths } from '../../src/integrations/kubernetes.js';
import { k8sPods } from '../../src/steps/k8s/pods.js';
import { k8sScale } from '../../src/steps/k8s/scale.js';
import { stepFailure } from '../support/step-failure.js';

let server: K8sApiServer;
let dir: string;

beforeAll(async () => {
  server = await startK8sApiServer(dispatchEngineSeed(), {
    token: 'secret-token-123',
    contexts: [
      { name: 'smp-asia', namespace: 'smp-prod' },
      { name: 'smp-china', namespace: 'smp-cn', seed: { pods: [pod({ name: 'dispatch-engine-cn-1', namespace: 'smp-cn', labels: { app: 'dispatch-engine' } })] } },
    ],
  });
  dir = mkdtempSync(join(tmpdir(), 'oncall-k8s-conn-'));
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});


describe('kubeconfig resolution', () => {
  test('KUBECONFIG lists files; the first to define a name or current-context wins (as kubectl)', async () => {
    const other = writeKubeconfig(join(dir, 'other'), [
      { name: 'staging', server: 'http://127.0.0.1:1', namespace: 'staging' },
      { name: 'smp-asia', server: 'http://127.0.0.1:1', namespace: 'wrong' },
    ]);
    const env = { KUBECONFIG: `${join(dir, 'missing')}:${server.kubeconfigPath}:${other}` };
    expect(kubeconfigPaths(env)).toEqual([join(dir, 'missing'), server.kubeconfigPath, other]);
    const kube = await connectKubernetes(stepContext(env), {});
    expect(kube).toMatchObject({ context: 'smp-asia', namespace: 'smp-prod', server: server.url });
    const staging = await connectKubernetes(stepContext(env), { context: 'staging' });
    expect(staging).toMatchObject({ context: 'staging', namespace: 'staging', server: 'http://127.0.0.1:1' });
  });

  test('without KUBECONFIG, ~/.kube/config under HOME', async () => {
    const home = join(dir, 'home');
    mkdirSync(join(home, '.kube'), { recursive: true });
    writeKubeconfig(join(home, '.kube', 'config'), [{ name: 'home-ctx', server: server.url }]);
    expect(kubeconfigPaths({ HOME: home })).toEqual([join(home, '.kube', 'config')]);
    const kube = await connectKubernetes(stepContext({ HOME: home }));
    // No namespace in the context: "default", as kubectl.
    expect(kube).toMatchObject({ context: 'home-ctx', namespace: 'default' });
  });

  test('the context override picks another cluster and its namespace', async () => {
    const out = await k8sPods.run(stepContext(server.env), { selector: 'app=dispatch-engine', context: 'smp-china' });
    expect(out.result).toMatchObject({ context: 'smp-china', namespace: 'smp-cn', total: 1 });
    expect(out.result.pods[0].name).toBe('dispatch-engine-cn-1');
  });

  test('an unknown context or a missing kubeconfig is a clear config error', async () => {
    const unknown = await stepFailure(connectKubernetes(stepContext(server.env), { context: 'smp-eu' }));
    expect(unknown.error.code).toBe('config');
    expect(unknown.error.message).toBe('context "smp-eu" not found in kubeconfig (known contexts: smp-asia, smp-china)');

    const none = await stepFailure(connectKubernetes(stepContext({ KUBECONFIG: join(dir, 'nope') })));
    expect(none.error.message).toBe(`no kubeconfig found (KUBECONFIG=${join(dir, 'nope')} does not exist)`);
  });

  test("the kubeconfig user's bearer token is sent", async () => {
    await k8sPods.run(stepContext(server.env), { selector: 'app=order-api' });
    expect(server.requests.at(-1)?.authorization).toBe('Bearer secret-token-123');
  });
});

describe('unreachable API servers fail within the step timeout', () => {
  test('a closed port: connection refused, at once', async () => {
    const url = await closedPortUrl();
    const kubeconfig = writeKubeconfig(join(dir, 'closed'), [{ name: 'smp-asia', server: url, namespace: 'smp-prod' }]);
    const { error, ms: elapsed } = await stepFailure(k8sPods.run(stepContext({ KUBECONFIG: kubeconfig }, 1500), { selector: 'app=x' }));
    expect(error.message).toBe(`kubernetes API at ${url} (context smp-asia) refused the connection`);
    expect(error.code).toBe('unreachable');
    expect(elapsed).toBeLessThan(1500);
  });

  test('a server that accepts connections and never answers: timeout message within the timeout', async () => {
    const stalled = await startStalledServer();
    try {
      const kubeconfig = writeKubeconfig(join(dir, 'stalled'), [{ name: 'smp-asia', server: stalled.url, namespace: 'smp-prod' }]);
      const ctx = stepContext({ KUBECONFIG: kubeconfig }, 1000);
      const { error, ms: elapsed } = await stepFailure(k8sPods.run(ctx, { selector: 'app=dispatch-engine' }));
      expect(error.message).toBe(`kubernetes API at ${stalled.url} (context smp-asia) did not answer within 1s`);
      expect(error.message).not.toContain('\n');
      expect(error.code).toBe('timeout');
      expect(elapsed).toBeGreaterThanOrEqual(950);
      expect(elapsed).toBeLessThan(1000 + 1000);
      expect(stalled.connections()).toBe(1);

      // A write's plan honours the same deadline.
      const plan = await stepFailure(
        k8sScale.plan!(stepContext({ KUBECONFIG: kubeconfig }, 1200), { kind: 'deployment', name: 'dispatch-engine', replicas: 5, maxReplicas: 6 }),
      );
      expect(plan.error.message).toBe(`kubernetes API at ${stalled.url} (context smp-asia) did not answer within 1.2s`);
      expect(plan.ms).toBeLessThan(1200 + 1000);
    } finally {
      await stalled.close();
    }
  });

  test('the deadline covers the whole step, not each request', async () => {
    const stalled = await startStalledServer();
    try {
      const kubeconfig = writeKubeconfig(join(dir, 'stalled2'), [{ name: 'smp-asia', server: stalled.url }]);
      const kube = await connectKubernetes(stepContext({ KUBECONFIG: kubeconfig }, 800));
      const started = Date.now();
      const first = kube.call('list pods', (o) => kube.core.listNamespacedPod({ namespace: 'default' }, o));
      await expect(first).rejects.toThrow(/did not answer within 0.8s/);
      // Once the step's time is up, further calls fail at once.
      await expect(kube.call('list pods', (o) => kube.core.listNamespacedPod({ namespace: 'default' }, o))).rejects.toThrow(
        /did not answer within 0.8s/,
      );
      expect(Date.now() - started).toBeLessThan(800 + 1000);
    } finally {
      await stalled.close();
    }
  });

  test("the run's abort signal cancels a request in flight", async () => {
    const stalled = await startStalledServer();
    try {
      const kubeconfig = writeKubeconfig(join(dir, 'stalled3'), [{ name: 'smp-asia', server: stalled.url }]);
      const controller = new AbortController();
      const ctx = { ...stepContext({ KUBECONFIG: kubeconfig }, 10_000), signal: controller.signal };
      setTimeout(() => controller.abort(), 100);
      const { error, ms: elapsed } = await stepFailure(k8sPods.run(ctx, { selector: 'app=x' }));
      expect(error.code).toBe('cancelled');
      expect(error.message).toBe(`kubernetes API at ${stalled.url} (context smp-asia): request cancelled`);
      expect(elapsed).toBeLessThan(1000);
    } finally {
      await stalled.close();
    }
  });
});
