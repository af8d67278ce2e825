// The write step types: plan() reads and never mutates; run() mutates exactly
// once, the way kubectl would, and refuses what the runbook forbids.

import { execa } from 'execa';
import { startK8sApiServer, type K8sApiServer } from '../support/k8s-api-server.js';
import { stepContext } from '../support/k8s-context.js';
import { deployment, dispatchEngineSeed } from '../support/k8s-fixtures.js';
import { k8sRolloutRestart } from '../../src/steps/k8s/rollout-restart.js';
import { k8sRolloutUndo } from '../../src/steps/k8s/rollout-undo.js';
import { k8sScale } from '../../src/steps/k8s/scale.js';
import { StepError } from '../../src/steps/types.js';

let server: K8sApiServer;

beforeEach(async () => {
  const seed = dispatchEngineSeed();
  seed.deployments!.push(deployment({ name: 'paused-api', paused: true }));
  server = await startK8sApiServer(seed);
});

afterEach(async () => {
  await server.close();
});

const ctx = () => stepContext(server.env);
const dispatchEngine = () => server.get('deployments', 'smp-prod', 'dispatch-engine')!;

describe('k8s.scale', () => {
  const input = { kind: 'deployment' as const, name: 'dispatch-engine', namespace: 'smp-prod', replicas: 5, maxReplicas: 6 };

  test('plan shows 3 → 5 with the target, and mutates nothing', async () => {
    const plan = await k8sScale.plan!(ctx(), input);
    expect(plan).toEqual({
      summary: 'would scale deployment/dispatch-engine 3 → 5 in smp-prod (context smp-asia)',
      target: 'smp-asia/smp-prod',
      details: ['maxReplicas 6', `API server ${server.url}`],
    });
    expect(server.mutations).toEqual([]);
    expect(dispatchEngine().spec.replicas).toBe(3);
  });

  test('run patches the scale subresource once, guarded by the replicas it read', async () => {
    const out = await k8sScale.run(ctx(), input);
    expect(out.result).toEqual({ context: 'smp-asia', namespace: 'smp-prod', kind: 'deployment', name: 'dispatch-engine', from: 3, to: 5, changed: true });
    expect(out.summary).toBe('scaled deployment/dispatch-engine 3 → 5 in smp-prod (context smp-asia)');
    expect(server.mutations).toHaveLength(1);
    expect(server.mutations[0]).toMatchObject({
      method: 'PATCH',
      path: '/apis/apps/v1/namespaces/smp-prod/deployments/dispatch-engine/scale',
      contentType: 'application/json-patch+json',
      body: [
        { op: 'test', path: '/spec/replicas', value: 3 },
        { op: 'replace', path: '/spec/replicas', value: 5 },
      ],
      status: 200,
    });
    expect(dispatchEngine().spec.replicas).toBe(5);
  });

  test('statefulsets scale through their own scale subresource', async () => {
    const out = await k8sScale.run(ctx(), { kind: 'statefulset', name: 'redis-cache', replicas: 1, maxReplicas: 3 });
    expect(out.result).toMatchObject({ from: 3, to: 1 });
    expect(server.mutations.map((m) => m.path)).toEqual(['/apis/apps/v1/namespaces/smp-prod/statefulsets/redis-cache/scale']);
    expect(server.get('statefulsets', 'smp-prod', 'redis-cache')!.spec.replicas).toBe(1);
  });

  test('refuses beyond maxReplicas, in plan and run, before touching the API', async () => {
    const over = { ...input, replicas: 7 };
    for (const call of [() => k8sScale.plan!(ctx(), over), () => k8sScale.run(ctx(), over)]) {
      const err = await call().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StepError);
      expect((err as StepError).code).toBe('refused');
      expect((err as StepError).message).toBe('refusing to scale deployment/dispatch-engine to 7 replicas: above maxReplicas 6');
    }
    expect(server.requests.filter((r) => r.path.startsWith('/apis'))).toEqual([]);
  });

  test('scaling to the current count changes nothing', async () => {
    const out = await k8sScale.run(ctx(), { ...input, replicas: 3 });
    expect(out.result.changed).toBe(false);
    expect(out.summary).toBe('deployment/dispatch-engine already at 3 replicas in smp-prod (context smp-asia)');
    expect(server.mutations).toEqual([]);
  });

  test('a concurrent change between read and patch fails the step instead of overriding it', async () => {
    // An autoscaler moves replicas to 4 right after our read: the patch's test op must catch it.
    server.hooks.afterRequest = (r) => {
      if (r.method === 'GET' && r.path.endsWith('/deployments/dispatch-engine/scale')) dispatchEngine().spec.replicas = 4;
    };
    const err = await k8sScale.run(ctx(), input).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StepError);
    expect((err as StepError).code).toBe('conflict');
    expect((err as StepError).message).toBe(
      'deployment/dispatch-engine no longer has 3 replicas (changed while scaling: an autoscaler or a colleague?); not scaled',
    );
    expect(server.mutations.map((m) => m.status)).toEqual([422]);
    expect(dispatchEngine().spec.replicas).toBe(4);
  });
});

