// k8s.rollout-status: one look at a deployment's or statefulset's rollout,
// judged with kubectl's own rules (so "complete" means what
// `kubectl rollout status` would print as done), without waiting.
// Waiting is the runbook's job: `until: { condition: result.complete, … }`.

import { connectKubernetes } from '../../integrations/kubernetes.js';
import type { StepType } from '../types.js';
import {
  checkWorkload,
  countProperty,
  kindProperty,
  nameProperty,
  readWorkload,
  targetProperties,
  targetResultProperties,
  type WorkloadInput,
  type WorkloadKind,
} from './shared.js';

type V1Deployment = import('@kubernetes/client-node').V1Deployment;
type V1StatefulSet = import('@kubernetes/client-node').V1StatefulSet;

export interface RolloutStatusResult {
  context: string;
  namespace: string;
  kind: WorkloadKind;
  name: string;
  /** spec.replicas */
  desired: number;
  /** status.replicas (pods of any revision) */
  current: number;
  ready: number;
  updated: number;
  available: number;
  unavailable: number;
  generation: number;
  observedGeneration: number;
  /** What `kubectl rollout status` would report as finished. */
  complete: boolean;
  /** Deployment only: the Progressing condition says ProgressDeadlineExceeded. */
  failed: boolean;
  paused: boolean;
  /** Deployment: the deployment.kubernetes.io/revision annotation; statefulset: status.updateRevision. */
  revision: string | null;
  /** kubectl's status line ("Waiting for deployment … 1 of 3 updated replicas are available…"). */
  message: string;
}

function deploymentStatus(d: V1Deployment): Pick<RolloutStatusResult, 'complete' | 'failed' | 'message'> {
  const name = d.metadata?.name ?? '';
  const s = d.status ?? {};
  const desired = d.spec?.replicas ?? 1;
  if ((d.metadata?.generation ?? 0) > (s.observedGeneration ?? 0)) {
    return { complete: false, failed: false, message: 'Waiting for deployment spec update to be observed...' };
  }
  const progressing = (s.conditions ?? []).find((c) => c.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') {
    return { complete: false, failed: true, message: `deployment "${name}" exceeded its progress deadline` };
  }
  const updated = s.updatedReplicas ?? 0;
  if (updated < desired) {
    return { complete: false, failed: false, message: `Waiting for deployment "${name}" rollout to finish: ${updated} out of ${desired} new replicas have been updated...` };
  }
  if ((s.replicas ?? 0) > updated) {
    return { complete: false, failed: false, message: `Waiting for deployment "${name}" rollout to finish: ${(s.replicas ?? 0) - updated} old replicas are pending termination...` };
  }
  if ((s.availableReplicas ?? 0) < updated) {
    return { complete: false, failed: false, message: `Waiting for deployment "${name}" rollout to finish: ${s.availableReplicas ?? 0} of ${updated} updated replicas are available...` };
  }
  return { complete: true, failed: false, message: `deployment "${name}" successfully rolled out` };
}

function statefulSetStatus(sts: V1StatefulSet): Pick<RolloutStatusResult, 'complete' | 'failed' | 'message'> {
  const s = sts.status ?? { replicas: 0 };
  const strategy = sts.spec?.updateStrategy;
  if (strategy?.type && strategy.type !== 'RollingUpdate') {
    return { complete: false, failed: false, message: 'rollout status is only available for RollingUpdate strategy type' };
  }
  if (!s.observedGeneration || (sts.metadata?.generation ?? 0) > s.observedGeneration) {
    return { complete: false, failed: false, message: 'Waiting for statefulset spec update to be observed...' };
  }
  const desired = sts.spec?.replicas ?? 1;
  if ((s.readyReplicas ?? 0) < desired) {
    return { complete: false, failed: false, message: `Waiting for ${desired - (s.readyReplicas ?? 0)} pods to be ready...` };
  }
  const partition = strategy?.rollingUpdate?.partition;
  if (strategy?.rollingUpdate && partition !== undefined) {
    if ((s.updatedReplicas ?? 0) < desired - partition) {
      return { complete: false, failed: false, message: `Waiting for partitioned roll out to finish: ${s.updatedReplicas ?? 0} out of ${desired - partition} new pods have been updated...` };
    }
    return { complete: true, failed: false, message: `partitioned roll out complete: ${s.updatedReplicas ?? 0} new pods have been updated...` };
  }
  if (s.updateRevision !== s.currentRevision) {
    return { complete: false, failed: false, message: `waiting for statefulset rolling update to complete ${s.updatedReplicas ?? 0} pods at revision ${s.updateRevision}...` };
  }
  return { complete: true, failed: false, message: `statefulset rolling update complete ${s.currentReplicas ?? 0} pods at revision ${s.currentRevision}...` };
}

