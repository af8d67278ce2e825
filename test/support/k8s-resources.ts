// The resource types the test API server serves: discovery documents and the
// server-side table columns `kubectl get` asks for (Accept: …;as=Table).

/* eslint-disable @typescript-eslint/no-explicit-any */

export type StateKey = 'namespaces' | 'pods' | 'events' | 'configmaps' | 'deployments' | 'statefulsets' | 'replicasets';

export interface Column {
  name: string;
  type: string;
  format?: string;
  priority?: number;
  cell(obj: any): string | number;
}

export interface ResourceDef {
  group: '' | 'apps';
  version: 'v1';
  resource: StateKey;
  kind: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: string[];
  /** Subresource name → discovery fields. */
  subresources: Record<string, { kind: string; group?: string; version?: string; verbs: string[] }>;
  columns: Column[];
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const SCALE = { kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] };

export function age(timestamp: string | undefined, now = Date.now()): string {
  if (!timestamp) return '<unknown>';
  const s = Math.max(0, Math.floor((now - Date.parse(timestamp)) / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h`;
  return `${Math.floor(h / 24)}d`;
}

const nameColumn: Column = { name: 'Name', type: 'string', format: 'name', cell: (o) => o.metadata.name };
const ageColumn: Column = { name: 'Age', type: 'string', cell: (o) => age(o.metadata.creationTimestamp) };

/** What `kubectl get pods` shows in STATUS: a container's waiting/terminated reason, else the phase. */
export function podStatusReason(pod: any): string {
  if (pod.metadata.deletionTimestamp) return 'Terminating';
  let reason: string = pod.status?.reason ?? pod.status?.phase ?? 'Unknown';
  for (const cs of pod.status?.containerStatuses ?? []) {
    const r = cs.state?.waiting?.reason ?? cs.state?.terminated?.reason;
    if (r) reason = r;
  }
  return reason;
}

const podColumns: Column[] = [
  nameColumn,
  {
    name: 'Ready',
    type: 'string',
    cell: (p) => {
      const cs: any[] = p.status?.containerStatuses ?? [];
      return `${cs.filter((c) => c.ready).length}/${p.spec?.containers?.length ?? cs.length}`;
    },
  },
  { name: 'Status', type: 'string', cell: podStatusReason },
  {
    name: 'Restarts',
    type: 'string',
    cell: (p) => String((p.status?.containerStatuses ?? []).reduce((n: number, c: any) => n + (c.restartCount ?? 0), 0)),
  },
  ageColumn,
  { name: 'IP', type: 'string', priority: 1, cell: (p) => p.status?.podIP ?? '<none>' },
  { name: 'Node', type: 'string', priority: 1, cell: (p) => p.spec?.nodeName ?? '<none>' },
];

const images = (o: any) => (o.spec?.template?.spec?.containers ?? []).map((c: any) => c.image).join(',');
const containers = (o: any) => (o.spec?.template?.spec?.containers ?? []).map((c: any) => c.name).join(',');

export const RESOURCES: ResourceDef[] = [
  {
    group: '',
    version: 'v1',
    resource: 'namespaces',
    kind: 'Namespace',
    singular: 'namespace',
    namespaced: false,
    shortNames: ['ns'],
    categories: [],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    subresources: { status: { kind: 'Namespace', verbs: ['get', 'patch', 'update'] } },
    columns: [nameColumn, { name: 'Status', type: 'string', cell: (n) => n.status?.phase ?? 'Active' }, ageColumn],
  },
  {
    group: '',
    version: 'v1',
    resource: 'pods',
    kind: 'Pod',
    singular: 'pod',
    namespaced: true,
    shortNames: ['po'],
    categories: ['all'],
    verbs: ALL_VERBS,
    subresources: { log: { kind: 'Pod', verbs: ['get'] }, status: { kind: 'Pod', verbs: ['get', 'patch', 'update'] } },
    columns: podColumns,
  },
  {
    group: '',
    version: 'v1',
    resource: 'events',
    kind: 'Event',
    singular: 'event',
    namespaced: true,
    shortNames: ['ev'],
    categories: [],
    verbs: ALL_VERBS,
    subresources: {},
    columns: [
      { name: 'Last Seen', type: 'string', cell: (e) => age(e.lastTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp) },
      { name: 'Type', type: 'string', cell: (e) => e.type ?? '' },
      { name: 'Reason', type: 'string', cell: (e) => e.reason ?? '' },
      { name: 'Object', type: 'string', cell: (e) => `${String(e.involvedObject?.kind ?? '').toLowerCase()}/${e.involvedObject?.name ?? ''}` },
      { name: 'Message', type: 'string', cell: (e) => e.message ?? '' },
    ],
  },
  {
    group: '',
    version: 'v1',
    resource: 'configmaps',
    kind: 'ConfigMap',
    singular: 'configmap',
    namespaced: true,
    shortNames: ['cm'],
    categories: [],
    verbs: ALL_VERBS,
    subresources: {},
    columns: [nameColumn, { name: 'Data', type: 'integer', cell: (c) => Object.keys(c.data ?? {}).length }, ageColumn],
  },
  {
    group: 'apps',
    version: 'v1',
    resource: 'deployments',
    kind: 'Deployment',
    singular: 'deployment',
    namespaced: true,
    shortNames: ['deploy'],
    categories: ['all'],
    verbs: ALL_VERBS,
    subresources: { scale: SCALE, status: { kind: 'Deployment', verbs: ['get', 'patch', 'update'] } },
    columns: [
      nameColumn,
      { name: 'Ready', type: 'string', cell: (d) => `${d.status?.readyReplicas ?? 0}/${d.spec?.replicas ?? 1}` },
      { name: 'Up-to-date', type: 'integer', cell: (d) => d.status?.updatedReplicas ?? 0 },
      { name: 'Available', type: 'integer', cell: (d) => d.status?.availableReplicas ?? 0 },
      ageColumn,
      { name: 'Containers', type: 'string', priority: 1, cell: containers },
      { name: 'Images', type: 'string', priority: 1, cell: images },
    ],
  },
  {
    group: 'apps',
    version: 'v1',
    resource: 'statefulsets',
    kind: 'StatefulSet',
    singular: 'statefulset',
    namespaced: true,
    shortNames: ['sts'],
    categories: ['all'],
    verbs: ALL_VERBS,
    subresources: { scale: SCALE, status: { kind: 'StatefulSet', verbs: ['get', 'patch', 'update'] } },
    columns: [
      nameColumn,
      { name: 'Ready', type: 'string', cell: (s) => `${s.status?.readyReplicas ?? 0}/${s.spec?.replicas ?? 1}` },
      ageColumn,
      { name: 'Containers', type: 'string', priority: 1, cell: containers },
      { name: 'Images', type: 'string', priority: 1, cell: images },
    ],
  },
  {
    group: 'apps',
    version: 'v1',
    resource: 'replicasets',
    kind: 'ReplicaSet',
    singular: 'replicaset',
    namespaced: true,
    shortNames: ['rs'],
    categories: ['all'],
    verbs: ALL_VERBS,
    subresources: { scale: SCALE, status: { kind: 'ReplicaSet', verbs: ['get', 'patch', 'update'] } },
    columns: [
      nameColumn,
      { name: 'Desired', type: 'integer', cell: (r) => r.spec?.replicas ?? 0 },
      { name: 'Current', type: 'integer', cell: (r) => r.status?.replicas ?? 0 },
      { name: 'Ready', type: 'integer', cell: (r) => r.status?.readyReplicas ?? 0 },
      ageColumn,
    ],
  },
];

export const groupVersion = (def: ResourceDef) => (def.group ? `${def.group}/${def.version}` : def.version);

export function findResource(group: string, resource: string): ResourceDef | undefined {
  return RESOURCES.find((r) => r.group === group && r.resource === resource);
}

export function apiResourceList(group: '' | 'apps'): Record<string, unknown> {
  const defs = RESOURCES.filter((r) => r.group === group);
  const resources: Record<string, unknown>[] = [];
  for (const def of defs) {
    resources.push({
      name: def.resource,
      singularName: def.singular,
      namespaced: def.namespaced,
      kind: def.kind,
      verbs: def.verbs,
      ...(def.shortNames.length ? { shortNames: def.shortNames } : {}),
      ...(def.categories.length ? { categories: def.categories } : {}),
    });
    for (const [sub, info] of Object.entries(def.subresources)) {
      resources.push({
        name: `${def.resource}/${sub}`,
        singularName: '',
        namespaced: def.namespaced,
        ...(info.group ? { group: info.group, version: info.version } : {}),
        kind: info.kind,
        verbs: info.verbs,
      });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/v1` : 'v1', resources };
}

export function table(def: ResourceDef, objects: any[], includeObject: string, resourceVersion: string): Record<string, unknown> {
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions: def.columns.map((c) => ({
      name: c.name,
      type: c.type,
      format: c.format ?? '',
      description: '',
      priority: c.priority ?? 0,
    })),
    rows: objects.map((o) => ({
      cells: def.columns.map((c) => c.cell(o)),
      object:
        includeObject === 'None'
          ? undefined
          : includeObject === 'Object'
            ? o
            : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata },
    })),
  };
}
