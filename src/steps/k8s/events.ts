// k8s.events: recent core/v1 events in a namespace, newest first, optionally
// for one object and of one type (filtered by the API server's field selectors).

import { connectKubernetes } from '../../integrations/kubernetes.js';
import type { StepType } from '../types.js';
import { countProperty, nameProperty, plural, tallyProperty, targetProperties, targetResultProperties, type TargetInput } from './shared.js';

type CoreV1Event = import('@kubernetes/client-node').CoreV1Event;

export interface EventsInput extends TargetInput {
  /** Name of the involved object (pod, deployment…). */
  involvedObject?: string;
  /** Kind of the involved object (Pod, Deployment…). */
  kind?: string;
  type?: 'Normal' | 'Warning';
  reason?: string;
  /** Events returned. Default 20. */
  limit?: number;
}

export interface EventInfo {
  type: string;
  reason: string;
  /** "Pod/dispatch-engine-7c9d8f6b5-abcde" */
  object: string;
  message: string;
  count: number;
  /** ISO timestamp of the last occurrence. */
  lastTimestamp: string | null;
}

export interface EventsResult {
  context: string;
  namespace: string;
  /** Events matching the filters (before `limit`). */
  count: number;
  /** Warning events among them. */
  warnings: number;
  /** Distinct reasons among them with their summed counts: {BackOff: 60}. */
  reasons: Record<string, number>;
  /** The newest `limit` events, newest first. */
  events: EventInfo[];
}

function lastSeen(e: CoreV1Event): Date | undefined {
  const t = e.lastTimestamp ?? e.series?.lastObservedTime ?? e.eventTime ?? e.firstTimestamp ?? e.metadata?.creationTimestamp;
  if (t === undefined || t === null) return undefined;
  const d = t instanceof Date ? t : new Date(String(t));
  return Number.isNaN(d.getTime()) ? undefined : d;
}

export const k8sEvents: StepType<EventsInput, EventsResult> = {
  name: 'k8s.events',
  description: 'Recent events in a namespace (optionally for one object, or only warnings), newest first',
  effect: 'read',
  inputSchema: {
    type: 'object',
    properties: {
      involvedObject: nameProperty,
      kind: { type: 'string', pattern: '^[A-Z][A-Za-z0-9]*$', description: 'kind of the involved object (Pod, Deployment…)' },
      type: { enum: ['Normal', 'Warning'] },
      reason: { type: 'string', minLength: 1 },
      limit: { type: 'integer', minimum: 1, maximum: 1000, default: 20 },
      ...targetProperties,
    },
    additionalProperties: false,
  },
  resultSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['context', 'namespace', 'count', 'warnings', 'reasons', 'events'],
    properties: {
      ...targetResultProperties,
      count: { ...countProperty, description: 'Events matching the filters (before limit).' },
      warnings: { ...countProperty, description: 'Warning events among them.' },
      reasons: { ...tallyProperty, description: 'Distinct reasons with their summed counts: {BackOff: 60}.' },
      events: {
        type: 'array',
        description: 'The newest `limit` events, newest first.',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['type', 'reason', 'object', 'message', 'count', 'lastTimestamp'],
          properties: {
            type: { type: 'string', description: 'Normal or Warning.' },
            reason: { type: 'string' },
            object: { type: 'string', description: 'Kind/name of the involved object: Pod/dispatch-engine-7c9d8f6b5-abcde.' },
            message: { type: 'string' },
            count: countProperty,
            lastTimestamp: { type: ['string', 'null'], description: 'ISO timestamp of the last occurrence.' },
          },
        },
      },
    },
  },
  async run(ctx, input) {
    const kube = await connectKubernetes(ctx, input);
    const fields: string[] = [];
    if (input.involvedObject) fields.push(`involvedObject.name=${input.involvedObject}`);
    if (input.kind) fields.push(`involvedObject.kind=${input.kind}`);
    if (input.type) fields.push(`type=${input.type}`);
    if (input.reason) fields.push(`reason=${input.reason}`);
    const fieldSelector = fields.length ? fields.join(',') : undefined;
    const list = await kube.call(`list events in ${kube.namespace}`, (o) =>
      kube.core.listNamespacedEvent({ namespace: kube.namespace, fieldSelector }, o),
    );
    const sorted = list.items
      .map((e) => ({ e, at: lastSeen(e) }))
      .sort((a, b) => (b.at?.getTime() ?? 0) - (a.at?.getTime() ?? 0));
    const reasons: Record<string, number> = {};
    for (const { e } of sorted) reasons[e.reason ?? ''] = (reasons[e.reason ?? ''] ?? 0) + (e.count ?? 1);
    const events: EventInfo[] = sorted.slice(0, input.limit ?? 20).map(({ e, at }) => ({
      type: e.type ?? '',
      reason: e.reason ?? '',
      object: `${e.involvedObject?.kind ?? ''}/${e.involvedObject?.name ?? ''}`,
      message: (e.message ?? '').trim(),
      count: e.count ?? e.series?.count ?? 1,
      lastTimestamp: at ? at.toISOString() : null,
    }));
    const warnings = sorted.filter(({ e }) => e.type === 'Warning').length;
    const result: EventsResult = { context: kube.context, namespace: kube.namespace, count: sorted.length, warnings, reasons, events };
    const newest = events[0];
    const summary =
      sorted.length === 0
        ? `no events${fieldSelector ? ` matching ${fieldSelector}` : ''} in ${kube.namespace}`
        : `${plural(sorted.length, 'event')} (${plural(warnings, 'warning')}) in ${kube.namespace}; newest: ${newest.type} ${newest.reason} ${newest.object}`;
    return { ok: true, result, summary };
  },
};
