// k8s.logs: the recent log lines of every pod behind a selector, optionally
// filtered by a regex, counted, and cut to a readable sample.

import { connectKubernetes } from '../../integrations/kubernetes.js';
import { StepError, type StepType } from '../types.js';
import { countProperty, plural, selectorProperty, tallyProperty, targetProperties, targetResultProperties, type TargetInput } from './shared.js';

export interface LogsInput extends TargetInput {
  selector: string;
  /** Lines per pod (tailLines). Default 200. */
  tail?: number;
  /** JavaScript regular expression; lines matching it are counted and kept. */
  pattern?: string;
  ignoreCase?: boolean;
  /** Lines kept in the result. Default 50. */
  maxLines?: number;
  /** Container name; default: the pod's kubectl.kubernetes.io/default-container, else its first container. */
  container?: string;
  /** Read the previous (crashed) container's logs, as kubectl logs --previous. */
  previous?: boolean;
}

export interface LogsResult {
  context: string;
  namespace: string;
  selector: string;
  /** Pods whose logs were read. */
  pods: number;
  linesRead: number;
  /** Lines matching `pattern` (all lines read when there is no pattern). */
  matches: number;
  /** Matches per pod name. */
  matchesByPod: Record<string, number>;
  /** The first maxLines matching lines, as "[pod/NAME/CONTAINER] line" (kubectl logs --prefix). */
  lines: string[];
  truncated: boolean;
  /** Pods whose logs could not be read (e.g. no previous container), with the API's reason. */
  errors: Array<{ pod: string; message: string }>;
}

const CONCURRENCY = 8;

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export const k8sLogs: StepType<LogsInput, LogsResult> = {
  name: 'k8s.logs',
  description: 'Recent log lines of the pods behind a selector, filtered by a regex and counted',
  effect: 'read',
  inputSchema: {
    type: 'object',
    properties: {
      selector: selectorProperty,
      tail: { type: 'integer', minimum: 1, maximum: 100000, default: 200, description: 'lines per pod' },
      pattern: { type: 'string', minLength: 1, description: 'regular expression (JavaScript syntax)' },
      ignoreCase: { type: 'boolean', default: false },
      maxLines: { type: 'integer', minimum: 0, maximum: 10000, default: 50, description: 'matching lines kept in the result' },
      container: { type: 'string', minLength: 1 },
      previous: { type: 'boolean', default: false },
      ...targetProperties,
    },
    required: ['selector'],
    additionalProperties: false,
  },
  resultSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['context', 'namespace', 'selector', 'pods', 'linesRead', 'matches', 'matchesByPod', 'lines', 'truncated', 'errors'],
    properties: {
      ...targetResultProperties,
      selector: { type: 'string' },
      pods: { ...countProperty, description: 'Pods whose logs were read.' },
      linesRead: countProperty,
      matches: { ...countProperty, description: 'Lines matching `pattern` (every line read when there is none).' },
      matchesByPod: { ...tallyProperty, description: 'Matches per pod name.' },
      lines: {
        type: 'array',
        items: { type: 'string' },
        description: 'The first maxLines matching lines, as "[pod/NAME/CONTAINER] line".',
      },
      truncated: { type: 'boolean', description: 'More lines matched than `lines` holds.' },
      errors: {
        type: 'array',
        description: 'Pods whose logs could not be read, with the reason.',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['pod', 'message'],
          properties: { pod: { type: 'string' }, message: { type: 'string' } },
        },
      },
    },
  },
  async run(ctx, input) {
    const tail = input.tail ?? 200;
    const maxLines = input.maxLines ?? 50;
    let regex: RegExp | undefined;
    if (input.pattern !== undefined) {
      try {
        regex = new RegExp(input.pattern, input.ignoreCase ? 'i' : '');
      } catch (err) {
        throw new StepError(`pattern is not a valid regular expression: ${(err as Error).message}`, 'invalid-input');
      }
    }
    const kube = await connectKubernetes(ctx, input);
    const list = await kube.call(`list pods ${input.selector} in ${kube.namespace}`, (o) =>
      kube.core.listNamespacedPod({ namespace: kube.namespace, labelSelector: input.selector }, o),
    );
    const pods = list.items
      .filter((p) => p.metadata?.name)
      .sort((a, b) => a.metadata!.name!.localeCompare(b.metadata!.name!));
    ctx.progress(`reading ${plural(pods.length, 'pod')}' logs in ${kube.namespace} (context ${kube.context})`);

    const errors: LogsResult['errors'] = [];
    const texts = await mapLimit(pods, CONCURRENCY, async (pod) => {
      const name = pod.metadata!.name!;
      const container =
        input.container ??
        pod.metadata?.annotations?.['kubectl.kubernetes.io/default-container'] ??
        pod.spec?.containers?.[0]?.name;
      try {
        const text = await kube.call(`read logs of pod/${name} in ${kube.namespace}`, (o) =>
          kube.core.readNamespacedPodLog({ name, namespace: kube.namespace, container, tailLines: tail, previous: input.previous || undefined }, o),
        );
        return { name, container, text: typeof text === 'string' ? text : String(text ?? '') };
      } catch (err) {
        // A pod without logs (no previous container, still creating) is a finding, not a failure;
        // an API server that does not answer still fails the step.
        if (err instanceof StepError && ['api-error', 'not-found', 'invalid'].includes(err.code)) {
          errors.push({ pod: name, message: err.message });
          return { name, container, text: '' };
        }
        throw err;
      }
    });

    let linesRead = 0;
    let matches = 0;
    const matchesByPod: Record<string, number> = {};
    const lines: string[] = [];
    for (const { name, container, text } of texts) {
      const podLines = text.split('\n');
      if (podLines[podLines.length - 1] === '') podLines.pop();
      linesRead += podLines.length;
      matchesByPod[name] = 0;
      for (const line of podLines) {
        if (regex && !regex.test(line)) continue;
        matches++;
        matchesByPod[name]++;
        if (lines.length < maxLines) lines.push(`[pod/${name}/${container ?? ''}] ${line}`);
      }
    }
    const result: LogsResult = {
      context: kube.context,
      namespace: kube.namespace,
      selector: input.selector,
      pods: pods.length,
      linesRead,
      matches,
      matchesByPod,
      lines,
      truncated: matches > lines.length,
      errors,
    };
    const podsWithMatches = Object.values(matchesByPod).filter((n) => n > 0).length;
    const summary = regex
      ? `${plural(matches, 'line')} matching /${input.pattern}/ in ${podsWithMatches}/${pods.length} pods (${linesRead} lines read)`
      : `${plural(linesRead, 'line')} read from ${plural(pods.length, 'pod')}`;
    // A check that could read none of its sources observed nothing: not evidence of anything.
    if (pods.length > 0 && errors.length === pods.length) {
      throw new StepError(`unreadable: could not read the logs of any of the ${plural(pods.length, 'pod')} (${errors[0]!.message})`, 'unreadable');
    }
    return { ok: true, result, summary: errors.length ? `${summary}; unreadable: ${errors.map((e) => e.pod).join(', ')}` : summary };
  },
};
