// The one kubeconfig resolver: which files kubectl reads, how it merges them,
// and which context, namespace and API server a command ends up using. The
// approval prompt (what the operator is asked about) and the Kubernetes client
// (what a native step acts on) both go through here, so they cannot disagree.
//
// It follows client-go's loading rules (clientcmd.ClientConfigLoadingRules),
// which is what kubectl does:
//
// - Files: `--kubeconfig` → only that file. Else KUBECONFIG split on
//   path.delimiter (duplicates dropped, empty entries and missing files
//   ignored; a set KUBECONFIG never falls back to the home file, even when it
//   names nothing). Else ~/.kube/config, HOME taken from the given env.
// - Merge: for current-context and every other top-level field the FIRST file
//   that sets a non-empty value wins; for the named lists (clusters, contexts,
//   users, extensions) the first definition of a name wins, whole (later files
//   neither override nor fill in its fields).
// - Context: `--context`, else the merged current-context. Namespace: `-n`,
//   else the context's namespace, else "default". Server: `--server`, else the
//   server of the context's cluster (or of `--cluster`).
// - Relative file references (certificate-authority, client-certificate,
//   client-key, tokenFile, a path-like exec command) are relative to the file
//   that defined them, and are made absolute in the merged document.
// - No usable kubeconfig but running in a pod (KUBERNETES_SERVICE_HOST/PORT and
//   a service account token): the in-cluster config.
//
// kubectl refuses to run at all when one of the files is unreadable or invalid
// (bad YAML, a number where a string belongs, a name defined twice in one
// file). Here such a file is skipped and reported in `skipped`: the prompt path
// must never throw, and the client turns `skipped` into a clear error.
//
// Deliberately light: node built-ins and the yaml library only. Never import
// @kubernetes/client-node here (~350 ms); this module runs on the prompt path.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { yamlLib } from '../runbook/libraries.js';

type Env = Record<string, string | undefined>;

export interface KubeconfigFlags {
  /** --kubeconfig */
  kubeconfig?: string;
  /** --context */
  context?: string;
  /** -n / --namespace */
  namespace?: string;
  /** --cluster */
  cluster?: string;
  /** --user */
  user?: string;
  /** --server / -s */
  server?: string;
}

export interface KubeconfigView {
  /** The context kubectl would use; undefined when there is none (no kubeconfig, no current-context). */
  context?: string;
  namespace: string;
  /** API server URL; undefined when the context or its cluster is not defined. */
  server?: string;
  /** Name of the cluster entry in use (the context's, or --cluster). */
  cluster?: string;
  /** Name of the user entry in use (the context's, or --user). */
  user?: string;
  /** The kubeconfig files that were read and merged, in precedence order. */
  files: string[];
  /** Set when kubectl would use the in-cluster (service account) config. */
  inCluster?: true;
}

export interface SkippedKubeconfig {
  file: string;
  reason: string;
}

export interface MergedKubeconfig {
  /** The merged kubeconfig document, in kubeconfig (v1, YAML) field names. */
  doc: KubeconfigDoc;
  /** The files that were read and merged, in precedence order. */
  files: string[];
  /** Files that exist but kubectl could not load (it would refuse to run); left out of the merge. */
  skipped: SkippedKubeconfig[];
}

type Obj = Record<string, unknown>;

export interface NamedEntry {
  name: string;
  [key: string]: unknown;
}

export interface KubeconfigDoc {
  apiVersion: string;
  kind: string;
  preferences: Obj;
  clusters: NamedEntry[];
  users: NamedEntry[];
  contexts: NamedEntry[];
  'current-context': string;
  [key: string]: unknown;
}

const NAMED_LISTS = ['clusters', 'contexts', 'users'] as const;
const ENTRY_BODY: Record<(typeof NAMED_LISTS)[number], string> = { clusters: 'cluster', contexts: 'context', users: 'user' };
/** Fields that kubeconfig's Go types declare as strings and that this module relies on. */
const STRING_FIELDS: Record<string, string[]> = {
  cluster: ['server', 'certificate-authority', 'certificate-authority-data', 'tls-server-name', 'proxy-url'],
  context: ['cluster', 'user', 'namespace'],
  user: ['client-certificate', 'client-key', 'client-certificate-data', 'client-key-data', 'token', 'tokenFile', 'username', 'password', 'as'],
};
/** File references client-go resolves against the directory of the file that defined them. */
const PATH_FIELDS: Record<string, string[]> = {
  cluster: ['certificate-authority'],
  user: ['client-certificate', 'client-key', 'tokenFile'],
};

