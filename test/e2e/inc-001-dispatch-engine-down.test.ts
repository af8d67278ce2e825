// INC-001 dispatch engine down, end to end: the real CLI and the real kubectl
// against the test Kubernetes API server (dispatch-engine crash-looping after
// OOM kills), the dispatch queue in a private redis-server, the engine's
// /health on a local HTTP peer. No TTY.
import type { Redis } from 'ioredis';
import { startK8sApiServer, type K8sApiServer } from '../support/k8s-api-server.js';
import { dispatchEngineSeed, pod } from '../support/k8s-fixtures.js';
import { startRedisServer, type PrivateRedis } from '../support/redis-server.js';
import { connect } from '../support/e2e-redis.js';
import { startHttpStub, type HttpStub } from '../support/e2e-http.js';
import { assertBuilt, expectExit, finished, ofType, oncallRun, scratch, startedIds, STACK_FRAME } from '../support/e2e-cli.js';

const QUEUE = 'dispatch:queue:HCMC';
const DEPLOYMENT_PATH = '/apis/apps/v1/namespaces/smp-prod/deployments/dispatch-engine';
const WAITING = 150;

let kube: K8sApiServer;
let redis: PrivateRedis;
let client: Redis;
let engine: HttpStub;
let home: ReturnType<typeof scratch>;
let restarted = false;
let drained: Promise<unknown> = Promise.resolve();

const run = (...args: string[]) =>
  oncallRun(
    home.dir,
    ['INC-001', '--non-interactive', '--json', '--set', `redis_url=${redis.url}`, '--set', `engine_url=${engine.url}`, '--set', 'brokers=127.0.0.1:1', ...args],
    { env: { KUBECONFIG: kube.env.KUBECONFIG, KUBECACHEDIR: kube.env.KUBECACHEDIR } },
  );

/**
 * What the cluster and the engine do after a rollout restart: the controller
 * replaces the crash-looping pods with healthy ones, and the engine, back up,
 * drains the dispatch queue.
 */
function afterRestart(): void {
  restarted = true;
  const pods = kube.state.pods;
  for (let i = pods.length - 1; i >= 0; i--) if (pods[i]!.metadata.labels?.app === 'dispatch-engine') pods.splice(i, 1);
  for (const suffix of ['qrstu', 'vwxyz', 'bcdfg']) {
    const p = pod({ name: `dispatch-engine-6b8f9d7c4-${suffix}`, labels: { app: 'dispatch-engine' }, ageMinutes: 0 });
    p.metadata.uid = `uid-${suffix}`;
    p.metadata.resourceVersion = '5000';
    pods.push(p);
  }
  drained = client.del(QUEUE);
}

beforeAll(async () => {
  assertBuilt();
  home = scratch();
  [kube, redis, engine] = await Promise.all([
    startK8sApiServer(dispatchEngineSeed()),
    startRedisServer(),
    startHttpStub(async (_method, path) => {
      if (path !== '/health') return { status: 404, body: 'not found' };
      await drained;
      return restarted ? { body: { status: 'UP' } } : { status: 503, body: { status: 'DOWN' } };
    }),
  ]);
  client = await connect(redis.url);
  await client.rpush(QUEUE, ...Array.from({ length: WAITING }, (_, i) => `order-${1000 + i}`));
  kube.hooks.afterRequest = (req) => {
    if (req.method === 'PATCH' && req.path === DEPLOYMENT_PATH && req.status === 200 && !restarted) afterRestart();
  };
}, 30_000);

afterAll(async () => {
  client?.disconnect();
  await Promise.all([kube?.close(), redis?.stop(), engine?.close()]);
  home?.cleanup();
});

const restartMutations = () => kube.mutations.filter((m) => m.path === DEPLOYMENT_PATH);

