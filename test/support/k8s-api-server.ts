// A small Kubernetes API server for tests. It speaks enough of the real REST
// protocol (discovery, lists with label/field selectors, tables, watch, the
// three PATCH types, the scale subresource, pod logs, Status errors) that the
// real `kubectl` binary and @kubernetes/client-node both work against it
// through a generated kubeconfig. Every mutating request is recorded, and a
// tiny "controller" keeps deployments, ReplicaSets and status consistent the
// way kube-controller-manager would (instantly, unless `reconcile: false`).

/* eslint-disable @typescript-eslint/no-explicit-any */

import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { applyPatch, PatchError } from './k8s-patch.js';
import {
  apiResourceList,
  findResource,
  groupVersion,
  RESOURCES,
  table,
  type ResourceDef,
  type StateKey,
} from './k8s-resources.js';
import { parseFieldSelector, parseLabelSelector, SelectorError, selectorToString } from './k8s-selectors.js';

export interface K8sObject {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace?: string; [key: string]: any };
  [key: string]: any;
}

export interface K8sSeed {
  /** Namespaces; those used by seeded objects are added automatically. */
  namespaces?: Array<string | K8sObject>;
  pods?: K8sObject[];
  deployments?: K8sObject[];
  statefulsets?: K8sObject[];
  /** Created automatically for deployments that have none. */
  replicasets?: K8sObject[];
  events?: K8sObject[];
  configmaps?: K8sObject[];
  /** Pod logs keyed `namespace/pod`, `namespace/pod/container`, with `#previous` for the previous container. */
  logs?: Record<string, string | string[]>;
}

export interface K8sState {
  namespaces: K8sObject[];
  pods: K8sObject[];
  deployments: K8sObject[];
  statefulsets: K8sObject[];
  replicasets: K8sObject[];
  events: K8sObject[];
  configmaps: K8sObject[];
  logs: Record<string, string>;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  accept?: string;
  contentType?: string;
  userAgent?: string;
  authorization?: string;
  status: number;
}

export interface RecordedMutation {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType?: string;
  /** Parsed JSON when the body is JSON, else the raw text. */
  body: unknown;
  status: number;
  dryRun: boolean;
}

export interface K8sCluster {
  url: string;
  state: K8sState;
  mutations: RecordedMutation[];
  requests: RecordedRequest[];
  /** Reads one object from the state. */
  get(resource: StateKey, namespace: string | undefined, name: string): K8sObject | undefined;
  /** Test hooks, e.g. to change state right after a request was answered (a concurrent writer). */
  hooks: { afterRequest?: (request: RecordedRequest) => void };
}

export interface K8sContextSpec {
  name: string;
  /** The context's default namespace. */
  namespace?: string;
  /** Gives the context its own API server with this state; without it the context shares the primary server. */
  seed?: K8sSeed;
}

export interface K8sApiServerOptions {
  /** Contexts in the kubeconfig, the first one current. Default: smp-asia, smp-china, smp-us, namespace smp-prod. */
  contexts?: K8sContextSpec[];
  /** Converge status/ReplicaSets immediately after each change, like an idle controller manager. Default true. */
  reconcile?: boolean;
  /** Bearer token written to the kubeconfig (and recorded on requests). */
  token?: string;
}

export interface K8sApiServer extends K8sCluster {
  /** Temp dir holding the kubeconfig and kubectl's cache; removed by close(). */
  dir: string;
  kubeconfigPath: string;
  /** Environment for child processes: KUBECONFIG, KUBECACHEDIR and a private HOME. */
  env: Record<string, string>;
  /** Every context's cluster (contexts without a seed map to the primary one). */
  clusters: Record<string, K8sCluster>;
  close(): Promise<void>;
}

const STATE_KEYS: StateKey[] = ['namespaces', 'pods', 'deployments', 'statefulsets', 'replicasets', 'events', 'configmaps'];
const REVISION = 'deployment.kubernetes.io/revision';
const HASH_LABEL = 'pod-template-hash';

const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v));
const same = (a: unknown, b: unknown) => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));