const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
/** Go's zero values: mergo does not let them override anything. */
const isEmpty = (v: unknown) =>
  v === undefined || v === null || v === '' || v === false || v === 0 || (Array.isArray(v) && v.length === 0) || (isObj(v) && Object.keys(v).length === 0);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** The kubeconfig files kubectl would consider, in precedence order (missing ones included). */
export function kubeconfigPaths(env: Env, flags: Pick<KubeconfigFlags, 'kubeconfig'> = {}): string[] {
  if (flags.kubeconfig) return [flags.kubeconfig];
  if (env.KUBECONFIG) return [...new Set(env.KUBECONFIG.split(delimiter).filter((p) => p.length > 0))];
  return [join(env.HOME || homedir(), '.kube', 'config')];
}

class InvalidKubeconfig extends Error {}

function checkStrings(body: Obj, kind: string, where: string): void {
  for (const field of STRING_FIELDS[kind] ?? []) {
    const v = body[field];
    if (v !== undefined && v !== null && typeof v !== 'string') {
      throw new InvalidKubeconfig(`${where}.${field} must be a string, not ${typeof v}`);
    }
  }
}

function resolvePaths(body: Obj, kind: string, base: string): Obj {
  const out = { ...body };
  for (const field of PATH_FIELDS[kind] ?? []) {
    const v = out[field];
    if (typeof v === 'string' && v !== '' && !isAbsolute(v)) out[field] = join(base, v);
  }
  if (kind === 'user' && isObj(out.exec)) {
    const command = out.exec.command;
    // As client-go: only a command containing a path separator is a file reference; a bare name is looked up on PATH.
    if (typeof command === 'string' && command.includes(sep) && !isAbsolute(command)) out.exec = { ...out.exec, command: join(base, command) };
  }
  return out;
}

/** Parses and checks one kubeconfig file the way client-go's loader would accept it. */
function loadFile(file: string): Obj {
  if (statSync(file).isDirectory()) throw new InvalidKubeconfig('is a directory');
  const text = readFileSync(file, 'utf8');
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    // sigs.k8s.io/yaml (go-yaml v2): YAML 1.1 scalars (yes/no are booleans), duplicate keys allowed (last wins).
    parsed = yamlLib().parse(text, { version: '1.1', uniqueKeys: false, merge: true });
  } catch (err) {
    throw new InvalidKubeconfig(((err as Error).message ?? String(err)).split('\n')[0]);
  }
  if (parsed === null || parsed === undefined) return {};
  if (!isObj(parsed)) throw new InvalidKubeconfig('not a kubeconfig (expected a mapping)');
  const cc = parsed['current-context'];
  if (cc !== undefined && cc !== null && typeof cc !== 'string') throw new InvalidKubeconfig('current-context must be a string');

  const base = dirname(resolve(file));
  const out: Obj = { ...parsed };
  for (const list of [...NAMED_LISTS, 'extensions'] as const) {
    const entries = parsed[list];
    if (entries === undefined || entries === null) continue;
    if (!Array.isArray(entries)) throw new InvalidKubeconfig(`${list} must be a list`);
    const seen = new Set<string>();
    out[list] = entries.map((entry, i) => {
      if (!isObj(entry)) throw new InvalidKubeconfig(`${list}[${i}] must be a mapping`);
      const name = entry.name ?? '';
      if (typeof name !== 'string') throw new InvalidKubeconfig(`${list}[${i}].name must be a string`);
      if (seen.has(name)) throw new InvalidKubeconfig(`duplicate name "${name}" in ${list}`);
      seen.add(name);
      if (list === 'extensions') return entry;
      const kind = ENTRY_BODY[list];
      const body = entry[kind] ?? {};
      if (!isObj(body)) throw new InvalidKubeconfig(`${list}[${i}].${kind} must be a mapping`);
      checkStrings(body, kind, `${list}[${i}].${kind}`);
      return { ...entry, name, [kind]: resolvePaths(body, kind, base) };
    });
  }
  return out;
}

/** mergo.Merge(dst, src) with first-wins priority: src fills only what dst leaves empty. */
function fillEmpty(dst: Obj, src: Obj): void {
  for (const [key, value] of Object.entries(src)) {
    if (isEmpty(value)) continue;
    const current = dst[key];
    if (isEmpty(current)) dst[key] = value;
    else if (isObj(current) && isObj(value)) {
      const merged = { ...current };
      fillEmpty(merged, value);
      dst[key] = merged;
    }
  }
}