export const k8sRolloutStatus: StepType<WorkloadInput, RolloutStatusResult> = {
  name: 'k8s.rollout-status',
  description: "A deployment's or statefulset's rollout progress (replica counts, complete?), judged as kubectl does",
  effect: 'read',
  inputSchema: {
    type: 'object',
    properties: { kind: kindProperty, name: nameProperty, ...targetProperties },
    required: ['kind', 'name'],
    additionalProperties: false,
  },
  resultSchema: {
    type: 'object',
    additionalProperties: false,
    required: [
      'context', 'namespace', 'kind', 'name', 'desired', 'current', 'ready', 'updated', 'available', 'unavailable',
      'generation', 'observedGeneration', 'complete', 'failed', 'paused', 'revision', 'message',
    ],
    properties: {
      ...targetResultProperties,
      kind: kindProperty,
      name: { type: 'string' },
      desired: { ...countProperty, description: 'spec.replicas: the replicas the workload should have.' },
      current: { ...countProperty, description: 'status.replicas (pods of any revision).' },
      ready: countProperty,
      updated: countProperty,
      available: countProperty,
      unavailable: { ...countProperty, description: 'desired − available, at least 0.' },
      generation: countProperty,
      observedGeneration: countProperty,
      complete: { type: 'boolean', description: 'What `kubectl rollout status` would report as finished.' },
      failed: { type: 'boolean', description: 'Deployment only: the progress deadline was exceeded.' },
      paused: { type: 'boolean' },
      revision: { type: ['string', 'null'], description: 'Deployment: its revision annotation; statefulset: status.updateRevision.' },
      message: { type: 'string', description: "kubectl's status line." },
    },
  },
  async run(ctx, input) {
    checkWorkload(input);
    const kube = await connectKubernetes(ctx, input);
    const obj = await readWorkload(kube, input.kind, input.name);
    const s = obj.status ?? {};
    const verdict = input.kind === 'deployment' ? deploymentStatus(obj as V1Deployment) : statefulSetStatus(obj as V1StatefulSet);
    const desired = obj.spec?.replicas ?? 1;
    const available = s.availableReplicas ?? 0;
    const result: RolloutStatusResult = {
      context: kube.context,
      namespace: kube.namespace,
      kind: input.kind,
      name: input.name,
      desired,
      current: s.replicas ?? 0,
      ready: s.readyReplicas ?? 0,
      updated: s.updatedReplicas ?? 0,
      available,
      unavailable: Math.max(0, desired - available),
      generation: obj.metadata?.generation ?? 0,
      observedGeneration: s.observedGeneration ?? 0,
      paused: Boolean((obj as V1Deployment).spec?.paused),
      revision:
        input.kind === 'deployment'
          ? (obj.metadata?.annotations?.['deployment.kubernetes.io/revision'] ?? null)
          : ((obj as V1StatefulSet).status?.updateRevision ?? null),
      ...verdict,
    };
    const counts = `${result.ready}/${desired} ready, ${result.updated} updated, ${available} available`;
    return {
      ok: true,
      result,
      summary: `${input.kind}/${input.name}: ${counts}; ${result.complete ? 'rollout complete' : verdict.message}`,
    };
  },
};
