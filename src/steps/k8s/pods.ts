// k8s.pods: the health of the pods behind a label selector, counted the way an
// on-call engineer reads `kubectl get pods` (ready, crash-looping, OOM-killed).

import { connectKubernetes } from '../../integrations/kubernetes.js';
import type { StepType } from '../types.js';
import { countProperty, plural, selectorProperty, tallyProperty, targetProperties, targetResultProperties, type TargetInput } from './shared.js';

type V1Pod = import('@kubernetes/client-node').V1Pod;

export interface PodsInput extends TargetInput {
  selector: string;
}

export interface PodInfo {
  name: string;
  phase: string;
  ready: boolean;
  restarts: number;
  /** A container's state.waiting.reason (CrashLoopBackOff, ImagePullBackOff…); init containers as "Init:…". */
  waitingReason: string | null;
  /** Why a container last terminated (OOMKilled, Error…). */
  lastTerminationReason: string | null;
  node: string | null;
  /** Ready pods: the phase; others: why not ready (CrashLoopBackOff, Terminating, Evicted, Pending, NotReady…). */
  status: string;
}

export interface PodsResult {
  context: string;
  namespace: string;
  selector: string;
  total: number;
  ready: number;
  notReady: number;
  running: number;
  pending: number;
  failed: number;
  succeeded: number;
  terminating: number;
  /** Pods with a container in CrashLoopBackOff. */
  crashLooping: number;
  /** Pods with a container whose current or last termination was OOMKilled. */
  oomKilled: number;
  /** Sum of container restart counts. */
  restarts: number;
  /** total > 0 and every pod ready. */
  allReady: boolean;
  /** Why not-ready pods are not ready: {CrashLoopBackOff: 2, Pending: 1}. */
  reasons: Record<string, number>;
  /** Last termination reasons over all pods: {OOMKilled: 2}. */
  lastTerminationReasons: Record<string, number>;
  pods: PodInfo[];
}

type ContainerStatus = NonNullable<NonNullable<V1Pod['status']>['containerStatuses']>[number];