/** Drops nulls and empty objects/lists, so `creationTimestamp: null` and `resources: {}` (which kubectl
 *  sends back in pod templates) compare equal to their absence, as they do on typed Go structs. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const v = canonical((value as Record<string, unknown>)[key]);
    if (v === null || v === undefined) continue;
    if (typeof v === 'object' && Object.keys(v).length === 0) continue;
    out[key] = v;
  }
  return out;
}

/** A short stable hash, shaped like pod-template-hash values. */
function templateHash(template: unknown): string {
  let h = 0x811c9dc5;
  for (const ch of JSON.stringify(canonical(template))) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  let out = '';
  for (let i = 0; i < 10; i++) {
    out += alphabet[h % alphabet.length];
    h = Math.floor(h / alphabet.length) || Math.imul(h + i + 1, 0x9e3779b1) >>> 0;
  }
  return out;
}

function withoutHash(template: any): any {
  const t = clone(template ?? {});
  if (t.metadata?.labels) delete t.metadata.labels[HASH_LABEL];
  return t;
}

class HttpStatusError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

const notFound = (def: ResourceDef, name: string) =>
  new HttpStatusError(404, 'NotFound', `${def.group ? `${def.resource}.${def.group}` : def.resource} "${name}" not found`, {
    name,
    ...(def.group ? { group: def.group } : {}),
    kind: def.resource,
  });

const conflict = (def: ResourceDef, name: string) =>
  new HttpStatusError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${def.group ? `${def.resource}.${def.group}` : def.resource} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    { name, ...(def.group ? { group: def.group } : {}), kind: def.resource },
  );

interface Watcher {
  def: ResourceDef;
  namespace?: string;
  matches(obj: any): boolean;
  res: http.ServerResponse;
}

class FakeCluster implements K8sCluster {
  url = '';
  readonly state: K8sState;
  readonly mutations: RecordedMutation[] = [];
  readonly requests: RecordedRequest[] = [];
  readonly hooks: K8sCluster['hooks'] = {};
  private resourceVersion = 1000;
  private readonly watchers = new Set<Watcher>();
  private readonly sockets = new Set<Socket>();
  private readonly server: http.Server;

