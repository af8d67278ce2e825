// The one kubeconfig resolver (src/integrations/kubeconfig.ts), checked case by
// case against the real kubectl as the oracle: `kubectl config view --minify`
// for the context, namespace and server it settles on, and a real
// `kubectl get pods` against live test API servers for where its request
// actually goes (which also covers -n/--server/--cluster, which `config view`
// ignores). Then end to end: the prompt's view, kubectl and the client from
// kubernetes.ts all land on the same server and namespace.

import { execa } from 'execa';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { mergedKubeconfig, resolveKubeconfig, type KubeconfigFlags, type KubeconfigView } from '../../src/integrations/kubeconfig.js';
import { connectKubernetes } from '../../src/integrations/kubernetes.js';
import { k8sPods } from '../../src/steps/k8s/pods.js';
import { startK8sApiServer, type K8sApiServer, type K8sCluster } from '../support/k8s-api-server.js';
import { stepContext } from '../support/k8s-context.js';
import { dispatchEngineSeed } from '../support/k8s-fixtures.js';
import { stepFailure } from '../support/step-failure.js';

type Env = Record<string, string | undefined>;

let server: K8sApiServer;
let root: string;
/** Three API servers with distinct URLs, so the server a request reached tells which cluster entry won. */
let S1: K8sCluster, S2: K8sCluster, S3: K8sCluster;

beforeAll(async () => {
  server = await startK8sApiServer({}, { contexts: [{ name: 's1', seed: {} }, { name: 's2', seed: {} }, { name: 's3', seed: {} }] });
  ({ s1: S1, s2: S2, s3: S3 } = server.clusters);
  root = mkdtempSync(join(tmpdir(), 'oncall-kubeconfig-'));
});

afterAll(async () => {
  await server?.close();
  rmSync(root, { recursive: true, force: true });
});

const user = { name: 'u', user: { token: 'oncall-test-token' } };
const cluster = (name: string, url: string) => ({ name, cluster: { server: url } });
const context = (name: string, clusterName: string, namespace?: string) => ({
  name,
  context: { cluster: clusterName, user: 'u', ...(namespace ? { namespace } : {}) },
});
const config = (body: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'Config', ...body });

let caseNo = 0;
/** A fresh directory with the given files (objects are written as YAML) and an empty HOME. */
function scenario(files: Record<string, object | string>) {
  const dir = join(root, `case-${++caseNo}`);
  const home = join(dir, 'home');
  mkdirSync(home, { recursive: true });
  for (const [name, content] of Object.entries(files)) {
    const path = join(dir, name);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, typeof content === 'string' ? content : stringify(content));
  }
  const p = (name: string) => join(dir, name);
  return { dir, home, p };
}

/** Child env with nothing inherited but PATH: no stray KUBECONFIG from the machine running the tests. */
function childEnv(env: Env, dir: string): Record<string, string> {
  const out: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', KUBECACHEDIR: join(dir, 'kube-cache') };
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}

function globalArgs(flags: KubeconfigFlags, only?: Array<keyof KubeconfigFlags>): string[] {
  const names: Record<keyof KubeconfigFlags, string> = {
    kubeconfig: '--kubeconfig',
    context: '--context',
    namespace: '--namespace',
    cluster: '--cluster',
    user: '--user',
    server: '--server',
  };
  return (Object.keys(names) as Array<keyof KubeconfigFlags>)
    .filter((k) => flags[k] !== undefined && (!only || only.includes(k)))
    .flatMap((k) => [names[k], flags[k]!]);
}

/** What `kubectl config view --minify` says: the context, its namespace (else default) and its cluster's server. */
async function kubectlView(env: Env, dir: string, flags: KubeconfigFlags) {
  const args = globalArgs(flags, ['kubeconfig', 'context']);
  const opts = { env: childEnv(env, dir), extendEnv: false, reject: false, timeout: 20_000 } as const;
  const out = await execa('kubectl', ['config', 'view', '--minify', '-o', 'json', ...args], opts);
  if (out.exitCode !== 0) {
    const missing = /cannot locate context (\S+)/.exec(out.stderr);
    if (missing) return { context: missing[1], namespace: 'default', server: undefined };
    expect(out.stderr).toContain('current-context must exist in order to minify');
    const full = JSON.parse((await execa('kubectl', ['config', 'view', '-o', 'json', ...args], opts)).stdout);
    return { context: full['current-context'] || undefined, namespace: 'default', server: undefined };
  }
  const cfg = JSON.parse(out.stdout);
  return {
    context: cfg['current-context'] || undefined,
    namespace: cfg.contexts?.[0]?.context?.namespace || 'default',
    server: cfg.clusters?.[0]?.cluster?.server as string | undefined,
  };
}

