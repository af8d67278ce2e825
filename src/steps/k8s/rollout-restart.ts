// k8s.rollout-restart: what `kubectl rollout restart` does — stamp the pod
// template with kubectl.kubernetes.io/restartedAt so the controller replaces
// every pod through a normal rolling update.

import { connectKubernetes, PatchType } from '../../integrations/kubernetes.js';
import { StepError, type StepType } from '../types.js';
import {
  checkWorkload,
  countProperty,
  kindProperty,
  nameProperty,
  plural,
  readWorkload,
  targetOf,
  targetProperties,
  targetResultProperties,
  where,
  type Workload,
  type WorkloadInput,
} from './shared.js';

export interface RolloutRestartResult {
  context: string;
  namespace: string;
  kind: string;
  name: string;
  /** The restartedAt annotation written (ISO 8601, UTC). */
  restartedAt: string;
  /** Pods the restart replaces (status.replicas, else spec.replicas). */
  pods: number;
}

function refuseIfPaused(input: WorkloadInput, obj: Workload): void {
  if (input.kind === 'deployment' && (obj.spec as { paused?: boolean } | undefined)?.paused) {
    throw new StepError(
      `cannot restart paused deployment/${input.name} (run kubectl rollout resume deployment/${input.name} first)`,
      'refused',
    );
  }
}

const podCount = (obj: Workload) => obj.status?.replicas ?? obj.spec?.replicas ?? 0;

export const k8sRolloutRestart: StepType<WorkloadInput, RolloutRestartResult> = {
  name: 'k8s.rollout-restart',
  description: 'Restart every pod of a deployment or statefulset through a rolling update (kubectl rollout restart)',
  effect: 'write',
  inputSchema: {
    type: 'object',
    properties: { kind: kindProperty, name: nameProperty, ...targetProperties },
    required: ['kind', 'name'],
    additionalProperties: false,
  },
  resultSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['context', 'namespace', 'kind', 'name', 'restartedAt', 'pods'],
    properties: {
      ...targetResultProperties,
      kind: kindProperty,
      name: { type: 'string' },
      restartedAt: {
        type: 'string',
        pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$',
        description: 'The restartedAt annotation written (ISO 8601, UTC).',
      },
      pods: { ...countProperty, description: 'Pods the restart replaces.' },
    },
  },
  async plan(ctx, input) {
    checkWorkload(input);
    const kube = await connectKubernetes(ctx, input);
    const obj = await readWorkload(kube, input.kind, input.name);
    refuseIfPaused(input, obj);
    return {
      summary: `would restart ${input.kind}/${input.name} (${plural(podCount(obj), 'pod')}) ${where(kube)}`,
      target: targetOf(kube),
      details: [`rolling update strategy: ${describeStrategy(obj)}`],
    };
  },
  async run(ctx, input) {
    checkWorkload(input);
    const kube = await connectKubernetes(ctx, input);
    const obj = await readWorkload(kube, input.kind, input.name);
    refuseIfPaused(input, obj);
    const restartedAt = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const body = { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': restartedAt } } } } };
    const params = { name: input.name, namespace: kube.namespace, body, fieldManager: 'oncall' };
    const action = `restart ${input.kind}/${input.name} in ${kube.namespace}`;
    const opts = { contentType: PatchType.strategic };
    if (input.kind === 'deployment') {
      await kube.call(action, (o) => kube.apps.patchNamespacedDeployment(params, o), opts);
    } else {
      await kube.call(action, (o) => kube.apps.patchNamespacedStatefulSet(params, o), opts);
    }
    const result: RolloutRestartResult = {
      context: kube.context,
      namespace: kube.namespace,
      kind: input.kind,
      name: input.name,
      restartedAt,
      pods: podCount(obj),
    };
    return { ok: true, result, summary: `restarted ${input.kind}/${input.name} (${plural(result.pods, 'pod')}) ${where(kube)}` };
  },
};

function describeStrategy(obj: Workload): string {
  const spec = obj.spec as {
    strategy?: { type?: string; rollingUpdate?: { maxSurge?: unknown; maxUnavailable?: unknown } };
    updateStrategy?: { type?: string; rollingUpdate?: { partition?: number } };
  };
  if (spec.strategy) {
    const ru = spec.strategy.rollingUpdate;
    return ru ? `${spec.strategy.type}, maxSurge ${String(ru.maxSurge ?? '25%')}, maxUnavailable ${String(ru.maxUnavailable ?? '25%')}` : String(spec.strategy.type);
  }
  return String(spec.updateStrategy?.type ?? 'RollingUpdate');
}
