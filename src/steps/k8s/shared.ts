// Input schema fragments and helpers shared by the k8s.* step types.

import type { KubeSession } from '../../integrations/kubernetes.js';
import { StepError } from '../types.js';

export const targetProperties = {
  context: { type: 'string', minLength: 1, description: 'kubeconfig context; default: current-context' },
  namespace: {
    type: 'string',
    pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$',
    maxLength: 63,
    description: "namespace; default: the context's namespace, else default",
  },
} as const;

export const nameProperty = {
  type: 'string',
  pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$',
  maxLength: 253,
  description: 'object name',
} as const;

export const selectorProperty = {
  type: 'string',
  minLength: 1,
  description: 'label selector, as for kubectl -l (app=dispatch-engine,tier!=canary)',
} as const;

export const workloadKinds = ['deployment', 'statefulset'] as const;
export type WorkloadKind = (typeof workloadKinds)[number];

export interface TargetInput {
  context?: string;
  namespace?: string;
}

export interface WorkloadInput extends TargetInput {
  kind: WorkloadKind;
  name: string;
}

export const kindProperty = { enum: [...workloadKinds], description: 'workload kind' } as const;

/** Result fields every k8s.* step reports: where it looked. */
export const targetResultProperties = {
  context: { type: 'string', description: 'kubeconfig context used' },
  namespace: { type: 'string', description: 'namespace used' },
} as const;

/** A count in a result. */
export const countProperty = { type: 'integer', minimum: 0 } as const;

/** {reason: count} tallies in a result. */
export const tallyProperty = { type: 'object', additionalProperties: countProperty } as const;

/** "smp-asia/smp-prod": what the operator must recognise before a write. */
export function targetOf(session: KubeSession): string {
  return `${session.context}/${session.namespace}`;
}

/** "in smp-prod (context smp-asia)". */
export function where(session: KubeSession): string {
  return `in ${session.namespace} (context ${session.context})`;
}

export function checkWorkload(input: WorkloadInput): void {
  if (!workloadKinds.includes(input.kind)) {
    throw new StepError(`kind must be one of ${workloadKinds.join(', ')}, got ${JSON.stringify(input.kind)}`, 'invalid-input');
  }
  if (typeof input.name !== 'string' || input.name.length === 0) {
    throw new StepError('name is required', 'invalid-input');
  }
}

export type Workload = import('@kubernetes/client-node').V1Deployment | import('@kubernetes/client-node').V1StatefulSet;

export async function readWorkload(session: KubeSession, kind: WorkloadKind, name: string): Promise<Workload> {
  const action = `get ${kind}/${name} in ${session.namespace}`;
  const params = { name, namespace: session.namespace };
  return kind === 'deployment'
    ? session.call(action, (o) => session.apps.readNamespacedDeployment(params, o))
    : session.call(action, (o) => session.apps.readNamespacedStatefulSet(params, o));
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** A LabelSelector object in the string form list calls take. */
export function selectorString(selector: import('@kubernetes/client-node').V1LabelSelector | undefined): string {
  const terms: string[] = [];
  for (const [k, v] of Object.entries(selector?.matchLabels ?? {})) terms.push(`${k}=${v}`);
  for (const e of selector?.matchExpressions ?? []) {
    const values = (e.values ?? []).join(',');
    if (e.operator === 'In') terms.push(`${e.key} in (${values})`);
    else if (e.operator === 'NotIn') terms.push(`${e.key} notin (${values})`);
    else if (e.operator === 'Exists') terms.push(e.key);
    else if (e.operator === 'DoesNotExist') terms.push(`!${e.key}`);
  }
  return terms.join(',');
}
