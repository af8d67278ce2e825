// The read step types through @kubernetes/client-node against the test API server.

import { startK8sApiServer, type K8sApiServer } from '../support/k8s-api-server.js';
import { stepContext } from '../support/k8s-context.js';
import { deployment, dispatchEngineSeed, pod, statefulset } from '../support/k8s-fixtures.js';
import { k8sEvents } from '../../src/steps/k8s/events.js';
import { k8sLogs } from '../../src/steps/k8s/logs.js';
import { k8sPods } from '../../src/steps/k8s/pods.js';
import { k8sRolloutStatus } from '../../src/steps/k8s/rollout-status.js';
import { StepError } from '../../src/steps/types.js';

let server: K8sApiServer;

beforeAll(async () => {
  const seed = dispatchEngineSeed();
  seed.pods!.push(
    pod({ name: 'billing-0', namespace: 'smp-prod', labels: { app: 'billing' }, phase: 'Pending', restarts: 0 }),
    pod({ name: 'billing-1', namespace: 'smp-prod', labels: { app: 'billing' }, waitingReason: 'ImagePullBackOff' }),
    pod({ name: 'billing-2', namespace: 'smp-prod', labels: { app: 'billing' }, phase: 'Failed', podReason: 'Evicted' }),
  );
  seed.deployments!.push(
    deployment({
      name: 'stuck',
      replicas: 4,
      status: { observedGeneration: 1, replicas: 5, updatedReplicas: 2, readyReplicas: 3, availableReplicas: 3 },
    }),
    deployment({
      name: 'deadline',
      replicas: 2,
      status: {
        observedGeneration: 1,
        replicas: 2,
        updatedReplicas: 1,
        readyReplicas: 1,
        availableReplicas: 1,
        conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }],
      },
    }),
  );
  seed.statefulsets!.push(
    statefulset({ name: 'kafka-connect', replicas: 3, status: { observedGeneration: 1, replicas: 3, readyReplicas: 1, updatedReplicas: 3 } }),
  );
  server = await startK8sApiServer(seed);
});

afterAll(async () => {
  await server.close();
});

const ctx = () => stepContext(server.env);

describe('k8s.pods', () => {
  test('counts crash-looping and OOM-killed pods and sums restarts', async () => {
    const out = await k8sPods.run(ctx(), { selector: 'app=dispatch-engine', namespace: 'smp-prod' });
    expect(out.ok).toBe(true);
    expect(out.summary).toBe('3 pods: 1 ready, 2 CrashLoopBackOff (OOMKilled), 14 restarts');
    expect(out.result).toMatchObject({
      context: 'smp-asia',
      namespace: 'smp-prod',
      total: 3,
      ready: 1,
      notReady: 2,
      running: 3,
      pending: 0,
      failed: 0,
      crashLooping: 2,
      oomKilled: 2,
      restarts: 14,
      allReady: false,
      reasons: { CrashLoopBackOff: 2 },
      lastTerminationReasons: { OOMKilled: 2 },
    });
    expect(out.result.pods[1]).toEqual({
      name: 'dispatch-engine-7c9d8f6b5-fghij',
      phase: 'Running',
      ready: false,
      restarts: 7,
      waitingReason: 'CrashLoopBackOff',
      lastTerminationReason: 'OOMKilled',
      node: 'node-b',
      status: 'CrashLoopBackOff',
    });
    // The selector went to the server, not filtered client-side.
    const req = server.requests.filter((r) => r.path === '/api/v1/namespaces/smp-prod/pods').at(-1);
    expect(req?.query.labelSelector).toBe('app=dispatch-engine');
  });

  test('takes the namespace from the context when the step gives none', async () => {
    const out = await k8sPods.run(ctx(), { selector: 'app=order-api' });
    expect(out.result).toMatchObject({ namespace: 'smp-prod', total: 2, ready: 2, allReady: true, restarts: 0, reasons: {} });
    expect(out.summary).toBe('2 pods: 2 ready, 0 restarts');
  });

  test('pending, image-pull and evicted pods each have their reason', async () => {
    const out = await k8sPods.run(ctx(), { selector: 'app=billing', namespace: 'smp-prod' });
    expect(out.result).toMatchObject({
      total: 3,
      ready: 0,
      pending: 1,
      failed: 1,
      running: 1,
      crashLooping: 0,
      reasons: { ContainerCreating: 1, ImagePullBackOff: 1, Evicted: 1 },
    });
  });

  test('no match is a result, not an error', async () => {
    const out = await k8sPods.run(ctx(), { selector: 'app=nothing', namespace: 'smp-prod' });
    expect(out.result).toMatchObject({ total: 0, allReady: false });
    expect(out.summary).toBe('no pods match app=nothing in smp-prod (context smp-asia)');
  });
});

