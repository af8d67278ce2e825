// k8s.scale: set a deployment's or statefulset's replicas through the scale
// subresource, never beyond the runbook's declared ceiling. The patch tests the
// replica count it read, so a concurrent change (an HPA, a colleague) makes the
// step fail instead of silently overriding it.

import { connectKubernetes, PatchType, type KubeSession } from '../../integrations/kubernetes.js';
import { StepError, type StepType } from '../types.js';
import {
  checkWorkload,
  countProperty,
  kindProperty,
  nameProperty,
  targetOf,
  targetProperties,
  targetResultProperties,
  where,
  type WorkloadInput,
} from './shared.js';

export interface ScaleInput extends WorkloadInput {
  replicas: number;
  /** Refuse to scale above this (a runbook's safety ceiling: consumers ≤ partitions, cluster capacity). */
  maxReplicas: number;
}

export interface ScaleResult {
  context: string;
  namespace: string;
  kind: string;
  name: string;
  from: number;
  to: number;
  changed: boolean;
}

function checkInput(input: ScaleInput): void {
  checkWorkload(input);
  if (!Number.isInteger(input.replicas) || input.replicas < 0) {
    throw new StepError(`replicas must be a non-negative integer, got ${JSON.stringify(input.replicas)}`, 'invalid-input');
  }
  if (!Number.isInteger(input.maxReplicas) || input.maxReplicas < 0) {
    throw new StepError(`maxReplicas must be a non-negative integer, got ${JSON.stringify(input.maxReplicas)}`, 'invalid-input');
  }
  if (input.replicas > input.maxReplicas) {
    throw new StepError(
      `refusing to scale ${input.kind}/${input.name} to ${input.replicas} replicas: above maxReplicas ${input.maxReplicas}`,
      'refused',
    );
  }
}

async function readReplicas(kube: KubeSession, input: ScaleInput): Promise<number> {
  const params = { name: input.name, namespace: kube.namespace };
  const action = `get ${input.kind}/${input.name} scale in ${kube.namespace}`;
  const scale =
    input.kind === 'deployment'
      ? await kube.call(action, (o) => kube.apps.readNamespacedDeploymentScale(params, o))
      : await kube.call(action, (o) => kube.apps.readNamespacedStatefulSetScale(params, o));
  return scale.spec?.replicas ?? 0;
}

export const k8sScale: StepType<ScaleInput, ScaleResult> = {
  name: 'k8s.scale',
  description: "Scale a deployment or statefulset (scale subresource), refusing to go above maxReplicas",
  effect: 'write',
  inputSchema: {
    type: 'object',
    properties: {
      kind: kindProperty,
      name: nameProperty,
      replicas: { type: 'integer', minimum: 0 },
      maxReplicas: { type: 'integer', minimum: 0, description: 'refuse to scale above this' },
      ...targetProperties,
    },
    required: ['kind', 'name', 'replicas', 'maxReplicas'],
    additionalProperties: false,
  },
  resultSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['context', 'namespace', 'kind', 'name', 'from', 'to', 'changed'],
    properties: {
      ...targetResultProperties,
      kind: kindProperty,
      name: { type: 'string' },
      from: { ...countProperty, description: 'Replicas before.' },
      to: { ...countProperty, description: 'Replicas after.' },
      changed: { type: 'boolean', description: 'from ≠ to (nothing was patched otherwise).' },
    },
  },
  async plan(ctx, input) {
    checkInput(input);
    const kube = await connectKubernetes(ctx, input);
    const from = await readReplicas(kube, input);
    const subject = `${input.kind}/${input.name}`;
    return {
      summary:
        from === input.replicas
          ? `would leave ${subject} at ${input.replicas} replicas (already there) ${where(kube)}`
          : `would scale ${subject} ${from} → ${input.replicas} ${where(kube)}`,
      target: targetOf(kube),
      details: [`maxReplicas ${input.maxReplicas}`, `API server ${kube.server}`],
    };
  },
  async run(ctx, input) {
    checkInput(input);
    const kube = await connectKubernetes(ctx, input);
    const from = await readReplicas(kube, input);
    const result: ScaleResult = {
      context: kube.context,
      namespace: kube.namespace,
      kind: input.kind,
      name: input.name,
      from,
      to: input.replicas,
      changed: from !== input.replicas,
    };
    const subject = `${input.kind}/${input.name}`;
    if (!result.changed) {
      return { ok: true, result, summary: `${subject} already at ${from} replicas ${where(kube)}` };
    }
    const body = [
      { op: 'test', path: '/spec/replicas', value: from },
      { op: 'replace', path: '/spec/replicas', value: input.replicas },
    ];
    const params = { name: input.name, namespace: kube.namespace, body, fieldManager: 'oncall' };
    const action = `scale ${subject} in ${kube.namespace}`;
    const opts = { contentType: PatchType.json };
    try {
      if (input.kind === 'deployment') {
        await kube.call(action, (o) => kube.apps.patchNamespacedDeploymentScale(params, o), opts);
      } else {
        await kube.call(action, (o) => kube.apps.patchNamespacedStatefulSetScale(params, o), opts);
      }
    } catch (err) {
      if (err instanceof StepError && err.code === 'invalid' && /test/i.test(err.message)) {
        throw new StepError(
          `${subject} no longer has ${from} replicas (changed while scaling: an autoscaler or a colleague?); not scaled`,
          'conflict',
        );
      }
      throw err;
    }
    return { ok: true, result, summary: `scaled ${subject} ${from} → ${input.replicas} ${where(kube)}` };
  },
};
