// DRK-001 (seed 002, "something is down") end to end: the real CLI, real
// kubectl and jq against the test Kubernetes API server, curl against a
// loopback peer that is both the public site and Discord. "Did something just
// deploy? Probably that. Did something just change? Usually that": the newest
// change to a Deployment or ConfigMap (by someone other than the controllers)
// decides whether rolling back the deploy or the config is recommended, and a
// live run rolls the deploy back and keeps #status and #operations posted.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startK8sApiServer, type K8sObject, type K8sSeed } from '../support/k8s-api-server.js';
import { deployment, replicaSet } from '../support/k8s-fixtures.js';
import { assertBuilt, expectExit, finished, ofType, oncallRun, scratch, type Event } from '../support/e2e-cli.js';

const NS = 'darklang';
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** A darklang namespace where the apiserver deployment or a ConfigMap changed `deployMinutes` / `configMinutes` ago. */
function darklang(deployMinutes: number, configMinutes: number): K8sSeed {
  const dep = deployment({ name: 'apiserver-deployment', namespace: NS, revision: 2, labels: { app: 'apiserver' }, image: 'gcr.io/darklang/apiserver:bad' });
  dep.metadata.managedFields = [
    { manager: 'kube-controller-manager', operation: 'Update', subresource: 'status', apiVersion: 'apps/v1', time: minutesAgo(0), fieldsType: 'FieldsV1', fieldsV1: {} },
    { manager: 'kubectl-client-side-apply', operation: 'Update', apiVersion: 'apps/v1', time: minutesAgo(deployMinutes), fieldsType: 'FieldsV1', fieldsV1: {} },
  ];
  const configMap = (name: string, manager: string, minutes: number): K8sObject => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: NS, managedFields: [{ manager, operation: 'Update', apiVersion: 'v1', time: minutesAgo(minutes), fieldsType: 'FieldsV1', fieldsV1: {} }] },
    data: { SETTING: 'value' },
  });
  return {
    namespaces: [NS],
    deployments: [dep],
    replicasets: [replicaSet(dep, 1, 'gcr.io/darklang/apiserver:good', 'a1b2c3d4e5')],
    // The controller rewrites kube-root-ca.crt all the time: not a change anyone made.
    configmaps: [configMap('myconfig', 'kubectl-edit', configMinutes), configMap('kube-root-ca.crt', 'kube-controller-manager', 0)],
  };
}

interface Post {
  path: string;
  content: string;
}

