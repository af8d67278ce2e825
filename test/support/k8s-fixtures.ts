// Builders for realistic Kubernetes objects (the status shapes the kubelet and
// controllers really write), and the dispatch-engine incident seed.

import { randomUUID } from 'node:crypto';
import type { K8sObject, K8sSeed } from './k8s-api-server.js';

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');

export interface PodFixture {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';
  ready?: boolean;
  restarts?: number;
  /** state.waiting.reason, e.g. CrashLoopBackOff, ImagePullBackOff, ContainerCreating. */
  waitingReason?: string;
  /** lastState.terminated.reason, e.g. OOMKilled, Error. */
  lastTerminationReason?: string;
  node?: string;
  containers?: string[];
  /** status.reason on the pod, e.g. Evicted. */
  podReason?: string;
  ageMinutes?: number;
}

export function pod(f: PodFixture): K8sObject {
  const containers = f.containers ?? ['app'];
  const phase = f.phase ?? 'Running';
  const ready = f.ready ?? (phase === 'Running' && !f.waitingReason);
  const started = minutesAgo(f.ageMinutes ?? 42);
  const app = f.labels?.app ?? 'dispatch-engine';
  const image = (name: string) => `registry.local/${name === 'app' ? app : name}:1.4.2`;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: f.name,
      namespace: f.namespace ?? 'smp-prod',
      labels: f.labels ?? { app: 'dispatch-engine' },
      creationTimestamp: started,
    },
    spec: {
      nodeName: f.node ?? 'node-a',
      containers: containers.map((name) => ({ name, image: image(name) })),
      restartPolicy: 'Always',
    },
    status: {
      phase,
      ...(f.podReason ? { reason: f.podReason } : {}),
      podIP: '10.42.0.' + (10 + (f.name.length % 200)),
      startTime: started,
      conditions: [
        { type: 'PodScheduled', status: 'True', lastTransitionTime: started },
        { type: 'Initialized', status: 'True', lastTransitionTime: started },
        { type: 'ContainersReady', status: ready ? 'True' : 'False', lastTransitionTime: started },
        { type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: started },
      ],
      containerStatuses: containers.map((name, i) => ({
        name,
        image: image(name),
        imageID: `${image(name).split(':')[0]}@sha256:${'0'.repeat(64)}`,
        ready,
        started: ready,
        restartCount: i === 0 ? (f.restarts ?? 0) : 0,
        state: f.waitingReason
          ? { waiting: { reason: f.waitingReason, message: `back-off 5m0s restarting failed container=${name} pod=${f.name}` } }
          : phase === 'Running'
            ? { running: { startedAt: started } }
            : phase === 'Pending'
              ? { waiting: { reason: 'ContainerCreating' } }
              : { terminated: { reason: phase === 'Succeeded' ? 'Completed' : 'Error', exitCode: phase === 'Succeeded' ? 0 : 1 } },
        ...(f.lastTerminationReason
          ? {
              lastState: {
                terminated: {
                  reason: f.lastTerminationReason,
                  exitCode: f.lastTerminationReason === 'OOMKilled' ? 137 : 1,
                  startedAt: minutesAgo(3),
                  finishedAt: minutesAgo(2),
                },
              },
            }
          : { lastState: {} }),
      })),
    },
  };
}

export interface WorkloadFixture {
  name: string;
  namespace?: string;
  replicas?: number;
  image?: string;
  labels?: Record<string, string>;
  revision?: number;
  paused?: boolean;
  /** Status counts; omitted means "rollout complete". */
  status?: Record<string, unknown>;
}

function template(f: WorkloadFixture) {
  const labels = f.labels ?? { app: f.name };
  return {
    metadata: { labels },
    spec: { containers: [{ name: 'app', image: f.image ?? `registry.local/${f.name}:1.4.2` }] },
  };
}

export function deployment(f: WorkloadFixture): K8sObject {
  const labels = f.labels ?? { app: f.name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: f.name,
      namespace: f.namespace ?? 'smp-prod',
      uid: randomUUID(),
      labels,
      generation: 1,
      creationTimestamp: minutesAgo(60 * 24 * 3),
      annotations: { 'deployment.kubernetes.io/revision': String(f.revision ?? 1) },
    },
    spec: {
      replicas: f.replicas ?? 3,
      selector: { matchLabels: labels },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      ...(f.paused ? { paused: true } : {}),
      template: template(f),
    },
    ...(f.status ? { status: f.status } : {}),
  };
}