function describePod(pod: V1Pod): PodInfo & { oom: boolean } {
  const containers: ContainerStatus[] = pod.status?.containerStatuses ?? [];
  const inits: ContainerStatus[] = pod.status?.initContainerStatuses ?? [];
  const phase = pod.status?.phase ?? 'Unknown';
  const ready = (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
  const waiting =
    containers.map((c) => c.state?.waiting?.reason).find(Boolean) ??
    inits.map((c) => c.state?.waiting?.reason && `Init:${c.state.waiting.reason}`).find(Boolean) ??
    null;
  const terminations = [...containers, ...inits].flatMap((c) => [c.lastState?.terminated?.reason, c.state?.terminated?.reason]);
  const lastTerminationReason =
    containers.map((c) => c.lastState?.terminated?.reason ?? c.state?.terminated?.reason).find(Boolean) ??
    inits.map((c) => c.lastState?.terminated?.reason).find(Boolean) ??
    null;
  const terminating = Boolean(pod.metadata?.deletionTimestamp);
  const notReadyReason =
    (terminating ? 'Terminating' : undefined) ??
    waiting ??
    pod.status?.reason ??
    (phase === 'Running' ? 'NotReady' : phase === 'Succeeded' ? 'Completed' : phase);
  return {
    name: pod.metadata?.name ?? '',
    phase,
    ready,
    restarts: [...containers, ...inits].reduce((n, c) => n + (c.restartCount ?? 0), 0),
    waitingReason: waiting,
    lastTerminationReason,
    node: pod.spec?.nodeName ?? null,
    status: terminating ? 'Terminating' : ready ? phase : notReadyReason,
    oom: terminations.includes('OOMKilled'),
  };
}

export function summarizePods(pods: V1Pod[], meta: { context: string; namespace: string; selector: string }): PodsResult {
  const described = pods.map(describePod).sort((a, b) => a.name.localeCompare(b.name));
  const count = (f: (p: (typeof described)[number]) => boolean) => described.filter(f).length;
  const reasons: Record<string, number> = {};
  const lastTerminationReasons: Record<string, number> = {};
  for (const p of described) {
    if (!p.ready) reasons[p.status] = (reasons[p.status] ?? 0) + 1;
    if (p.lastTerminationReason) lastTerminationReasons[p.lastTerminationReason] = (lastTerminationReasons[p.lastTerminationReason] ?? 0) + 1;
  }
  const ready = count((p) => p.ready);
  return {
    ...meta,
    total: described.length,
    ready,
    notReady: described.length - ready,
    running: count((p) => p.phase === 'Running'),
    pending: count((p) => p.phase === 'Pending'),
    failed: count((p) => p.phase === 'Failed'),
    succeeded: count((p) => p.phase === 'Succeeded'),
    terminating: count((p) => p.status === 'Terminating'),
    crashLooping: count((p) => p.waitingReason === 'CrashLoopBackOff' || p.waitingReason === 'Init:CrashLoopBackOff'),
    oomKilled: count((p) => p.oom),
    restarts: described.reduce((n, p) => n + p.restarts, 0),
    allReady: described.length > 0 && ready === described.length,
    reasons,
    lastTerminationReasons,
    pods: described.map(({ oom: _oom, ...info }) => info),
  };
}

/** "3 pods: 1 ready, 2 CrashLoopBackOff (OOMKilled), 14 restarts". */
export function podsSummary(r: PodsResult): string {
  if (r.total === 0) return `no pods match ${r.selector} in ${r.namespace} (context ${r.context})`;
  const parts = [`${r.ready} ready`];
  for (const [reason, n] of Object.entries(r.reasons).sort((a, b) => b[1] - a[1])) {
    const causes = new Set(
      r.pods.filter((p) => !p.ready && p.status === reason && p.lastTerminationReason).map((p) => p.lastTerminationReason),
    );
    parts.push(`${n} ${reason}${causes.size ? ` (${[...causes].join(', ')})` : ''}`);
  }
  parts.push(plural(r.restarts, 'restart'));
  return `${plural(r.total, 'pod')}: ${parts.join(', ')}`;
}

export const k8sPods: StepType<PodsInput, PodsResult> = {
  name: 'k8s.pods',
  description: 'Pod health behind a label selector: ready, crash-looping, OOM-killed, restarts',
  effect: 'read',
  inputSchema: {
    type: 'object',
    properties: { selector: selectorProperty, ...targetProperties },
    required: ['selector'],
    additionalProperties: false,
  },
  resultSchema: {
    type: 'object',
    additionalProperties: false,
    required: [
      'context', 'namespace', 'selector', 'total', 'ready', 'notReady', 'running', 'pending', 'failed', 'succeeded',
      'terminating', 'crashLooping', 'oomKilled', 'restarts', 'allReady', 'reasons', 'lastTerminationReasons', 'pods',
    ],
    properties: {
      ...targetResultProperties,
      selector: { type: 'string' },
      total: { ...countProperty, description: 'Pods matching the selector.' },
      ready: { ...countProperty, description: 'Pods whose Ready condition is True.' },
      notReady: { ...countProperty, description: 'total − ready.' },
      running: { ...countProperty, description: 'Pods in phase Running (ready or not).' },
      pending: countProperty,
      failed: countProperty,
      succeeded: countProperty,
      terminating: countProperty,
      crashLooping: { ...countProperty, description: 'Pods with a container in CrashLoopBackOff.' },
      oomKilled: { ...countProperty, description: 'Pods with a container whose current or last termination was OOMKilled.' },
      restarts: { ...countProperty, description: 'Sum of container restart counts.' },
      allReady: { type: 'boolean', description: 'total > 0 and every pod ready.' },
      reasons: { ...tallyProperty, description: 'Why not-ready pods are not ready: {CrashLoopBackOff: 2, Pending: 1}.' },
      lastTerminationReasons: { ...tallyProperty, description: 'Last termination reasons over all pods: {OOMKilled: 2}.' },
      pods: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['name', 'phase', 'ready', 'restarts', 'waitingReason', 'lastTerminationReason', 'node', 'status'],
          properties: {
            name: { type: 'string' },
            phase: { type: 'string' },
            ready: { type: 'boolean' },
            restarts: countProperty,
            waitingReason: { type: ['string', 'null'], description: 'CrashLoopBackOff, ImagePullBackOff…; init containers as Init:….' },
            lastTerminationReason: { type: ['string', 'null'], description: 'OOMKilled, Error…' },
            node: { type: ['string', 'null'] },
            status: { type: 'string', description: 'Ready pods: the phase; others: why not ready.' },
          },
        },
      },
    },
  },
  async run(ctx, input) {
    const kube = await connectKubernetes(ctx, input);
    ctx.progress(`listing pods ${input.selector} in ${kube.namespace} (context ${kube.context})`);
    const list = await kube.call(`list pods ${input.selector} in ${kube.namespace}`, (o) =>
      kube.core.listNamespacedPod({ namespace: kube.namespace, labelSelector: input.selector }, o),
    );
    const result = summarizePods(list.items, { context: kube.context, namespace: kube.namespace, selector: input.selector });
    return { ok: true, result, summary: podsSummary(result) };
  },
};
