// The RBAC reading the serve tests rely on (test/support/k8s-rbac.ts): request
// attributes as the API server derives them, and RoleBindings that grant a
// ClusterRole's rules in their own namespace only.
import { allows, attributesOf, grantsFor } from '../support/k8s-rbac.js';

test.each([
  ['GET', '/api/v1/namespaces/smp-prod/pods', {}, { apiGroup: '', resource: 'pods', verb: 'list', namespace: 'smp-prod' }],
  ['GET', '/api/v1/namespaces/smp-prod/pods/kafka-0', {}, { resource: 'pods', verb: 'get', name: 'kafka-0' }],
  ['GET', '/api/v1/namespaces/smp-prod/pods/kafka-0/log', {}, { resource: 'pods/log', verb: 'get' }],
  ['GET', '/api/v1/namespaces/smp-prod/pods', { watch: 'true' }, { resource: 'pods', verb: 'watch' }],
  ['POST', '/api/v1/namespaces/smp-prod/pods/kafka-0/exec', {}, { resource: 'pods/exec', verb: 'create' }],
  ['GET', '/apis/apps/v1/namespaces/smp-prod/deployments/dispatch-engine/scale', {}, { apiGroup: 'apps', resource: 'deployments/scale', verb: 'get' }],
  ['PATCH', '/apis/apps/v1/namespaces/smp-prod/deployments/dispatch-engine/scale', {}, { apiGroup: 'apps', resource: 'deployments/scale', verb: 'patch' }],
  ['GET', '/api/v1/nodes', {}, { resource: 'nodes', verb: 'list' }],
  ['GET', '/apis', {}, { resourceRequest: false }],
])('%s %s %j', (method, path, query, expected) => {
  expect(attributesOf({ method, path, query })).toMatchObject(expected);
});

test('a ClusterRoleBinding grants everywhere, a RoleBinding in its namespace only; verbs and resources must both match', () => {
  const docs = [
    { kind: 'ClusterRole', metadata: { name: 'read' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }] },
    { kind: 'ClusterRole', metadata: { name: 'exec' }, rules: [{ apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] }] },
    { kind: 'ClusterRoleBinding', metadata: { name: 'read' }, roleRef: { kind: 'ClusterRole', name: 'read' }, subjects: [{ kind: 'ServiceAccount', name: 'sa', namespace: 'oncall' }] },
    { kind: 'RoleBinding', metadata: { name: 'exec', namespace: 'smp-prod' }, roleRef: { kind: 'ClusterRole', name: 'exec' }, subjects: [{ kind: 'ServiceAccount', name: 'sa', namespace: 'oncall' }] },
    { kind: 'RoleBinding', metadata: { name: 'other', namespace: 'x' }, roleRef: { kind: 'ClusterRole', name: 'exec' }, subjects: [{ kind: 'ServiceAccount', name: 'someone-else', namespace: 'oncall' }] },
  ];
  const grants = grantsFor(docs, { name: 'sa', namespace: 'oncall' });
  const can = (method: string, path: string): boolean => allows(grants, attributesOf({ method, path, query: {} }));
  expect(can('GET', '/api/v1/namespaces/anywhere/pods')).toBe(true);
  expect(can('DELETE', '/api/v1/namespaces/anywhere/pods/p')).toBe(false);
  expect(can('GET', '/api/v1/namespaces/anywhere/pods/p/log')).toBe(false);
  expect(can('POST', '/api/v1/namespaces/smp-prod/pods/p/exec')).toBe(true);
  expect(can('POST', '/api/v1/namespaces/x/pods/p/exec')).toBe(false);
  expect(() => grantsFor([docs[2]!], { name: 'sa', namespace: 'oncall' })).toThrow(/refers to ClusterRole read, which these manifests do not define/);
});