/** An older ReplicaSet of `owner` (a deployment() object) at `revision`, running `image`. */
export function replicaSet(owner: K8sObject, revision: number, image: string, hash: string): K8sObject {
  const tpl = JSON.parse(JSON.stringify(owner.spec.template));
  tpl.metadata.labels = { ...tpl.metadata.labels, 'pod-template-hash': hash };
  tpl.spec.containers[0].image = image;
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${owner.metadata.name}-${hash}`,
      namespace: owner.metadata.namespace,
      labels: { ...tpl.metadata.labels },
      annotations: { 'deployment.kubernetes.io/revision': String(revision) },
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'Deployment', name: owner.metadata.name, uid: owner.metadata.uid, controller: true, blockOwnerDeletion: true },
      ],
    },
    spec: { replicas: 0, selector: { matchLabels: { ...owner.spec.selector.matchLabels, 'pod-template-hash': hash } }, template: tpl },
    status: { replicas: 0 },
  };
}

export function statefulset(f: WorkloadFixture): K8sObject {
  const labels = f.labels ?? { app: f.name };
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: f.name, namespace: f.namespace ?? 'smp-prod', labels, generation: 1 },
    spec: {
      replicas: f.replicas ?? 3,
      serviceName: f.name,
      selector: { matchLabels: labels },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      template: template(f),
    },
    ...(f.status ? { status: f.status } : {}),
  };
}

export interface EventFixture {
  namespace?: string;
  kind?: string;
  object: string;
  type?: 'Normal' | 'Warning';
  reason: string;
  message: string;
  count?: number;
  minutesAgo: number;
}

export function event(f: EventFixture): K8sObject {
  const ts = minutesAgo(f.minutesAgo);
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${f.object}.${randomUUID().slice(0, 8)}`, namespace: f.namespace ?? 'smp-prod', creationTimestamp: ts },
    involvedObject: { kind: f.kind ?? 'Pod', name: f.object, namespace: f.namespace ?? 'smp-prod', apiVersion: 'v1' },
    type: f.type ?? 'Normal',
    reason: f.reason,
    message: f.message,
    count: f.count ?? 1,
    firstTimestamp: minutesAgo(f.minutesAgo + 10),
    lastTimestamp: ts,
    source: { component: 'kubelet', host: 'node-a' },
    reportingComponent: 'kubelet',
  };
}

/**
 * INC-style incident in smp-prod: dispatch-engine runs 3 replicas at revision 2
 * (image 1.4.2, revision 1 ran 1.4.1); two pods crash-loop after OOM kills.
 */
export function dispatchEngineSeed(): K8sSeed {
  const dep = deployment({
    name: 'dispatch-engine',
    replicas: 3,
    revision: 2,
    status: { observedGeneration: 1, replicas: 3, updatedReplicas: 3, readyReplicas: 1, availableReplicas: 1, unavailableReplicas: 2 },
  });
  const labels = { app: 'dispatch-engine' };
  return {
    namespaces: ['smp-prod', 'smp-staging'],
    deployments: [dep, deployment({ name: 'order-api', replicas: 2, revision: 1 })],
    replicasets: [replicaSet(dep, 1, 'registry.local/dispatch-engine:1.4.1', 'b7f9c4d5x2')],
    statefulsets: [statefulset({ name: 'redis-cache', replicas: 3 })],
    pods: [
      pod({ name: 'dispatch-engine-7c9d8f6b5-abcde', labels, restarts: 0, node: 'node-a' }),
      pod({ name: 'dispatch-engine-7c9d8f6b5-fghij', labels, restarts: 7, waitingReason: 'CrashLoopBackOff', lastTerminationReason: 'OOMKilled', node: 'node-b' }),
      pod({ name: 'dispatch-engine-7c9d8f6b5-klmno', labels, restarts: 7, waitingReason: 'CrashLoopBackOff', lastTerminationReason: 'OOMKilled', node: 'node-c' }),
      pod({ name: 'order-api-5d6f7c8b9-pqrst', labels: { app: 'order-api' } }),
      pod({ name: 'order-api-5d6f7c8b9-uvwxy', labels: { app: 'order-api' } }),
    ],
    events: [
      event({ object: 'dispatch-engine-7c9d8f6b5-fghij', type: 'Warning', reason: 'BackOff', message: 'Back-off restarting failed container app in pod dispatch-engine-7c9d8f6b5-fghij', count: 31, minutesAgo: 1 }),
      event({ object: 'dispatch-engine-7c9d8f6b5-klmno', type: 'Warning', reason: 'BackOff', message: 'Back-off restarting failed container app in pod dispatch-engine-7c9d8f6b5-klmno', count: 29, minutesAgo: 2 }),
      event({ object: 'dispatch-engine-7c9d8f6b5-fghij', type: 'Normal', reason: 'Pulled', message: 'Container image "registry.local/dispatch-engine:1.4.2" already present on machine', count: 8, minutesAgo: 3 }),
      event({ object: 'dispatch-engine', kind: 'Deployment', type: 'Normal', reason: 'ScalingReplicaSet', message: 'Scaled up replica set dispatch-engine-7c9d8f6b5 to 3', minutesAgo: 50 }),
      event({ object: 'order-api-5d6f7c8b9-pqrst', type: 'Normal', reason: 'Started', message: 'Started container app', minutesAgo: 40 }),
    ],
    logs: {
      'smp-prod/dispatch-engine-7c9d8f6b5-abcde': [
        'INFO consumer started group=dispatch-engine',
        'INFO processed batch size=500',
        'WARN slow batch took=2300ms',
        'INFO processed batch size=500',
      ],
      'smp-prod/dispatch-engine-7c9d8f6b5-fghij': [
        'INFO consumer started group=dispatch-engine',
        'ERROR java.lang.OutOfMemoryError: Java heap space',
        'ERROR consumer crashed, exiting',
      ],
      'smp-prod/dispatch-engine-7c9d8f6b5-klmno': [
        'INFO consumer started group=dispatch-engine',
        'INFO processed batch size=500',
        'ERROR java.lang.OutOfMemoryError: Java heap space',
      ],
      'smp-prod/dispatch-engine-7c9d8f6b5-fghij#previous': ['ERROR java.lang.OutOfMemoryError: GC overhead limit exceeded'],
    },
  };
}