/** Runs the real `kubectl get pods` and reports which server got the pod list and for which namespace. */
async function kubectlGetPods(env: Env, dir: string, flags: KubeconfigFlags) {
  const clusters = [S1, S2, S3, server];
  const before = clusters.map((c) => c.requests.length);
  const out = await execa('kubectl', [...globalArgs(flags), 'get', 'pods', '-o', 'name', '--request-timeout=10s'], {
    env: childEnv(env, dir),
    extendEnv: false,
    reject: false,
    timeout: 20_000,
  });
  expect(out.stderr).not.toMatch(/error/i);
  expect(out.exitCode).toBe(0);
  return clusters.flatMap((c, i) =>
    c.requests
      .slice(before[i])
      .filter((r) => /^\/api\/v1\/namespaces\/[^/]+\/pods$/.test(r.path))
      .map((r) => ({ server: c.url, namespace: r.path.split('/')[4] })),
  );
}

interface Case {
  name: string;
  setup(): { env: Env; dir: string; flags?: KubeconfigFlags; p: (name: string) => string };
  expected(): Partial<KubeconfigView> & { namespace: string };
  /** Also run `kubectl get pods` (needs a context that reaches one of the test servers). */
  live?: boolean;
}

const cases: Case[] = [
  {
    name: 'current-context set in a, the context defined only in b (the incident)',
    setup() {
      const s = scenario({
        'a.yaml': config({ 'current-context': 'prod' }),
        'b.yaml': config({ clusters: [cluster('c', S2.url)], users: [user], contexts: [context('prod', 'c', 'smp-prod')] }),
      });
      return { ...s, env: { HOME: s.home, KUBECONFIG: [s.p('a.yaml'), s.p('b.yaml')].join(delimiter) } };
    },
    expected: () => ({ context: 'prod', namespace: 'smp-prod', server: S2.url, cluster: 'c', user: 'u' }),
    live: true,
  },
  {
    name: 'the same context name in both files: the first definition wins, whole',
    setup() {
      const s = scenario({
        'a.yaml': config({ 'current-context': 'prod', clusters: [cluster('ca', S1.url)], users: [user], contexts: [context('prod', 'ca', 'from-a')] }),
        'b.yaml': config({ 'current-context': 'other', clusters: [cluster('cb', S2.url)], users: [user], contexts: [context('prod', 'cb', 'from-b')] }),
      });
      return { ...s, env: { HOME: s.home, KUBECONFIG: [s.p('a.yaml'), s.p('b.yaml')].join(delimiter) } };
    },
    expected: () => ({ context: 'prod', namespace: 'from-a', server: S1.url, cluster: 'ca' }),
    live: true,
  },
  {
    name: 'a first definition without a namespace is not filled in from a later file',
    setup() {
      const s = scenario({
        'a.yaml': config({ 'current-context': 'prod', contexts: [context('prod', 'c')] }),
        'b.yaml': config({ clusters: [cluster('c', S3.url)], users: [user], contexts: [context('prod', 'c', 'from-b')] }),
      });
      return { ...s, env: { HOME: s.home, KUBECONFIG: [s.p('a.yaml'), s.p('b.yaml')].join(delimiter) } };
    },
    expected: () => ({ context: 'prod', namespace: 'default', server: S3.url }),
    live: true,
  },
  {
    name: "the same cluster name in both files: the first file's server, even for a context from the second",
    setup() {
      const s = scenario({
        'a.yaml': config({ 'current-context': 'prod', clusters: [cluster('shared', S1.url)] }),
        'b.yaml': config({ clusters: [cluster('shared', S2.url)], users: [user], contexts: [context('prod', 'shared', 'smp-prod')] }),
      });
      return { ...s, env: { HOME: s.home, KUBECONFIG: [s.p('a.yaml'), s.p('b.yaml')].join(delimiter) } };
    },
    expected: () => ({ context: 'prod', namespace: 'smp-prod', server: S1.url }),
    live: true,
  },
  {
    name: 'an empty current-context in the first file does not count as set',
    setup() {
      const s = scenario({
        'a.yaml': config({ 'current-context': '' }),
        'b.yaml': config({
          'current-context': 'staging',
          clusters: [cluster('c', S3.url)],
          users: [user],
          contexts: [context('staging', 'c', 'staging')],
        }),
      });
      return { ...s, env: { HOME: s.home, KUBECONFIG: [s.p('a.yaml'), s.p('b.yaml')].join(delimiter) } };
    },
    expected: () => ({ context: 'staging', namespace: 'staging', server: S3.url }),
    live: true,
  },
  {
    name: '--context overrides current-context',
    setup() {
      const s = scenario({
        'a.yaml': config({ 'current-context': 'prod' }),
        'b.yaml': config({
          clusters: [cluster('c', S2.url), cluster('d', S3.url)],
          users: [user],
          contexts: [context('prod', 'c', 'smp-prod'), context('dr', 'd', 'smp-dr')],
        }),
      });
      return { ...s, env: { HOME: s.home, KUBECONFIG: [s.p('a.yaml'), s.p('b.yaml')].join(delimiter) }, flags: { context: 'dr' } };
    },
    expected: () => ({ context: 'dr', namespace: 'smp-dr', server: S3.url, cluster: 'd' }),
    live: true,
  },
  {
    name: '-n overrides the context namespace',
    setup() {
      const s = scenario({
        'a.yaml': config({ 'current-context': 'prod' }),
        'b.yaml': config({ clusters: [cluster('c', S2.url)], users: [user], contexts: [context('prod', 'c', 'smp-prod')] }),
      });
      return { ...s, env: { HOME: s.home, KUBECONFIG: [s.p('a.yaml'), s.p('b.yaml')].join(delimiter) }, flags: { namespace: 'smp-canary' } };
    },
    expected: () => ({ context: 'prod', namespace: 'smp-canary', server: S2.url }),
    live: true,
  },
  {
    name: '--cluster and --server override where the context points',
    setup() {
      const s = scenario({
        'a.yaml': config({
          'current-context': 'prod',
          clusters: [cluster('c', S1.url), cluster('other', S2.url)],
          users: [user],
          contexts: [context('prod', 'c', 'smp-prod')],
        }),
      });
      return { ...s, env: { HOME: s.home, KUBECONFIG: s.p('a.yaml') }, flags: { cluster: 'other' } };
    },
    expected: () => ({ context: 'prod', namespace: 'smp-prod', server: S2.url, cluster: 'other' }),
    live: true,
  },
  {
    name: '--server beats the cluster entry',
    setup() {
      const s = scenario({
        'a.yaml': config({ 'current-context': 'prod', clusters: [cluster('c', S1.url)], users: [user], contexts: [context('prod', 'c', 'smp-prod')] }),
      });
      return { ...s, env: { HOME: s.home, KUBECONFIG: s.p('a.yaml') }, flags: { server: S3.url } };
    },
    expected: () => ({ context: 'prod', namespace: 'smp-prod', server: S3.url }),
    live: true,
  },
  {
    name: 'a missing file and empty entries in the list are ignored',
    setup() {
      const s = scenario({
        'a.yaml': config({ 'current-context': 'prod' }),
        'b.yaml': config({ clusters: [cluster('c', S2.url)], users: [user], contexts: [context('prod', 'c', 'smp-prod')] }),
      });
      const list = ['', s.p('missing.yaml'), s.p('a.yaml'), '', s.p('b.yaml'), ''].join(delimiter);
      return { ...s, env: { HOME: s.home, KUBECONFIG: list } };
    },
    expected: () => ({ context: 'prod', namespace: 'smp-prod', server: S2.url }),
    live: true,
  },
  {
    name: '--kubeconfig reads only that file, KUBECONFIG is ignored',
    setup() {
      const s = scenario({
        'a.yaml': config({ 'current-context': 'prod' }),
        'b.yaml': config({ clusters: [cluster('c', S2.url)], users: [user], contexts: [context('prod', 'c', 'smp-prod')] }),
        'c.yaml': config({ 'current-context': 'lab', clusters: [cluster('l', S3.url)], users: [user], contexts: [context('lab', 'l', 'lab')] }),
      });
      return {
        ...s,
        env: { HOME: s.home, KUBECONFIG: [s.p('a.yaml'), s.p('b.yaml')].join(delimiter) },
        flags: { kubeconfig: s.p('c.yaml') },
      };
    },
    expected: () => ({ context: 'lab', namespace: 'lab', server: S3.url }),
    live: true,
  },
  {
    name: 'without KUBECONFIG: ~/.kube/config under HOME from the env',
    setup() {
      const s = scenario({
        'home/.kube/config': config({ 'current-context': 'home', clusters: [cluster('h', S1.url)], users: [user], contexts: [context('home', 'h', 'home-ns')] }),
      });
      return { ...s, env: { HOME: s.home } };
    },
    expected: () => ({ context: 'home', namespace: 'home-ns', server: S1.url }),
    live: true,
  },
  {
    name: 'KUBECONFIG set but naming nothing: no fallback to ~/.kube/config',
    setup() {
      const s = scenario({
        'home/.kube/config': config({ 'current-context': 'home', clusters: [cluster('h', S1.url)], users: [user], contexts: [context('home', 'h', 'home-ns')] }),
      });
      return { ...s, env: { HOME: s.home, KUBECONFIG: delimiter } };
    },
    expected: () => ({ context: undefined, namespace: 'default', server: undefined, files: [] }),
  },
  {
    name: 'no kubeconfig at all: no context, namespace default',
    setup() {
      const s = scenario({});
      return { ...s, env: { HOME: s.home } };
    },
    expected: () => ({ context: undefined, namespace: 'default', server: undefined, files: [] }),
  },
  {
    name: '--context naming a context no file defines: that name, namespace default, no server',
    setup() {
      const s = scenario({
        'a.yaml': config({ 'current-context': 'prod', clusters: [cluster('c', S1.url)], users: [user], contexts: [context('prod', 'c', 'smp-prod')] }),
      });
      return { ...s, env: { HOME: s.home, KUBECONFIG: s.p('a.yaml') }, flags: { context: 'smp-eu' } };
    },
    expected: () => ({ context: 'smp-eu', namespace: 'default', server: undefined }),
  },
];