/** The public site (GET /, with the execution-id header) and Discord's two webhooks (POST /api/webhooks/…). */
async function peer(): Promise<{ url: string; posts: Post[]; close(): Promise<void> }> {
  const posts: Post[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      if (req.method === 'POST' && req.url?.startsWith('/api/webhooks/')) {
        posts.push({ path: req.url, content: (JSON.parse(body) as { content: string }).content });
        res.writeHead(204).end();
        return;
      }
      res.writeHead(200, { 'Content-Type': 'text/html', 'x-darklang-execution-id': '1234567890' }).end('<html>ok</html>');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    posts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let home: ReturnType<typeof scratch>;
beforeAll(() => {
  assertBuilt();
  home = scratch('oncall-drk-');
});
afterAll(() => home?.cleanup());

async function run(seed: K8sSeed, args: string[]) {
  const [kube, site] = await Promise.all([startK8sApiServer(seed), peer()]);
  try {
    const r = await oncallRun(home.dir, ['DRK-001', '--json', '--set', `public_url=${site.url}`, ...args], {
      env: {
        ...kube.env,
        DISCORD_STATUS_WEBHOOK_URL: `${site.url}/api/webhooks/111/status-token`,
        DISCORD_OPERATIONS_WEBHOOK_URL: `${site.url}/api/webhooks/222/operations-token`,
        CLOUDSDK_CONFIG: home.dir,
      },
      timeoutMs: 90_000,
    });
    return { r, posts: site.posts, mutations: kube.mutations, kube };
  } finally {
    await Promise.all([kube.close(), site.close()]);
  }
}

const recommended = (events: Event[]) =>
  (ofType(events, 'decision-needed').find((e) => e.decision === 'option')!.choices as Array<{ id: string; recommended: boolean; evidence?: string }>).filter((c) => c.recommended);
const cases = (events: Event[]) => ofType(events, 'decision-made').filter((e) => e.decision === 'triage-case').map((e) => e.value);

test('a deploy 10 minutes ago: "probably that" — rollback-deploy is recommended with the change as evidence', async () => {
  const { r, mutations } = await run(darklang(10, 60 * 24 * 7), ['--dry-run']);
  expectExit(r, 0);
  expect(finished(r.events, 'changes')).toMatchObject({ status: 'ok', result: { json: { object: 'Deployment/apiserver-deployment', manager: 'kubectl-client-side-apply', minutes: 10 } } });
  expect(finished(r.events, 'reach')).toMatchObject({ status: 'ok', result: { json: { code: '200', ssl: 0, executionId: '1234567890' } } });
  expect(cases(r.events)).toEqual(expect.arrayContaining(['bad-deploy']));
  expect(cases(r.events)).not.toContain('bad-config');
  const rec = recommended(r.events);
  expect(rec.map((c) => c.id)).toEqual(['rollback-deploy']);
  expect(rec[0]!.evidence).toBe('Deployment/apiserver-deployment changed 10 min ago by kubectl-client-side-apply');
  expect(mutations).toEqual([]);
}, 120_000);

test('a ConfigMap edited 5 minutes ago: "usually that" — rollback-config is recommended; the controller\'s own writes do not count', async () => {
  const { r } = await run(darklang(60 * 24 * 2, 5), ['--dry-run']);
  expectExit(r, 0);
  expect(finished(r.events, 'changes')).toMatchObject({ result: { json: { object: 'ConfigMap/myconfig', manager: 'kubectl-edit', minutes: 5 } } });
  expect(cases(r.events)).toEqual(expect.arrayContaining(['bad-config']));
  expect(recommended(r.events).map((c) => c.id)).toEqual(['rollback-config']);
}, 120_000);

test('nothing changed lately: no rollback is recommended', async () => {
  const { r } = await run(darklang(60 * 24 * 2, 60 * 24 * 7), ['--dry-run']);
  expectExit(r, 0);
  expect(finished(r.events, 'changes')).toMatchObject({ result: { json: { object: 'Deployment/apiserver-deployment', minutes: 60 * 24 * 2 } } });
  expect(recommended(r.events)).toEqual([]);
}, 120_000);

test('live: #status first, the deploy rolled back, #operations and #status told what was done, then resolved', async () => {
  const approve = ['statusfirst', 'undo', 'operationslog', 'statusupdate', 'statusresolved'].flatMap((id) => ['--approve', id]);
  const { r, posts, mutations } = await run(darklang(10, 60 * 24 * 7), ['--non-interactive', ...approve]);
  expectExit(r, 0);
  expect(ofType(r.events, 'decision-made').find((e) => e.decision === 'option')).toMatchObject({ value: 'rollback-deploy', by: 'auto-selected: recommended' });
  expect(ofType(r.events, 'run-finished')[0]).toMatchObject({ outcome: 'resolved', exitCode: 0 });
  expect(finished(r.events, 'undo')).toMatchObject({ status: 'ok', result: { fromRevision: 2, toRevision: 1, toImages: ['gcr.io/darklang/apiserver:good'] } });
  expect(mutations.filter((m) => m.method === 'PATCH').map((m) => m.path)).toEqual([`/apis/apps/v1/namespaces/${NS}/deployments/apiserver-deployment`]);
  expect(posts.map((p) => p.path)).toEqual([
    '/api/webhooks/111/status-token',
    '/api/webhooks/222/operations-token',
    '/api/webhooks/111/status-token',
    '/api/webhooks/111/status-token',
  ]);
  expect(posts[0]!.content).toBe("We're aware that the Darklang editor may be down or misbehaving, and we're investigating. Next update here within 30 minutes.");
  expect(posts[1]!.content).toContain('last change Deployment/apiserver-deployment 10 min ago by kubectl-client-side-apply; HTTP 200;');
  expect(posts[1]!.content).toContain('Done: rolled back the deploy.');
  expect(posts[2]!.content).toBe('Update: we found the cause (a recent deploy), rolled it back, and are watching it recover. Next update within 30 minutes.');
  expect(posts[3]!.content).toBe('Resolved: the Darklang editor should be working normally again. Thanks for your patience.');
  expect(finished(r.events, 'reachok')).toMatchObject({ status: 'ok' });
  expect(finished(r.events, 'rolloutok')).toMatchObject({ status: 'ok' });
  // The webhook tokens are secrets: never on the screen or in the journal.
  expect(r.stdout + r.stderr + JSON.stringify(r.journal)).not.toMatch(/status-token|operations-token/);
}, 180_000);