test('without --approve: the restart is recommended, the run stops before it (exit 3), zero mutations', async () => {
  const r = await run();
  expectExit(r, 3);
  expect(finished(r.events, 'pods')).toMatchObject({ status: 'ok', result: { total: 3, crashLooping: 2, oomKilled: 2, ready: 1 } });
  expect(finished(r.events, 'logs')!.result.matches).toBeGreaterThan(0);
  expect(finished(r.events, 'queue')).toMatchObject({ status: 'ok', result: { key: QUEUE, length: WAITING } });
  // Triage: crash loop (kubectl describe ran for real) and a full queue.
  expect(ofType(r.events, 'decision-made').filter((e) => e.decision === 'triage-case').map((e) => e.value)).toEqual(['crashloop', 'queue-full']);
  expect(finished(r.events, 'describe')).toMatchObject({ status: 'ok', kind: 'run' });

  const { choices } = ofType(r.events, 'decision-needed')[0]!;
  expect(choices.filter((c: { recommended: boolean }) => c.recommended).map((c: { id: string }) => c.id)).toEqual(['a']);
  expect(choices[0].evidence).toMatch(/^2 crash-looping and 2 not-ready of 3 pods; \d+ ERROR\/FATAL\/panic log lines$/);
  expect(ofType(r.events, 'decision-made').find((e) => e.decision === 'option')).toMatchObject({ value: 'a', by: 'auto-selected: recommended' });
  expect(ofType(r.events, 'approval-needed').map((e) => e.stepId)).toEqual(['restart']);
  expect(startedIds(r.events)).not.toContain('restart');
  expect(r.events.at(-1)).toMatchObject({ type: 'run-finished', outcome: 'stopped', exitCode: 3, approveHint: '--approve restart' });

  expect(kube.mutations).toEqual([]);
  expect(await client.llen(QUEUE)).toBe(WAITING);
});

test('--dry-run: zero mutations, the restart shown as its plan, the queue untouched', async () => {
  const r = await run('--dry-run');
  expectExit(r, 0);
  expect(r.events.at(-1)).toMatchObject({ type: 'run-finished', outcome: 'rehearsed' });
  expect(finished(r.events, 'restart')).toMatchObject({
    status: 'planned',
    summary: 'would restart deployment/dispatch-engine (3 pods) in smp-prod (context smp-asia)',
  });
  expect(finished(r.events, 'scale')).toMatchObject({ status: 'planned', summary: 'would scale deployment/dispatch-engine 3 → 5 in smp-prod (context smp-asia)' });
  expect(ofType(r.events, 'step-started').filter((e) => e.effect === 'write')).toEqual([]);
  // A rehearsal checks `until` conditions once: the engine is still down.
  expect(finished(r.events, 'health')).toMatchObject({ status: 'failed', reason: 'until' });
  expect(r.stdout).not.toMatch(STACK_FRAME);

  expect(kube.mutations).toEqual([]);
  expect(await client.llen(QUEUE)).toBe(WAITING);
});

test('--approve restart: exactly one rollout restart, no scale, the approval journaled, resolved once pods and queue recover', async () => {
  const r = await run('--approve', 'restart');
  expectExit(r, 0);
  expect(ofType(r.events, 'decision-made').find((e) => e.decision === 'option')).toMatchObject({ value: 'a', by: 'auto-selected: recommended' });
  expect(finished(r.events, 'restart')).toMatchObject({ status: 'ok', effect: 'write', result: { kind: 'deployment', name: 'dispatch-engine' } });
  expect(finished(r.events, 'podsup')).toMatchObject({ status: 'ok', result: { allReady: true, total: 3 } });
  expect(finished(r.events, 'health')).toMatchObject({ status: 'ok' });
  expect(finished(r.events, 'draining')).toMatchObject({ status: 'ok', result: { length: 0 } });
  expect(r.events.at(-1)).toMatchObject({ type: 'run-finished', outcome: 'resolved', exitCode: 0 });

  // One write reached the cluster: the rollout restart's patch. No scale, nothing else.
  expect(kube.mutations).toHaveLength(1);
  const [restart] = restartMutations();
  expect(restart).toMatchObject({ method: 'PATCH', status: 200, dryRun: false });
  const body = restart!.body as { spec: { template: { metadata: { annotations: Record<string, string> } } } };
  expect(Date.parse(body.spec.template.metadata.annotations['kubectl.kubernetes.io/restartedAt']!)).not.toBeNaN();
  expect(kube.mutations.filter((m) => m.path.endsWith('/scale'))).toEqual([]);

  const approval = r.journal.find((e) => e.type === 'approval-given')!;
  expect(approval).toMatchObject({ stepId: 'restart', optionId: 'a', stage: 'mitigate', via: 'flag' });
  expect(typeof approval.approver).toBe('string');
  expect(Date.parse(approval.at)).not.toBeNaN();
  // The approval comes before the write starts.
  const seq = (type: string) => r.journal.find((e) => e.type === type && e.stepId === 'restart')!.seq;
  expect(seq('approval-given')).toBeLessThan(seq('step-started'));
});