describe('resolveKubeconfig agrees with kubectl', () => {
  test.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const { env, dir, flags = {} } = c.setup();
    const view = resolveKubeconfig(env, flags);
    const expected = c.expected();
    for (const [key, value] of Object.entries(expected)) expect([key, view[key as keyof KubeconfigView]]).toEqual([key, value]);

    // Oracle 1: kubectl config view --minify (it ignores -n/--cluster/--server, so those are checked live only).
    const oracle = await kubectlView(env, dir, flags);
    expect(view.context).toBe(oracle.context);
    if (flags.namespace === undefined) expect(view.namespace).toBe(oracle.namespace);
    if (flags.server === undefined && flags.cluster === undefined) expect(view.server).toBe(oracle.server);

    // Oracle 2: where the real kubectl's request went.
    if (c.live) expect(await kubectlGetPods(env, dir, flags)).toEqual([{ server: view.server, namespace: view.namespace }]);
  });
});

describe('mergedKubeconfig', () => {
  test("merges as kubectl does: kubectl config view --raw shows the same entries", async () => {
    const s = scenario({
      'a.yaml': config({ 'current-context': 'prod', clusters: [cluster('shared', S1.url)], contexts: [context('prod', 'shared')] }),
      'b.yaml': config({
        'current-context': 'ignored',
        clusters: [cluster('shared', S2.url), cluster('b-only', S3.url)],
        users: [user, { name: 'v', user: { token: 'b' } }],
        contexts: [context('prod', 'b-only', 'from-b'), context('b-ctx', 'b-only', 'bns')],
      }),
      'c.yaml': config({ users: [{ name: 'v', user: { token: 'c' } }], contexts: [context('c-ctx', 'shared', 'cns')] }),
    });
    const env = { HOME: s.home, KUBECONFIG: ['a.yaml', 'b.yaml', 'c.yaml'].map(s.p).join(delimiter) };
    const { doc, files, skipped } = mergedKubeconfig(env);
    expect(files).toEqual(['a.yaml', 'b.yaml', 'c.yaml'].map(s.p));
    expect(skipped).toEqual([]);

    const out = await execa('kubectl', ['config', 'view', '--raw', '-o', 'json'], { env: childEnv(env, s.dir), extendEnv: false });
    const kubectl = JSON.parse(out.stdout);
    const norm = (d: { 'current-context': string; clusters: any[]; contexts: any[]; users: any[] }) => ({
      current: d['current-context'],
      clusters: Object.fromEntries(d.clusters.map((c) => [c.name, c.cluster.server])),
      contexts: Object.fromEntries(d.contexts.map((c) => [c.name, [c.context.cluster || '', c.context.namespace || '']])),
      users: Object.fromEntries(d.users.map((u) => [u.name, u.user.token])),
    });
    expect(norm(doc)).toEqual(norm(kubectl));
    expect(norm(doc)).toEqual({
      current: 'prod',
      clusters: { shared: S1.url, 'b-only': S3.url },
      contexts: { prod: ['shared', ''], 'b-ctx': ['b-only', 'bns'], 'c-ctx': ['shared', 'cns'] },
      users: { u: 'oncall-test-token', v: 'b' },
    });
  });

  test('relative file references are made absolute against the file that defined them', () => {
    const s = scenario({
      'x/a.yaml': config({
        clusters: [{ name: 'c', cluster: { server: 'https://k.example', 'certificate-authority': 'ca.crt' } }],
        users: [
          { name: 'u', user: { 'client-certificate': 'certs/u.crt', 'client-key': '/abs/u.key', tokenFile: 'tok', exec: { command: './bin/auth' } } },
          { name: 'w', user: { exec: { command: 'aws' } } },
        ],
      }),
    });
    const { doc } = mergedKubeconfig({ KUBECONFIG: s.p('x/a.yaml') });
    expect(doc.clusters[0].cluster).toMatchObject({ 'certificate-authority': join(s.dir, 'x', 'ca.crt') });
    expect(doc.users[0].user).toMatchObject({
      'client-certificate': join(s.dir, 'x', 'certs', 'u.crt'),
      'client-key': '/abs/u.key',
      tokenFile: join(s.dir, 'x', 'tok'),
      exec: { command: join(s.dir, 'x', 'bin', 'auth') },
    });
    // A bare command is looked up on PATH, as client-go does.
    expect(doc.users[1].user).toEqual({ exec: { command: 'aws' } });
  });

  test('files kubectl refuses to load are skipped and reported; resolveKubeconfig never throws', async () => {
    const s = scenario({
      'bad-yaml.yaml': 'clusters: [\n  - x: {\n',
      'not-a-map.yaml': 'hello\n',
      'bool-ns.yaml': config({ contexts: [{ name: 'prod', context: { cluster: 'c', namespace: true } }] }),
      'dup.yaml': config({ contexts: [context('prod', 'c', 'one'), context('prod', 'c', 'two')] }),
      'dir.yaml/keep': '',
      'empty.yaml': '',
      'good.yaml': config({ 'current-context': 'prod', clusters: [cluster('c', S2.url)], users: [user], contexts: [context('prod', 'c', 'smp-prod')] }),
    });
    // YAML 1.1 as kubectl reads it: `namespace: yes` is a boolean, not the string "yes".
    writeFileSync(s.p('yes-ns.yaml'), 'contexts:\n- name: prod\n  context: {cluster: c, namespace: yes}\n');
    const bad = ['bad-yaml.yaml', 'not-a-map.yaml', 'bool-ns.yaml', 'yes-ns.yaml', 'dup.yaml', 'dir.yaml'];
    for (const name of bad) {
      // kubectl itself refuses to run with such a file in its list...
      const env = { HOME: s.home, KUBECONFIG: [s.p(name), s.p('good.yaml')].join(delimiter) };
      const out = await execa('kubectl', ['config', 'view', '--minify', '-o', 'json'], { env: childEnv(env, s.dir), extendEnv: false, reject: false });
      expect(out.stderr).toContain(`error loading config file "${s.p(name)}"`);
      // ...the resolver skips it, says so, and carries on with the rest.
      const merged = mergedKubeconfig(env);
      expect(merged.files).toEqual([s.p('good.yaml')]);
      expect(merged.skipped).toEqual([{ file: s.p(name), reason: expect.any(String) }]);
      expect(resolveKubeconfig(env)).toMatchObject({ context: 'prod', namespace: 'smp-prod', server: S2.url });
    }
    // An empty file is an empty kubeconfig, for kubectl too.
    const env = { HOME: s.home, KUBECONFIG: [s.p('empty.yaml'), s.p('good.yaml')].join(delimiter) };
    expect(mergedKubeconfig(env)).toMatchObject({ files: [s.p('empty.yaml'), s.p('good.yaml')], skipped: [] });
    expect(await kubectlView(env, s.dir, {})).toEqual({ context: 'prod', namespace: 'smp-prod', server: S2.url });

    // The client does what kubectl does: refuses, naming the file.
    const broken = { HOME: s.home, KUBECONFIG: [s.p('bad-yaml.yaml'), s.p('good.yaml')].join(delimiter) };
    const { error } = await stepFailure(connectKubernetes(stepContext(broken)));
    expect(error.code).toBe('config');
    expect(error.message).toMatch(new RegExp(`^cannot read kubeconfig ${s.p('bad-yaml.yaml').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: `));
  });
});