/** The merged kubeconfig document (kubectl's merge rules), for building a client. */
export function mergedKubeconfig(env: Env, flags: KubeconfigFlags = {}): MergedKubeconfig {
  const files: string[] = [];
  const skipped: SkippedKubeconfig[] = [];
  const named: Record<string, Map<string, NamedEntry>> = {};
  const rest: Obj = {};
  for (const file of kubeconfigPaths(env, flags)) {
    let doc: Obj;
    try {
      if (!existsSync(file)) continue; // kubectl ignores missing files in the list
      doc = loadFile(file);
    } catch (err) {
      skipped.push({ file, reason: (err as Error).message || String(err) });
      continue;
    }
    files.push(file);
    for (const [key, value] of Object.entries(doc)) {
      if (key === 'extensions' || (NAMED_LISTS as readonly string[]).includes(key)) {
        const map = (named[key] ??= new Map());
        for (const entry of (value as NamedEntry[] | undefined) ?? []) {
          if (entry.name !== '' && !map.has(entry.name)) map.set(entry.name, entry);
        }
      } else {
        fillEmpty(rest, { [key]: value });
      }
    }
  }
  const list = (key: string) => [...(named[key]?.values() ?? [])];
  const doc: KubeconfigDoc = {
    ...rest,
    apiVersion: str(rest.apiVersion) ?? 'v1',
    kind: str(rest.kind) ?? 'Config',
    preferences: isObj(rest.preferences) ? rest.preferences : {},
    clusters: list('clusters'),
    users: list('users'),
    contexts: list('contexts'),
    'current-context': str(rest['current-context']) ?? '',
  };
  if (named.extensions) doc.extensions = list('extensions');
  return { doc, files, skipped };
}

function readTrimmed(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** client-go's inClusterClientConfig.Possible(). */
function inClusterPossible(env: Env): boolean {
  if (!env.KUBERNETES_SERVICE_HOST || !env.KUBERNETES_SERVICE_PORT) return false;
  try {
    return existsSync(join(SA_DIR, 'token'));
  } catch {
    return false;
  }
}

/** The view of an already merged kubeconfig: what resolveKubeconfig answers, without reading the files again. */
export function viewFromMerged(merged: MergedKubeconfig, env: Env, flags: KubeconfigFlags = {}): KubeconfigView {
  const { doc, files } = merged;
  const contextName = str(flags.context) ?? str(doc['current-context']);
  const entry = contextName ? doc.contexts.find((c) => c.name === contextName) : undefined;
  const ctx = isObj(entry?.context) ? entry.context : {};
  const cluster = str(flags.cluster) ?? str(ctx.cluster);
  const user = str(flags.user) ?? str(ctx.user);
  const clusterEntry = cluster ? doc.clusters.find((c) => c.name === cluster) : undefined;
  const server = str(flags.server) ?? (isObj(clusterEntry?.cluster) ? str(clusterEntry.cluster.server) : undefined);

  // As DeferredLoadingClientConfig: a kubeconfig that yields nothing usable, inside a pod, means the service account.
  if (!contextName && !str(flags.server) && !cluster && inClusterPossible(env)) {
    const host = env.KUBERNETES_SERVICE_HOST!;
    const port = env.KUBERNETES_SERVICE_PORT!;
    return {
      namespace: str(flags.namespace) ?? str(env.POD_NAMESPACE) ?? readTrimmed(join(SA_DIR, 'namespace')) ?? 'default',
      server: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
      files,
      inCluster: true,
    };
  }

  const view: KubeconfigView = { namespace: str(flags.namespace) ?? str(ctx.namespace) ?? 'default', files };
  if (contextName) view.context = contextName;
  if (server) view.server = server;
  if (cluster) view.cluster = cluster;
  if (user) view.user = user;
  return view;
}

/** The context kubectl would use and what it points at, for these flags/env. Never throws. */
export function resolveKubeconfig(env: Env, flags: KubeconfigFlags = {}): KubeconfigView {
  try {
    return viewFromMerged(mergedKubeconfig(env, flags), env, flags);
  } catch {
    // Nothing above should throw (files are read defensively), but the prompt path must not die on a kubeconfig.
    return { ...(flags.context ? { context: flags.context } : {}), namespace: flags.namespace || 'default', files: [] };
  }
}