  constructor(
    seed: K8sSeed,
    private readonly reconcile: boolean,
  ) {
    this.state = {
      namespaces: [],
      pods: clone(seed.pods ?? []),
      deployments: clone(seed.deployments ?? []),
      statefulsets: clone(seed.statefulsets ?? []),
      replicasets: clone(seed.replicasets ?? []),
      events: clone(seed.events ?? []),
      configmaps: clone(seed.configmaps ?? []),
      logs: Object.fromEntries(
        Object.entries(seed.logs ?? {}).map(([k, v]) => [k, Array.isArray(v) ? v.join('\n') + '\n' : v]),
      ),
    };
    this.normalizeSeed(seed);
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    for (const w of this.watchers) w.res.end();
    this.watchers.clear();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  get(resource: StateKey, namespace: string | undefined, name: string): K8sObject | undefined {
    return this.state[resource].find(
      (o) => o.metadata.name === name && (namespace === undefined || o.metadata.namespace === namespace),
    );
  }

  // ---- seed -------------------------------------------------------------

  private normalizeSeed(seed: K8sSeed): void {
    const namespaces = new Set<string>();
    for (const ns of seed.namespaces ?? []) {
      const obj: K8sObject = typeof ns === 'string' ? { metadata: { name: ns } } : clone(ns);
      this.state.namespaces.push(obj);
      namespaces.add(obj.metadata.name);
    }
    for (const key of STATE_KEYS) {
      for (const obj of this.state[key]) {
        const ns = obj.metadata.namespace;
        if (ns && !namespaces.has(ns)) {
          namespaces.add(ns);
          this.state.namespaces.push({ metadata: { name: ns } });
        }
      }
    }
    for (const key of STATE_KEYS) {
      const def = RESOURCES.find((r) => r.resource === key)!;
      for (const obj of this.state[key]) this.fillDefaults(def, obj);
    }
    for (const ns of this.state.namespaces) ns.status ??= { phase: 'Active' };
    for (const dep of this.state.deployments) {
      dep.status ??= {};
      this.rollOutDeployment(dep, false);
      if (dep.status.observedGeneration === undefined) this.converge('deployments', dep);
    }
    for (const sts of this.state.statefulsets) {
      sts.status ??= {};
      sts.status.updateRevision ??= `${sts.metadata.name}-${templateHash(sts.spec?.template).slice(0, 10)}`;
      sts.status.currentRevision ??= sts.status.updateRevision;
      if (sts.status.observedGeneration === undefined) this.converge('statefulsets', sts);
    }
  }

  private fillDefaults(def: ResourceDef, obj: K8sObject): void {
    obj.apiVersion ??= groupVersion(def);
    obj.kind ??= def.kind;
    obj.metadata.uid ??= randomUUID();
    obj.metadata.creationTimestamp ??= now();
    obj.metadata.resourceVersion ??= String(++this.resourceVersion);
    if (def.resource === 'deployments' || def.resource === 'statefulsets' || def.resource === 'replicasets') {
      obj.metadata.generation ??= 1;
    }
  }

  // ---- the controller ------------------------------------------------------

  private ownedReplicaSets(dep: K8sObject): K8sObject[] {
    return this.state.replicasets.filter(
      (rs) =>
        rs.metadata.namespace === dep.metadata.namespace &&
        (rs.metadata.ownerReferences ?? []).some((o: any) => o.uid === dep.metadata.uid && o.controller),
    );
  }

  /** Makes the ReplicaSet for the deployment's current template the newest revision, creating it if needed. */
  private rollOutDeployment(dep: K8sObject, bump: boolean): void {
    const owned = this.ownedReplicaSets(dep);
    const revisionOf = (rs: K8sObject) => Number(rs.metadata.annotations?.[REVISION] ?? 0);
    const maxRevision = owned.reduce((m, rs) => Math.max(m, revisionOf(rs)), 0);
    let current = owned.find((rs) => same(withoutHash(rs.spec?.template), withoutHash(dep.spec?.template)));
    if (!current) {
      const hash = templateHash(withoutHash(dep.spec?.template));
      const template = withoutHash(dep.spec?.template);
      template.metadata ??= {};
      template.metadata.labels = { ...(template.metadata.labels ?? {}), [HASH_LABEL]: hash };
      const revision = !bump && dep.metadata.annotations?.[REVISION] ? Number(dep.metadata.annotations[REVISION]) : maxRevision + 1;
      current = {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name: `${dep.metadata.name}-${hash}`,
          namespace: dep.metadata.namespace,
          labels: { ...(template.metadata.labels ?? {}) },
          annotations: { [REVISION]: String(revision) },
          ownerReferences: [
            { apiVersion: 'apps/v1', kind: 'Deployment', name: dep.metadata.name, uid: dep.metadata.uid, controller: true, blockOwnerDeletion: true },
          ],
        },
        spec: {
          replicas: dep.spec?.replicas ?? 1,
          selector: { matchLabels: { ...(dep.spec?.selector?.matchLabels ?? {}), [HASH_LABEL]: hash } },
          template,
        },
        status: {},
      };
      this.fillDefaults(findResource('apps', 'replicasets')!, current);
      this.state.replicasets.push(current);
      this.emit('replicasets', 'ADDED', current);
    } else if (bump && revisionOf(current) !== maxRevision) {
      const old = current.metadata.annotations?.[REVISION];
      current.metadata.annotations = { ...(current.metadata.annotations ?? {}), [REVISION]: String(maxRevision + 1) };
      if (old) current.metadata.annotations['deployment.kubernetes.io/revision-history'] = old;
      this.touch('replicasets', current);
    }
    dep.metadata.annotations = { ...(dep.metadata.annotations ?? {}), [REVISION]: current.metadata.annotations![REVISION] };
  }