describe('k8s.rollout-restart', () => {
  test('plan names the pods and target; run patches restartedAt once, as kubectl does', async () => {
    const plan = await k8sRolloutRestart.plan!(ctx(), { kind: 'deployment', name: 'dispatch-engine' });
    expect(plan.summary).toBe('would restart deployment/dispatch-engine (3 pods) in smp-prod (context smp-asia)');
    expect(plan.target).toBe('smp-asia/smp-prod');
    expect(server.mutations).toEqual([]);

    const out = await k8sRolloutRestart.run(ctx(), { kind: 'deployment', name: 'dispatch-engine' });
    expect(server.mutations).toHaveLength(1);
    expect(server.mutations[0]).toMatchObject({
      method: 'PATCH',
      path: '/apis/apps/v1/namespaces/smp-prod/deployments/dispatch-engine',
      contentType: 'application/strategic-merge-patch+json',
      body: { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': out.result.restartedAt } } } } },
    });
    expect(dispatchEngine().spec.template.metadata.annotations['kubectl.kubernetes.io/restartedAt']).toBe(out.result.restartedAt);
    expect(out.result).toMatchObject({ kind: 'deployment', name: 'dispatch-engine', pods: 3 });
    expect(out.summary).toBe('restarted deployment/dispatch-engine (3 pods) in smp-prod (context smp-asia)');
  });

  test('refuses a paused deployment, like kubectl', async () => {
    await expect(k8sRolloutRestart.run(ctx(), { kind: 'deployment', name: 'paused-api' })).rejects.toThrow(
      'cannot restart paused deployment/paused-api (run kubectl rollout resume deployment/paused-api first)',
    );
    expect(server.mutations).toEqual([]);
  });
});

describe('k8s.rollout-undo', () => {
  test('plan says which revision; run puts the previous template back, like kubectl rollout undo', async () => {
    const plan = await k8sRolloutUndo.plan!(ctx(), { kind: 'deployment', name: 'dispatch-engine' });
    expect(plan.summary).toBe('would roll back deployment/dispatch-engine from revision 2 to revision 1 in smp-prod (context smp-asia)');
    expect(plan.details).toEqual(['image registry.local/dispatch-engine:1.4.2 → registry.local/dispatch-engine:1.4.1']);
    expect(server.mutations).toEqual([]);

    const out = await k8sRolloutUndo.run(ctx(), { kind: 'deployment', name: 'dispatch-engine' });
    expect(out.result).toMatchObject({ fromRevision: 2, toRevision: 1, toImages: ['registry.local/dispatch-engine:1.4.1'] });
    expect(server.mutations).toHaveLength(1);
    expect(server.mutations[0].contentType).toBe('application/json-patch+json');
    const dep = dispatchEngine();
    expect(dep.spec.template.spec.containers[0].image).toBe('registry.local/dispatch-engine:1.4.1');
    expect(dep.spec.template.metadata.labels).toEqual({ app: 'dispatch-engine' });
    // The controller reuses revision 1's ReplicaSet as revision 3.
    expect(dep.metadata.annotations['deployment.kubernetes.io/revision']).toBe('3');

    // kubectl sees the same history afterwards.
    const history = await execa('kubectl', ['rollout', 'history', 'deployment/dispatch-engine', '-n', 'smp-prod'], { env: server.env });
    expect(history.stdout.split('\n').slice(2).filter(Boolean).map((l) => l.split(/\s+/)[0])).toEqual(['2', '3']);
  });

  test('refuses clearly when there is no previous revision', async () => {
    const err = await k8sRolloutUndo.plan!(ctx(), { kind: 'deployment', name: 'order-api' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StepError);
    expect((err as StepError).message).toBe(
      'deployment/order-api has no previous revision to roll back to (current revision 1, revisions kept: 1)',
    );
    await expect(k8sRolloutUndo.run(ctx(), { kind: 'deployment', name: 'order-api' })).rejects.toThrow(/no previous revision/);
    expect(server.mutations).toEqual([]);
  });

  test('a restart followed by an undo returns to the template before the restart', async () => {
    await k8sRolloutRestart.run(ctx(), { kind: 'deployment', name: 'dispatch-engine' });
    const out = await k8sRolloutUndo.run(ctx(), { kind: 'deployment', name: 'dispatch-engine' });
    expect(out.result).toMatchObject({ fromRevision: 3, toRevision: 2 });
    expect(dispatchEngine().spec.template.metadata.annotations?.['kubectl.kubernetes.io/restartedAt']).toBeUndefined();
    expect(dispatchEngine().spec.template.spec.containers[0].image).toBe('registry.local/dispatch-engine:1.4.2');
  });
});