describe('end to end: the prompt, kubectl and the client agree (KUBECONFIG=a:b)', () => {
  let api: K8sApiServer;
  beforeAll(async () => {
    api = await startK8sApiServer(dispatchEngineSeed());
  });
  afterAll(async () => {
    await api?.close();
  });

  test('current-context in a.yaml, the context (namespace smp-prod) in b.yaml', async () => {
    const s = scenario({
      'a.yaml': config({ 'current-context': 'smp-asia' }),
      'b.yaml': config({
        clusters: [cluster('asia', api.url)],
        users: [user],
        contexts: [context('smp-asia', 'asia', 'smp-prod')],
      }),
    });
    const env = { HOME: s.home, KUBECONFIG: [s.p('a.yaml'), s.p('b.yaml')].join(delimiter) };
    const podLists = (from: number) =>
      api.requests
        .slice(from)
        .map((r) => /^\/api\/v1\/namespaces\/([^/]+)\/pods$/.exec(r.path)?.[1])
        .filter((ns): ns is string => ns !== undefined);

    // What the approval prompt shows.
    const view = resolveKubeconfig(env);
    expect(view).toEqual({
      context: 'smp-asia',
      namespace: 'smp-prod',
      server: api.url,
      cluster: 'asia',
      user: 'u',
      files: [s.p('a.yaml'), s.p('b.yaml')],
    });

    // What the real kubectl does.
    let mark = api.requests.length;
    const out = await execa('kubectl', ['get', 'pods', '-o', 'name'], { env: childEnv(env, s.dir), extendEnv: false, timeout: 20_000 });
    expect(out.stdout).toContain('pod/dispatch-engine-');
    expect(podLists(mark)).toEqual([view.namespace]);
    // (the request reached this server: it is in api.requests, and api.url is view.server)

    // What the client from kubernetes.ts does.
    const kube = await connectKubernetes(stepContext(env));
    expect({ context: kube.context, namespace: kube.namespace, server: kube.server }).toEqual({
      context: view.context,
      namespace: view.namespace,
      server: view.server,
    });
    mark = api.requests.length;
    const pods = await k8sPods.run(stepContext(env), { selector: 'app=dispatch-engine' });
    expect(pods.result).toMatchObject({ context: 'smp-asia', namespace: 'smp-prod' });
    expect(pods.result.total).toBeGreaterThan(0);
    expect(podLists(mark)).toEqual([view.namespace]);
  });

  test("the approval target of oncall run, through a wrapper, names what the API server receives", async () => {
    const s = scenario({
      'a.yaml': config({ 'current-context': 'smp-asia' }),
      'b.yaml': config({ clusters: [cluster('asia', api.url)], users: [user], contexts: [context('smp-asia', 'asia', 'smp-prod')] }),
      'rb/INC-777-delete-pod.yaml': [
        'id: INC-777',
        'title: Delete one pod',
        'severity: SEV-4',
        'alerts: [{ alertname: Test }]',
        'stages:',
        '  detect:',
        '    steps:',
        '      - id: del',
        '        effect: write',
        '        run: timeout 30 kubectl delete pod dispatch-engine-7c9d8f6b5-abcde',
        '  resolve: {}',
        '',
      ].join('\n'),
    });
    const env = { HOME: s.home, KUBECONFIG: [s.p('a.yaml'), s.p('b.yaml')].join(delimiter), ONCALL_STATE_DIR: s.p('runs'), NO_COLOR: '1' };
    const mark = api.mutations.length;
    const bin = join(fileURLToPath(new URL('../..', import.meta.url)), 'bin', 'oncall.js');
    const r = await execa(process.execPath, [bin, '--runbooks', s.p('rb'), 'run', 'INC-777', '--non-interactive', '--approve', 'del', '--json'], {
      env: childEnv(env, s.dir),
      extendEnv: false,
      reject: false,
      timeout: 30_000,
    });
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const finished = events.find((e) => e.type === 'step-finished' && e.stepId === 'del');
    expect(finished).toMatchObject({ status: 'ok', target: `kube context smp-asia (${api.url}), namespace smp-prod` });
    const deletes = api.mutations.slice(mark).filter((m) => m.method === 'DELETE');
    expect(deletes.map((m) => m.path)).toEqual(['/api/v1/namespaces/smp-prod/pods/dispatch-engine-7c9d8f6b5-abcde']);
  });
});
