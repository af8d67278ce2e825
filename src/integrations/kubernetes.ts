// Kubernetes clients for step types, configured the way kubectl is, by the one
// kubeconfig resolver in ./kubeconfig.ts (which the approval prompt uses too):
// the KUBECONFIG list (first file wins on conflicts) or ~/.kube/config, a
// context override, the context's namespace as default. Every API call runs under the
// step's deadline, and every failure becomes a one-line StepError naming the
// API server and context, because at 3 a.m. "which cluster?" is the question.
//
// @kubernetes/client-node costs ~350 ms to import, so it is loaded on first use
// (type positions below use `import()` types, which are erased at compile time).

import { oneLine } from '../shared/text.js';
import { delimiter } from 'node:path';
import { kubeconfigPaths, mergedKubeconfig, viewFromMerged } from './kubeconfig.js';
import { StepError } from '../shared/step-context.js';

type ClientModule = typeof import('@kubernetes/client-node');
type KubeConfig = import('@kubernetes/client-node').KubeConfig;
export type CoreV1Api = import('@kubernetes/client-node').CoreV1Api;
export type AppsV1Api = import('@kubernetes/client-node').AppsV1Api;
/** Per-request options handed to client-node API methods. */
export type RequestOptions = import('@kubernetes/client-node').ConfigurationOptions;
type ObservableMiddleware = import('@kubernetes/client-node').ObservableMiddleware;

/** What the integration needs from a step's context (StepContext satisfies it). */
export interface KubeCallContext {
  signal: AbortSignal;
  timeoutMs: number;
  env: Record<string, string | undefined>;
}

export interface KubeTarget {
  /** kubeconfig context; default: the kubeconfig's current-context. */
  context?: string;
  /** default: the context's namespace, else "default". */
  namespace?: string;
}

export const PatchType = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
} as const;
export type PatchContentType = (typeof PatchType)[keyof typeof PatchType];

export interface KubeSession {
  readonly context: string;
  readonly namespace: string;
  /** API server URL of the context's cluster. */
  readonly server: string;
  readonly core: CoreV1Api;
  readonly apps: AppsV1Api;
  /**
   * Runs one API call under the step's deadline. `action` describes it for
   * error messages ("get deployment/dispatch-engine in smp-prod").
   */
  call<T>(action: string, fn: (options: RequestOptions) => Promise<T>, opts?: { contentType?: PatchContentType }): Promise<T>;
}

let clientModule: Promise<ClientModule> | undefined;
const loadClient = () => (clientModule ??= import('@kubernetes/client-node'));

/** The kubeconfig files kubectl would read, in precedence order (from the one resolver, ./kubeconfig.ts). */
export { kubeconfigPaths };

interface Resolved {
  k8s: ClientModule;
  kc: KubeConfig;
  context: string;
  defaultNamespace: string;
  server: string;
  core: CoreV1Api;
  apps: AppsV1Api;
}

// Keyed by the merged kubeconfig itself and the context, so an edited kubeconfig is re-read
// (reading and merging the files is cheap; building clients is not).
const cache = new Map<string, Resolved>();