  /** Sets status as a controller would once the rollout finished. */
  private converge(resource: StateKey, obj: K8sObject): void {
    const replicas = obj.spec?.replicas ?? 1;
    obj.status ??= {};
    obj.status.observedGeneration = obj.metadata.generation ?? 1;
    obj.status.replicas = replicas;
    obj.status.readyReplicas = replicas;
    obj.status.updatedReplicas = replicas;
    obj.status.availableReplicas = replicas;
    if (resource === 'deployments') {
      obj.status.conditions = [
        { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.', lastUpdateTime: now(), lastTransitionTime: now() },
        { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet has successfully progressed.`, lastUpdateTime: now(), lastTransitionTime: now() },
      ];
      for (const rs of this.ownedReplicaSets(obj)) {
        const isCurrent = rs.metadata.annotations?.[REVISION] === obj.metadata.annotations?.[REVISION];
        rs.spec.replicas = isCurrent ? replicas : 0;
        rs.status = { replicas: rs.spec.replicas, readyReplicas: rs.spec.replicas, availableReplicas: rs.spec.replicas, observedGeneration: rs.metadata.generation };
      }
    }
    if (resource === 'statefulsets') {
      obj.status.currentReplicas = replicas;
      obj.status.currentRevision = obj.status.updateRevision;
    }
  }

  /** Called after a deployment/statefulset changed through the API. */
  private afterChange(def: ResourceDef, before: K8sObject, after: K8sObject): void {
    if (!same(before.spec, after.spec)) after.metadata.generation = (before.metadata.generation ?? 1) + 1;
    const templateChanged = !same(before.spec?.template, after.spec?.template);
    if (def.resource === 'deployments' && templateChanged) this.rollOutDeployment(after, true);
    if (def.resource === 'statefulsets' && templateChanged) {
      after.status = { ...(after.status ?? {}), updateRevision: `${after.metadata.name}-${templateHash(after.spec?.template).slice(0, 10)}` };
    }
    if (this.reconcile && (def.resource === 'deployments' || def.resource === 'statefulsets')) this.converge(def.resource, after);
  }

  // ---- watch -----------------------------------------------------------------

  private touch(resource: StateKey, obj: K8sObject): void {
    obj.metadata.resourceVersion = String(++this.resourceVersion);
    this.emit(resource, 'MODIFIED', obj);
  }

  private emit(resource: StateKey, type: string, obj: K8sObject): void {
    for (const w of this.watchers) {
      if (w.def.resource !== resource) continue;
      if (w.namespace && obj.metadata.namespace !== w.namespace) continue;
      if (!w.matches(obj)) continue;
      w.res.write(JSON.stringify({ type, object: obj }) + '\n');
    }
  }

  // ---- HTTP --------------------------------------------------------------------

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const query = Object.fromEntries(url.searchParams);
    const method = req.method ?? 'GET';
    const body = await new Promise<string>((resolve) => {
      let data = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (data += chunk));
      req.on('end', () => resolve(data));
    });
    const contentType = req.headers['content-type'];
    const entry: RecordedRequest = {
      method,
      path: url.pathname,
      query,
      accept: req.headers.accept,
      contentType,
      userAgent: req.headers['user-agent'],
      authorization: req.headers.authorization,
      status: 0,
    };
    this.requests.push(entry);
    let mutation: RecordedMutation | undefined;
    if (method !== 'GET' && method !== 'HEAD') {
      let parsed: unknown = body;
      try {
        parsed = body ? JSON.parse(body) : undefined;
      } catch {
        // not JSON: keep the raw text
      }
      mutation = { method, path: url.pathname, query, contentType, body: parsed, status: 0, dryRun: query.dryRun === 'All' };
      this.mutations.push(mutation);
    }
    const send = (status: number, payload: unknown, type = 'application/json') => {
      entry.status = status;
      if (mutation) mutation.status = status;
      const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
      res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(text) });
      res.end(text);
      this.hooks.afterRequest?.(entry);
    };
    try {
      const out = this.route(method, url, query, req, res, body, contentType ?? '', (status) => (entry.status = status));
      if (out === 'streaming') return;
      send(out.status ?? 200, out.body, out.type);
    } catch (err) {
      if (err instanceof HttpStatusError) {
        send(err.code, {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message: err.message,
          reason: err.reason,
          details: err.details ?? {},
          code: err.code,
        });
      } else {
        send(500, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: String(err), reason: 'InternalError', code: 500 });
      }
    }
  }

  private route(
    method: string,
    url: URL,
    query: Record<string, string>,
    req: http.IncomingMessage,
    res: http.ServerResponse,
    body: string,
    contentType: string,
    streaming: (status: number) => void,
  ): { status?: number; body: unknown; type?: string } | 'streaming' {
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const host = req.headers.host ?? '127.0.0.1';
    if (method === 'GET') {
      if (path === '/version') {
        return {
          body: {
            major: '1',
            minor: '32',
            gitVersion: 'v1.32.0-oncall-test',
            gitCommit: '0000000000000000000000000000000000000000',
            gitTreeState: 'clean',
            buildDate: '2025-01-01T00:00:00Z',
            goVersion: 'go1.23.0',
            compiler: 'gc',
            platform: 'linux/amd64',
          },
        };
      }
      if (path === '/api') {
        return { body: { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: host }] } };
      }
      if (path === '/apis') {
        const apps = { name: 'apps', versions: [{ groupVersion: 'apps/v1', version: 'v1' }], preferredVersion: { groupVersion: 'apps/v1', version: 'v1' } };
        return { body: { kind: 'APIGroupList', apiVersion: 'v1', groups: [apps] } };
      }
      if (path === '/apis/apps') {
        return {
          body: { kind: 'APIGroup', apiVersion: 'v1', name: 'apps', versions: [{ groupVersion: 'apps/v1', version: 'v1' }], preferredVersion: { groupVersion: 'apps/v1', version: 'v1' } },
        };
      }
      if (path === '/api/v1') return { body: apiResourceList('') };
      if (path === '/apis/apps/v1') return { body: apiResourceList('apps') };
    }
    let group: '' | 'apps';
    let rest: string[];
    if (path.startsWith('/api/v1/')) {
      group = '';
      rest = path.slice('/api/v1/'.length).split('/');
    } else if (path.startsWith('/apis/apps/v1/')) {
      group = 'apps';
      rest = path.slice('/apis/apps/v1/'.length).split('/');
    } else {
      throw new HttpStatusError(404, 'NotFound', 'the server could not find the requested resource');
    }
    let namespace: string | undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3 && !(rest.length === 3 && ['status', 'finalize'].includes(rest[2]))) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
    const [resource, name, sub, ...extra] = rest;
    const def = findResource(group, resource);
    if (!def || extra.length > 0 || (namespace !== undefined && !def.namespaced)) {
      throw new HttpStatusError(404, 'NotFound', 'the server could not find the requested resource');
    }
    if (sub !== undefined && !(sub in def.subresources)) {
      throw new HttpStatusError(404, 'NotFound', 'the server could not find the requested resource');
    }
    if (name === undefined) return this.collection(def, method, namespace, query, req, res, body, streaming);
    if (def.namespaced && namespace === undefined) {
      throw new HttpStatusError(404, 'NotFound', 'the server could not find the requested resource');
    }
    if (sub === 'log') return this.logs(def, namespace!, name, query);
    if (sub === 'scale') return this.scale(def, method, namespace!, name, query, body, contentType);
    return this.single(def, method, namespace, name, query, req, body, contentType);
  }

  private wantsTable(req: http.IncomingMessage): boolean {
    return /as=Table/.test(req.headers.accept ?? '');
  }

  private find(def: ResourceDef, namespace: string | undefined, name: string): K8sObject {
    const obj = this.get(def.resource, def.namespaced ? namespace : undefined, name);
    if (!obj) throw notFound(def, name);
    return obj;
  }

  private collection(
    def: ResourceDef,
    method: string,
    namespace: string | undefined,
    query: Record<string, string>,
    req: http.IncomingMessage,
    res: http.ServerResponse,
    body: string,
    streaming: (status: number) => void,
  ): { status?: number; body: unknown; type?: string } | 'streaming' {
    if (method === 'POST') return this.create(def, namespace, query, body);
    if (method !== 'GET') throw new HttpStatusError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`);
    let labels: (l: Record<string, string>) => boolean;
    let fields: (o: any) => boolean;
    try {
      labels = parseLabelSelector(query.labelSelector);
      fields = parseFieldSelector(query.fieldSelector);
    } catch (err) {
      if (err instanceof SelectorError) throw new HttpStatusError(400, 'BadRequest', err.message);
      throw err;
    }
    const matches = (o: any) => labels(o.metadata.labels ?? {}) && fields(o);
    if (query.watch === 'true' || query.watch === '1') {
      streaming(200);
      res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
      const watcher: Watcher = { def, namespace, matches, res };
      if (query.sendInitialEvents === 'true') {
        for (const o of this.state[def.resource]) {
          if ((!namespace || o.metadata.namespace === namespace) && matches(o)) res.write(JSON.stringify({ type: 'ADDED', object: o }) + '\n');
        }
        res.write(
          JSON.stringify({
            type: 'BOOKMARK',
            object: { kind: def.kind, apiVersion: groupVersion(def), metadata: { resourceVersion: String(this.resourceVersion), annotations: { 'k8s.io/initial-events-end': 'true' } } },
          }) + '\n',
        );
      } else {
        res.flushHeaders();
      }
      this.watchers.add(watcher);
      const stop = () => {
        this.watchers.delete(watcher);
        res.end();
      };
      req.on('close', stop);
      if (query.timeoutSeconds) setTimeout(stop, Number(query.timeoutSeconds) * 1000).unref();
      return 'streaming';
    }
    const items = this.state[def.resource]
      .filter((o) => !def.namespaced || !namespace || o.metadata.namespace === namespace)
      .filter(matches)
      .sort((a, b) => `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`));
    const rv = String(this.resourceVersion);
    if (this.wantsTable(req)) return { body: table(def, items, query.includeObject ?? 'Metadata', rv) };
    return {
      body: {
        kind: `${def.kind}List`,
        apiVersion: groupVersion(def),
        metadata: { resourceVersion: rv },
        items: items.map(({ apiVersion: _a, kind: _k, ...rest }) => rest),
      },
    };
  }

  private parseBody(body: string): K8sObject {
    try {
      return JSON.parse(body);
    } catch {
      throw new HttpStatusError(400, 'BadRequest', 'the object provided is unrecognized (must be of type JSON)');
    }
  }

  private create(def: ResourceDef, namespace: string | undefined, query: Record<string, string>, body: string) {
    const obj = this.parseBody(body);
    obj.metadata ??= { name: '' };
    if (!obj.metadata.name && obj.metadata.generateName) obj.metadata.name = obj.metadata.generateName + randomUUID().slice(0, 5);
    if (def.namespaced) obj.metadata.namespace = namespace ?? obj.metadata.namespace ?? 'default';
    if (this.get(def.resource, def.namespaced ? obj.metadata.namespace : undefined, obj.metadata.name)) {
      throw new HttpStatusError(409, 'AlreadyExists', `${def.group ? `${def.resource}.${def.group}` : def.resource} "${obj.metadata.name}" already exists`);
    }
    delete obj.metadata.resourceVersion;
    this.fillDefaults(def, obj);
    if (query.dryRun !== 'All') {
      this.state[def.resource].push(obj);
      if (def.resource === 'deployments') {
        this.rollOutDeployment(obj, true);
        if (this.reconcile) this.converge('deployments', obj);
      }
      this.emit(def.resource, 'ADDED', obj);
    }
    return { status: 201, body: obj };
  }

  private single(
    def: ResourceDef,
    method: string,
    namespace: string | undefined,
    name: string,
    query: Record<string, string>,
    req: http.IncomingMessage,
    body: string,
    contentType: string,
  ) {
    const current = this.find(def, namespace, name);
    const dryRun = query.dryRun === 'All';
    switch (method) {
      case 'GET':
        if (this.wantsTable(req)) return { body: table(def, [current], query.includeObject ?? 'Metadata', current.metadata.resourceVersion) };
        return { body: current };
      case 'DELETE': {
        if (!dryRun) {
          const list = this.state[def.resource];
          list.splice(list.indexOf(current), 1);
          this.emit(def.resource, 'DELETED', current);
        }
        return { body: current };
      }
      case 'PUT':
      case 'PATCH': {
        let next: K8sObject;
        if (method === 'PUT') {
          next = this.parseBody(body);
          if (next.metadata?.resourceVersion && next.metadata.resourceVersion !== current.metadata.resourceVersion) throw conflict(def, name);
        } else {
          next = this.patch(current, contentType, body);
          if (next.metadata?.resourceVersion !== current.metadata.resourceVersion) throw conflict(def, name);
        }
        if (next.metadata?.name !== name) {
          throw new HttpStatusError(400, 'BadRequest', `the name of the object (${String(next.metadata?.name)}) does not match the name on the URL (${name})`);
        }
        // Fields the server owns: identity, and status unless the status subresource is used.
        next.metadata = { ...next.metadata, uid: current.metadata.uid, namespace: current.metadata.namespace, creationTimestamp: current.metadata.creationTimestamp };
        next.status = current.status;
        next.apiVersion = current.apiVersion;
        next.kind = current.kind;
        if (dryRun) return { body: next };
        const list = this.state[def.resource];
        list[list.indexOf(current)] = next;
        this.afterChange(def, current, next);
        this.touch(def.resource, next);
        return { body: next };
      }
      default:
        throw new HttpStatusError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
    }
  }

  private patch(target: unknown, contentType: string, body: string): any {
    try {
      return applyPatch(target, contentType, body);
    } catch (err) {
      if (err instanceof PatchError) {
        throw new HttpStatusError(err.status, err.status === 415 ? 'UnsupportedMediaType' : err.status === 400 ? 'BadRequest' : 'Invalid', err.message);
      }
      throw err;
    }
  }

  private scaleOf(obj: K8sObject): K8sObject {
    return {
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: {
        name: obj.metadata.name,
        namespace: obj.metadata.namespace,
        uid: obj.metadata.uid,
        resourceVersion: obj.metadata.resourceVersion,
        creationTimestamp: obj.metadata.creationTimestamp,
      },
      spec: { replicas: obj.spec?.replicas ?? 1 },
      status: { replicas: obj.status?.replicas ?? 0, selector: selectorToString(obj.spec?.selector) },
    };
  }

  private scale(def: ResourceDef, method: string, namespace: string, name: string, query: Record<string, string>, body: string, contentType: string) {
    const current = this.find(def, namespace, name);
    const scale = this.scaleOf(current);
    if (method === 'GET') return { body: scale };
    let next: K8sObject;
    if (method === 'PUT') next = this.parseBody(body);
    else if (method === 'PATCH') next = this.patch(scale, contentType, body);
    else throw new HttpStatusError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
    if (next.metadata?.resourceVersion && next.metadata.resourceVersion !== current.metadata.resourceVersion) throw conflict(def, name);
    const replicas = next.spec?.replicas;
    if (!Number.isInteger(replicas) || replicas < 0) {
      throw new HttpStatusError(422, 'Invalid', `Scale.autoscaling "${name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`);
    }
    if (query.dryRun === 'All') return { body: { ...scale, spec: { replicas } } };
    const updated = clone(current);
    updated.spec = { ...(updated.spec ?? {}), replicas };
    const list = this.state[def.resource];
    list[list.indexOf(current)] = updated;
    this.afterChange(def, current, updated);
    this.touch(def.resource, updated);
    return { body: this.scaleOf(updated) };
  }

  private logs(def: ResourceDef, namespace: string, name: string, query: Record<string, string>) {
    const pod = this.find(def, namespace, name);
    const containers: string[] = (pod.spec?.containers ?? []).map((c: any) => c.name);
    let container = query.container;
    if (!container) {
      if (containers.length > 1) {
        throw new HttpStatusError(400, 'BadRequest', `a container name must be specified for pod ${name}, choose one of: [${containers.join(' ')}]`);
      }
      container = containers[0];
    } else if (containers.length > 0 && !containers.includes(container)) {
      throw new HttpStatusError(400, 'BadRequest', `container ${container} is not valid for pod ${name}`);
    }
    const suffix = query.previous === 'true' ? '#previous' : '';
    let text = this.state.logs[`${namespace}/${name}/${container}${suffix}`];
    if (text === undefined && container === containers[0]) text = this.state.logs[`${namespace}/${name}${suffix}`];
    if (text === undefined && suffix) {
      throw new HttpStatusError(400, 'BadRequest', `previous terminated container "${container}" in pod "${name}" not found`);
    }
    let lines = (text ?? '').split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    if (query.tailLines !== undefined) lines = Number(query.tailLines) === 0 ? [] : lines.slice(-Number(query.tailLines));
    let out = lines.map((l) => l + '\n').join('');
    if (query.limitBytes) out = out.slice(0, Number(query.limitBytes));
    return { body: out, type: 'text/plain' };
  }
}

export interface KubeconfigContext {
  name: string;
  server: string;
  namespace?: string;
}

/** Writes a kubeconfig with one cluster+context per entry (the first is current) and returns its path. */
export function writeKubeconfig(path: string, contexts: KubeconfigContext[], token = 'oncall-test-token'): string {
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    clusters: contexts.map((c) => ({ name: c.name, cluster: { server: c.server } })),
    users: [{ name: 'oncall-test', user: { token } }],
    contexts: contexts.map((c) => ({
      name: c.name,
      context: { cluster: c.name, user: 'oncall-test', ...(c.namespace ? { namespace: c.namespace } : {}) },
    })),
    'current-context': contexts[0]?.name ?? '',
  };
  writeFileSync(path, stringify(config));
  return path;
}

export const DEFAULT_CONTEXTS: K8sContextSpec[] = [
  { name: 'smp-asia', namespace: 'smp-prod' },
  { name: 'smp-china', namespace: 'smp-prod' },
  { name: 'smp-us', namespace: 'smp-prod' },
];

export async function startK8sApiServer(seed: K8sSeed = {}, options: K8sApiServerOptions = {}): Promise<K8sApiServer> {
  const contexts = options.contexts ?? DEFAULT_CONTEXTS;
  const reconcile = options.reconcile ?? true;
  const primary = new FakeCluster(seed, reconcile);
  const started: FakeCluster[] = [primary];
  const clusters: Record<string, K8sCluster> = {};
  try {
    await primary.listen();
    for (const ctx of contexts) {
      if (ctx.seed) {
        const own = new FakeCluster(ctx.seed, reconcile);
        started.push(own);
        await own.listen();
        clusters[ctx.name] = own;
      } else {
        clusters[ctx.name] = primary;
      }
    }
  } catch (err) {
    await Promise.all(started.map((c) => c.close()));
    throw err;
  }
  const dir = mkdtempSync(join(tmpdir(), 'oncall-k8s-'));
  const kubeconfigPath = writeKubeconfig(
    join(dir, 'kubeconfig'),
    contexts.map((c) => ({ name: c.name, namespace: c.namespace, server: clusters[c.name].url })),
    options.token,
  );
  return {
    get url() {
      return primary.url;
    },
    state: primary.state,
    mutations: primary.mutations,
    requests: primary.requests,
    get: (resource, namespace, name) => primary.get(resource, namespace, name),
    hooks: primary.hooks,
    dir,
    kubeconfigPath,
    env: { KUBECONFIG: kubeconfigPath, KUBECACHEDIR: join(dir, 'cache'), HOME: dir },
    clusters,
    async close() {
      await Promise.all(started.map((c) => c.close()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A TCP server that accepts connections and never answers: a hung API server or a blackholed proxy. */
export async function startStalledServer(): Promise<{ url: string; connections(): number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let count = 0;
  const server = net.createServer((socket) => {
    count++;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    connections: () => count,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A URL on 127.0.0.1 where nothing listens (connection refused). */
export async function closedPortUrl(): Promise<string> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
