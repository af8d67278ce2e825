// What the Kubernetes API server would ask RBAC for a recorded request: the
// request's attributes (API group, resource and subresource, verb, namespace)
// as the API server derives them from the path and method, and whether a set
// of RBAC rules (from manifests) allows them. Used to check that the shipped
// manifests grant what the triages really call, and that what they do not
// grant is exactly the opt-in part.
import type { RecordedRequest } from './k8s-api-server.js';

export interface RbacRule {
  apiGroups?: string[];
  resources?: string[];
  verbs: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

/** A role's rules and the namespaces it is granted in (undefined: cluster-wide). */
export interface Grant {
  rules: RbacRule[];
  namespaces?: string[];
}

export interface RequestAttributes {
  /** False for discovery paths (/api, /apis, /version, /openapi…), which every authenticated user may read. */
  resourceRequest: boolean;
  apiGroup: string;
  /** "pods", or "pods/log" with its subresource. */
  resource: string;
  verb: string;
  namespace?: string;
  name?: string;
  path: string;
}

const VERB_OF_METHOD: Record<string, string> = { POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete' };

/** As the API server's request-info resolver reads /api/v1/… and /apis/GROUP/VERSION/…. */
export function attributesOf(r: Pick<RecordedRequest, 'method' | 'path' | 'query'>): RequestAttributes {
  const parts = r.path.split('/').filter(Boolean);
  let rest: string[];
  let apiGroup: string;
  if (parts[0] === 'api' && parts.length > 2) {
    apiGroup = '';
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length > 3) {
    apiGroup = parts[1]!;
    rest = parts.slice(3);
  } else return { resourceRequest: false, apiGroup: '', resource: '', verb: r.method.toLowerCase(), path: r.path };
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length > 2) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resource, name, subresource] = rest;
  const watching = r.query?.watch === 'true' || r.query?.watch === '1';
  const verb = r.method === 'GET' || r.method === 'HEAD' ? (watching ? 'watch' : name ? 'get' : 'list') : (VERB_OF_METHOD[r.method] ?? r.method.toLowerCase());
  return { resourceRequest: true, apiGroup, resource: subresource ? `${resource}/${subresource}` : resource!, verb, path: r.path, ...(namespace ? { namespace } : {}), ...(name ? { name } : {}) };
}

const has = (list: string[] | undefined, value: string): boolean => !!list && (list.includes('*') || list.includes(value));

export function allows(grants: Grant[], a: RequestAttributes): boolean {
  if (!a.resourceRequest) return true;
  return grants.some(
    (g) =>
      (g.namespaces === undefined || (a.namespace !== undefined && g.namespaces.includes(a.namespace))) &&
      g.rules.some((rule) => has(rule.apiGroups, a.apiGroup) && has(rule.resources, a.resource) && has(rule.verbs, a.verb) && (!rule.resourceNames?.length || (a.name !== undefined && rule.resourceNames.includes(a.name)))),
  );
}

interface ManifestObject {
  kind?: string;
  metadata?: { name?: string; namespace?: string };
  rules?: RbacRule[];
  roleRef?: { kind: string; name: string };
  subjects?: Array<{ kind: string; name: string; namespace?: string }>;
}

/** The grants a ServiceAccount gets from the (Cluster)Roles and bindings in these manifest documents. */
export function grantsFor(docs: ManifestObject[], account: { name: string; namespace: string }): Grant[] {
  const roles = new Map<string, RbacRule[]>();
  for (const d of docs) if ((d.kind === 'ClusterRole' || d.kind === 'Role') && d.metadata?.name) roles.set(`${d.kind}/${d.metadata.namespace ?? ''}/${d.metadata.name}`, d.rules ?? []);
  const grants: Grant[] = [];
  for (const d of docs) {
    if (d.kind !== 'ClusterRoleBinding' && d.kind !== 'RoleBinding') continue;
    if (!d.subjects?.some((s) => s.kind === 'ServiceAccount' && s.name === account.name && s.namespace === account.namespace)) continue;
    const ref = d.roleRef!;
    const rules = roles.get(ref.kind === 'ClusterRole' ? `ClusterRole//${ref.name}` : `Role/${d.metadata?.namespace ?? ''}/${ref.name}`);
    if (!rules) throw new Error(`${d.kind} ${d.metadata?.name} refers to ${ref.kind} ${ref.name}, which these manifests do not define`);
    // A RoleBinding grants its role's rules in its own namespace only, even a ClusterRole's.
    grants.push(d.kind === 'ClusterRoleBinding' ? { rules } : { rules, namespaces: [d.metadata!.namespace!] });
  }
  return grants;
}