async function resolve(env: Record<string, string | undefined>, contextOverride: string | undefined): Promise<Resolved> {
  // The same resolver the approval prompt uses: what the operator approved is what the client talks to.
  const merged = mergedKubeconfig(env);
  const view = viewFromMerged(merged, env, { context: contextOverride });
  const key = JSON.stringify([merged.doc, contextOverride ?? '', view.inCluster ?? false, view.inCluster ? view.server : '']);
  const hit = cache.get(key);
  if (hit) return hit;

  // kubectl refuses to run with an unreadable or invalid kubeconfig in its list; so does the client.
  const bad = merged.skipped[0];
  if (bad) throw new StepError(`cannot read kubeconfig ${bad.file}: ${oneLine(bad.reason)}`, 'config');

  const k8s = await loadClient();
  const kc = new k8s.KubeConfig();
  if (view.inCluster) {
    kc.loadFromCluster();
    const resolved: Resolved = {
      k8s,
      kc,
      context: kc.currentContext,
      defaultNamespace: view.namespace,
      server: kc.getCurrentCluster()?.server ?? view.server ?? '',
      core: kc.makeApiClient(k8s.CoreV1Api),
      apps: kc.makeApiClient(k8s.AppsV1Api),
    };
    cache.set(key, resolved);
    return resolved;
  }
  if (merged.files.length === 0) {
    const paths = kubeconfigPaths(env);
    const where = env.KUBECONFIG ? `KUBECONFIG=${env.KUBECONFIG}` : paths[0];
    throw new StepError(`no kubeconfig found (${where} does not exist)`, 'config');
  }

  const { doc } = merged;
  const contextName = view.context;
  if (!contextName) {
    throw new StepError(`kubeconfig (${merged.files.join(delimiter)}) has no current-context; set "context" on the step`, 'config');
  }
  if (!doc.contexts.some((c) => c.name === contextName)) {
    const known = doc.contexts.map((c) => c.name).join(', ') || 'none';
    throw new StepError(`context "${contextName}" not found in kubeconfig (known contexts: ${known})`, 'config');
  }
  if (!view.cluster || !doc.clusters.some((c) => c.name === view.cluster)) {
    throw new StepError(`context "${contextName}" refers to cluster "${view.cluster ?? ''}", which the kubeconfig does not define`, 'config');
  }
  if (!view.server) {
    throw new StepError(`cluster "${view.cluster}" of context "${contextName}" has no server`, 'config');
  }
  // kubectl talks to plain-http servers as they are; client-node refuses unless
  // skipTLSVerify is set, which is meaningless without TLS anyway.
  const clusters = doc.clusters.map((c) => {
    const cluster = (c.cluster ?? {}) as Record<string, unknown>;
    return typeof cluster.server === 'string' && cluster.server.startsWith('http:')
      ? { ...c, cluster: { ...cluster, 'insecure-skip-tls-verify': true } }
      : c;
  });
  // Entries client-node cannot represent (a context without a cluster, a cluster without a server)
  // are dropped rather than failing every context: kubectl only minds the one in use.
  kc.loadFromString(JSON.stringify({ ...doc, clusters, 'current-context': contextName }), { onInvalidEntry: 'filter' });
  if (!kc.getContextObject(contextName) || !kc.getCurrentCluster()) {
    throw new StepError(`context "${contextName}" in kubeconfig (${merged.files.join(delimiter)}) is not usable`, 'config');
  }
  const resolved: Resolved = {
    k8s,
    kc,
    context: contextName,
    defaultNamespace: view.namespace,
    server: view.server,
    core: kc.makeApiClient(k8s.CoreV1Api),
    apps: kc.makeApiClient(k8s.AppsV1Api),
  };
  cache.set(key, resolved);
  return resolved;
}

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(2))}s`;
}

/** The Status message of an API error body, e.g. `deployments.apps "x" not found`. */
function statusMessage(body: unknown): string | undefined {
  let parsed = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      return body.trim() ? oneLine(body) : undefined;
    }
  }
  const message = (parsed as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? oneLine(message) : undefined;
}

const NETWORK_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'refused the connection',
  ECONNRESET: 'closed the connection',
  ENOTFOUND: 'could not be resolved (DNS)',
  EAI_AGAIN: 'could not be resolved (DNS)',
  EHOSTUNREACH: 'is unreachable (no route to host)',
  ENETUNREACH: 'is unreachable (network unreachable)',
  ETIMEDOUT: 'did not accept the connection (timed out)',
};

/**
 * Opens a session for one step: resolves kubeconfig, context and namespace,
 * and starts the step's deadline (ctx.timeoutMs from now, or ctx.signal).
 */
export async function connectKubernetes(ctx: KubeCallContext, target: KubeTarget = {}): Promise<KubeSession> {
  const timeout = AbortSignal.timeout(ctx.timeoutMs);
  const deadline = AbortSignal.any([ctx.signal, timeout]);
  const r = await resolve(ctx.env, target.context);
  const where = `kubernetes API at ${r.server} (context ${r.context})`;

  const abortError = () => {
    const reason = ctx.signal.aborted ? (ctx.signal.reason as { name?: string } | undefined) : undefined;
    if (timeout.aborted || reason?.name === 'TimeoutError') {
      return new StepError(`${where} did not answer within ${formatSeconds(ctx.timeoutMs)}`, 'timeout');
    }
    return new StepError(`${where}: request cancelled`, 'cancelled');
  };

  const translate = (err: unknown, action: string): StepError => {
    if (err instanceof StepError) return err;
    if (deadline.aborted) return abortError();
    const e = err as { name?: string; code?: unknown; body?: unknown; message?: string; errno?: string };
    if (typeof e.code === 'number') {
      // ApiException: the server answered with an error status.
      const message = statusMessage(e.body) ?? `HTTP ${e.code}`;
      switch (e.code) {
        case 401:
          return new StepError(`${where} rejected the credentials (401 Unauthorized)`, 'unauthorized');
        case 403:
          return new StepError(`${action} (context ${r.context}) is forbidden: ${message}`, 'forbidden');
        case 404:
          return new StepError(`${action} (context ${r.context}): ${message}`, 'not-found');
        case 409:
          return new StepError(`${action} (context ${r.context}) conflicted: ${message}`, 'conflict');
        case 422:
          return new StepError(`${action} (context ${r.context}) was rejected: ${message}`, 'invalid');
        default:
          return new StepError(`${action} (context ${r.context}) failed with HTTP ${e.code}: ${message}`, 'api-error');
      }
    }
    const code = typeof e.code === 'string' ? e.code : e.errno;
    if (code && NETWORK_ERRORS[code]) return new StepError(`${where} ${NETWORK_ERRORS[code]}`, 'unreachable');
    if (code && /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)) {
      return new StepError(`${where}: TLS verification failed (${code})`, 'tls');
    }
    return new StepError(`${where}: ${oneLine(e.message ?? String(err))}`, 'unreachable');
  };

  return {
    context: r.context,
    namespace: target.namespace || r.defaultNamespace,
    server: r.server,
    core: r.core,
    apps: r.apps,
    async call<T>(action: string, fn: (options: RequestOptions) => Promise<T>, opts: { contentType?: PatchContentType } = {}): Promise<T> {
      if (deadline.aborted) throw abortError();
      // client-node's per-call middleware is where a request's signal and headers can be set
      // (ObjectParamAPI hands it to the Observable API, hence Observable-returning hooks).
      const middleware: ObservableMiddleware = {
        pre: (request) => {
          request.setSignal(deadline);
          if (opts.contentType) request.setHeaderParam('Content-Type', opts.contentType);
          return new r.k8s.Observable(Promise.resolve(request));
        },
        post: (response) => new r.k8s.Observable(Promise.resolve(response)),
      };
      const options: RequestOptions = { middleware: [middleware], middlewareMergeStrategy: 'append' };
      let onAbort = () => {};
      // Also race the deadline: nothing inside the client (an exec auth plugin,
      // a body that never ends) may outlive the step.
      const aborted = new Promise<never>((_, reject) => {
        onAbort = () => reject(abortError());
        deadline.addEventListener('abort', onAbort, { once: true });
      });
      try {
        return await Promise.race([fn(options), aborted]);
      } catch (err) {
        throw translate(err, action);
      } finally {
        deadline.removeEventListener('abort', onAbort);
      }
    },
  };
}