describe('k8s.rollout-status', () => {
  test('a complete statefulset and an incomplete deployment, judged as kubectl does', async () => {
    const sts = await k8sRolloutStatus.run(ctx(), { kind: 'statefulset', name: 'redis-cache' });
    expect(sts.result).toMatchObject({ kind: 'statefulset', desired: 3, ready: 3, complete: true });
    expect(sts.result.message).toBe('partitioned roll out complete: 3 new pods have been updated...');

    const dep = await k8sRolloutStatus.run(ctx(), { kind: 'deployment', name: 'dispatch-engine', namespace: 'smp-prod' });
    expect(dep.result).toMatchObject({
      desired: 3,
      current: 3,
      ready: 1,
      updated: 3,
      available: 1,
      unavailable: 2,
      complete: false,
      failed: false,
      revision: '2',
      generation: 1,
      observedGeneration: 1,
    });
    expect(dep.summary).toBe(
      'deployment/dispatch-engine: 1/3 ready, 3 updated, 1 available; Waiting for deployment "dispatch-engine" rollout to finish: 1 of 3 updated replicas are available...',
    );
  });

  test('old replicas pending, progress deadline exceeded, pods not ready', async () => {
    const stuck = await k8sRolloutStatus.run(ctx(), { kind: 'deployment', name: 'stuck' });
    expect(stuck.result.message).toBe('Waiting for deployment "stuck" rollout to finish: 2 out of 4 new replicas have been updated...');
    const deadline = await k8sRolloutStatus.run(ctx(), { kind: 'deployment', name: 'deadline' });
    expect(deadline.result).toMatchObject({ complete: false, failed: true, message: 'deployment "deadline" exceeded its progress deadline' });
    const sts = await k8sRolloutStatus.run(ctx(), { kind: 'statefulset', name: 'kafka-connect' });
    expect(sts.result).toMatchObject({ complete: false, message: 'Waiting for 2 pods to be ready...' });
  });

  test('an unknown deployment is a one-line not-found error naming the context', async () => {
    const err = await k8sRolloutStatus.run(ctx(), { kind: 'deployment', name: 'nope' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StepError);
    expect((err as StepError).code).toBe('not-found');
    expect((err as StepError).message).toBe('get deployment/nope in smp-prod (context smp-asia): deployments.apps "nope" not found');
  });
});

describe('k8s.logs', () => {
  test('counts pattern matches across pods and keeps the first maxLines, prefixed', async () => {
    const out = await k8sLogs.run(ctx(), { selector: 'app=dispatch-engine', pattern: 'OutOfMemoryError', maxLines: 1 });
    expect(out.result).toMatchObject({ pods: 3, linesRead: 10, matches: 2, truncated: true, errors: [] });
    expect(out.result.matchesByPod).toEqual({
      'dispatch-engine-7c9d8f6b5-abcde': 0,
      'dispatch-engine-7c9d8f6b5-fghij': 1,
      'dispatch-engine-7c9d8f6b5-klmno': 1,
    });
    expect(out.result.lines).toEqual(['[pod/dispatch-engine-7c9d8f6b5-fghij/app] ERROR java.lang.OutOfMemoryError: Java heap space']);
    expect(out.summary).toBe('2 lines matching /OutOfMemoryError/ in 2/3 pods (10 lines read)');
    const logReqs = server.requests.filter((r) => r.path.endsWith('/log'));
    expect(logReqs.at(-1)?.query).toMatchObject({ container: 'app', tailLines: '200' });
  });

  test('tail limits lines per pod; no pattern keeps every line; ignoreCase', async () => {
    const tail = await k8sLogs.run(ctx(), { selector: 'app=dispatch-engine', tail: 1 });
    expect(tail.result).toMatchObject({ linesRead: 3, matches: 3, truncated: false });
    const ci = await k8sLogs.run(ctx(), { selector: 'app=dispatch-engine', pattern: 'error', ignoreCase: true });
    expect(ci.result.matches).toBe(3);
  });

  test('previous: pods without a previous container are reported, not fatal', async () => {
    const out = await k8sLogs.run(ctx(), { selector: 'app=dispatch-engine', previous: true, pattern: 'GC overhead' });
    expect(out.result.matches).toBe(1);
    expect(out.result.errors.map((e) => e.pod)).toEqual(['dispatch-engine-7c9d8f6b5-abcde', 'dispatch-engine-7c9d8f6b5-klmno']);
    expect(out.result.errors[0].message).toMatch(/previous terminated container "app" in pod "dispatch-engine-7c9d8f6b5-abcde" not found/);
  });

  test('some pods unreadable: the summary names them', async () => {
    const out = await k8sLogs.run(ctx(), { selector: 'app=dispatch-engine', previous: true, pattern: 'GC overhead' });
    expect(out.summary).toBe('1 line matching /GC overhead/ in 1/3 pods (1 lines read); unreadable: dispatch-engine-7c9d8f6b5-abcde, dispatch-engine-7c9d8f6b5-klmno');
  });

  test('no pod readable: the check observed nothing, so it fails as unreadable instead of reporting 0 matches', async () => {
    const err = await k8sLogs.run(ctx(), { selector: 'app=dispatch-engine', container: 'nosuch', pattern: 'ERROR' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StepError);
    expect((err as StepError).code).toBe('unreadable');
    expect((err as StepError).message).toMatch(/^unreadable: could not read the logs of any of the 3 pods \(.*container nosuch is not valid/);
  });

  test('an invalid regex is refused before any request', async () => {
    const before = server.requests.length;
    await expect(k8sLogs.run(ctx(), { selector: 'app=x', pattern: '(' })).rejects.toThrow(/pattern is not a valid regular expression/);
    expect(server.requests.length).toBe(before);
  });
});

describe('k8s.events', () => {
  test('newest first, with warnings counted and field selectors sent to the server', async () => {
    const all = await k8sEvents.run(ctx(), {});
    expect(all.result.count).toBe(5);
    expect(all.result.warnings).toBe(2);
    expect(all.result.events.map((e) => e.reason)).toEqual(['BackOff', 'BackOff', 'Pulled', 'Started', 'ScalingReplicaSet']);
    expect(all.result.events[0]).toMatchObject({
      type: 'Warning',
      object: 'Pod/dispatch-engine-7c9d8f6b5-fghij',
      count: 31,
      message: 'Back-off restarting failed container app in pod dispatch-engine-7c9d8f6b5-fghij',
    });
    expect(all.result.events[0].lastTimestamp).toMatch(/^\d{4}-\d\d-\d\dT/);

    const warnings = await k8sEvents.run(ctx(), { type: 'Warning', involvedObject: 'dispatch-engine-7c9d8f6b5-klmno', limit: 5 });
    expect(warnings.result).toMatchObject({ count: 1, warnings: 1, reasons: { BackOff: 29 } });
    const req = server.requests.filter((r) => r.path === '/api/v1/namespaces/smp-prod/events').at(-1);
    expect(req?.query.fieldSelector).toBe('involvedObject.name=dispatch-engine-7c9d8f6b5-klmno,type=Warning');

    const limited = await k8sEvents.run(ctx(), { limit: 2 });
    expect(limited.result).toMatchObject({ count: 5 });
    expect(limited.result.events).toHaveLength(2);
  });
});
