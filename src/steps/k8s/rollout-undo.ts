// k8s.rollout-undo: what `kubectl rollout undo deployment/X` does — find the
// deployment's ReplicaSets (one per revision), and put the previous revision's
// pod template back. The patch tests the resourceVersion it read, so nothing
// that changed in between gets overwritten.

import { connectKubernetes, PatchType, type KubeSession } from '../../integrations/kubernetes.js';
import { StepError, type StepType } from '../types.js';
import { countProperty, nameProperty, selectorString, targetOf, targetProperties, targetResultProperties, where, type TargetInput } from './shared.js';

type V1Deployment = import('@kubernetes/client-node').V1Deployment;
type V1PodTemplateSpec = import('@kubernetes/client-node').V1PodTemplateSpec;

const REVISION = 'deployment.kubernetes.io/revision';

export interface RolloutUndoInput extends TargetInput {
  kind: 'deployment';
  name: string;
  /** Revision to go back to; default: the one before the current. */
  toRevision?: number;
}

export interface RolloutUndoResult {
  context: string;
  namespace: string;
  kind: 'deployment';
  name: string;
  fromRevision: number;
  toRevision: number;
  fromImages: string[];
  toImages: string[];
}

interface History {
  deployment: V1Deployment;
  fromRevision: number;
  toRevision: number;
  template: V1PodTemplateSpec;
  fromImages: string[];
  toImages: string[];
}

const images = (t: V1PodTemplateSpec | undefined) => (t?.spec?.containers ?? []).map((c) => c.image ?? '');

async function readHistory(kube: KubeSession, input: RolloutUndoInput): Promise<History> {
  if (input.kind !== 'deployment') {
    throw new StepError(`k8s.rollout-undo supports kind deployment only, got ${JSON.stringify(input.kind)}`, 'invalid-input');
  }
  const subject = `deployment/${input.name}`;
  const deployment = await kube.call(`get ${subject} in ${kube.namespace}`, (o) =>
    kube.apps.readNamespacedDeployment({ name: input.name, namespace: kube.namespace }, o),
  );
  if (deployment.spec?.paused) {
    throw new StepError(`cannot roll back paused ${subject} (run kubectl rollout resume ${subject} first)`, 'refused');
  }
  const list = await kube.call(`list replicasets of ${subject} in ${kube.namespace}`, (o) =>
    kube.apps.listNamespacedReplicaSet({ namespace: kube.namespace, labelSelector: selectorString(deployment.spec?.selector) }, o),
  );
  const uid = deployment.metadata?.uid;
  const revisions = list.items
    .filter((rs) => (rs.metadata?.ownerReferences ?? []).some((ref) => ref.controller && ref.uid === uid))
    .map((rs) => ({ rs, revision: Number(rs.metadata?.annotations?.[REVISION] ?? 0) }))
    .filter((r) => r.revision > 0)
    .sort((a, b) => b.revision - a.revision);
  const fromRevision = Number(deployment.metadata?.annotations?.[REVISION] ?? 0) || (revisions[0]?.revision ?? 0);
  const known = revisions.map((r) => r.revision).sort((a, b) => a - b).join(', ') || 'none';
  let target;
  if (input.toRevision !== undefined) {
    if (input.toRevision === fromRevision) {
      throw new StepError(`${subject} is already at revision ${fromRevision}`, 'refused');
    }
    target = revisions.find((r) => r.revision === input.toRevision);
    if (!target) throw new StepError(`${subject} has no revision ${input.toRevision} (revisions kept: ${known})`, 'refused');
  } else {
    target = revisions.find((r) => r.revision < fromRevision);
    if (!target) {
      throw new StepError(`${subject} has no previous revision to roll back to (current revision ${fromRevision}, revisions kept: ${known})`, 'refused');
    }
  }
  const template = JSON.parse(JSON.stringify(target.rs.spec?.template ?? {})) as V1PodTemplateSpec;
  // The hash label belongs to the ReplicaSet, not to the deployment's template (kubectl drops it too).
  if (template.metadata?.labels) delete template.metadata.labels['pod-template-hash'];
  return {
    deployment,
    fromRevision,
    toRevision: target.revision,
    template,
    fromImages: images(deployment.spec?.template),
    toImages: images(template),
  };
}

function imageChange(h: History): string {
  return h.fromImages.join(',') === h.toImages.join(',') ? 'image unchanged' : `image ${h.fromImages.join(',')} → ${h.toImages.join(',')}`;
}

export const k8sRolloutUndo: StepType<RolloutUndoInput, RolloutUndoResult> = {
  name: 'k8s.rollout-undo',
  description: "Roll a deployment back to its previous revision's pod template (kubectl rollout undo)",
  effect: 'write',
  inputSchema: {
    type: 'object',
    properties: {
      kind: { enum: ['deployment'] },
      name: nameProperty,
      toRevision: { type: 'integer', minimum: 1, description: 'default: the previous revision' },
      ...targetProperties,
    },
    required: ['kind', 'name'],
    additionalProperties: false,
  },
  resultSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['context', 'namespace', 'kind', 'name', 'fromRevision', 'toRevision', 'fromImages', 'toImages'],
    properties: {
      ...targetResultProperties,
      kind: { enum: ['deployment'] },
      name: { type: 'string' },
      fromRevision: { ...countProperty, description: 'Revision before the rollback.' },
      toRevision: { ...countProperty, description: 'Revision whose pod template was put back.' },
      fromImages: { type: 'array', items: { type: 'string' } },
      toImages: { type: 'array', items: { type: 'string' } },
    },
  },
  async plan(ctx, input) {
    const kube = await connectKubernetes(ctx, input);
    const h = await readHistory(kube, input);
    return {
      summary: `would roll back deployment/${input.name} from revision ${h.fromRevision} to revision ${h.toRevision} ${where(kube)}`,
      target: targetOf(kube),
      details: [imageChange(h)],
    };
  },
  async run(ctx, input) {
    const kube = await connectKubernetes(ctx, input);
    const h = await readHistory(kube, input);
    const body = [
      { op: 'test', path: '/metadata/resourceVersion', value: h.deployment.metadata?.resourceVersion },
      { op: 'replace', path: '/spec/template', value: h.template },
    ];
    const subject = `deployment/${input.name}`;
    try {
      await kube.call(
        `roll back ${subject} in ${kube.namespace}`,
        (o) => kube.apps.patchNamespacedDeployment({ name: input.name, namespace: kube.namespace, body, fieldManager: 'oncall' }, o),
        { contentType: PatchType.json },
      );
    } catch (err) {
      if (err instanceof StepError && err.code === 'invalid' && /test/i.test(err.message)) {
        throw new StepError(`${subject} changed while rolling back (resourceVersion moved); not rolled back`, 'conflict');
      }
      throw err;
    }
    const result: RolloutUndoResult = {
      context: kube.context,
      namespace: kube.namespace,
      kind: 'deployment',
      name: input.name,
      fromRevision: h.fromRevision,
      toRevision: h.toRevision,
      fromImages: h.fromImages,
      toImages: h.toImages,
    };
    return {
      ok: true,
      result,
      summary: `rolled back ${subject} from revision ${h.fromRevision} to revision ${h.toRevision} (${imageChange(h)}) ${where(kube)}`,
    };
  },
};
