// kafka.lag-table: consumer lag from `kafka-consumer-groups.sh --describe`,
// run inside a broker pod with `kubectl exec`, for clusters whose brokers
// are only reachable from inside Kubernetes. Same result as kafka.lag.

import { formatDuration } from '../../shared/duration.js';
import { runCommand } from '../command.js';
import { StepError, type StepType } from '../types.js';
import { optionalString, requiredString } from './inputs.js';
import { lagResultSchema, lagSummary, summarizeLag, type LagPartition, type LagResult } from './lag-result.js';

export interface LagTableInput {
  context?: string;
  namespace: string;
  pod?: string;
  container?: string;
  group: string;
  bootstrap?: string;
  kubectl?: string;
  script?: string;
}

export interface ConsumerGroupsRow {
  group: string | null;
  topic: string | null;
  partition: number | null;
  currentOffset: number | null;
  logEndOffset: number | null;
  lag: number | null;
  consumerId: string | null;
  host: string | null;
  clientId: string | null;
}

export interface ConsumerGroupsTable {
  rows: ConsumerGroupsRow[];
  /** "Consumer group 'x' has no active members.", "Warning: …", "Error: …" lines. */
  notices: string[];
  /** False when no TOPIC/PARTITION header was seen. */
  hasTable: boolean;
}

const COLUMN_KEYS: Record<string, keyof ConsumerGroupsRow> = {
  GROUP: 'group',
  TOPIC: 'topic',
  PARTITION: 'partition',
  'CURRENT-OFFSET': 'currentOffset',
  'LOG-END-OFFSET': 'logEndOffset',
  LAG: 'lag',
  'CONSUMER-ID': 'consumerId',
  HOST: 'host',
  'CLIENT-ID': 'clientId',
};
const NUMERIC = new Set<keyof ConsumerGroupsRow>(['partition', 'currentOffset', 'logEndOffset', 'lag']);
const NOTICE = /^(Consumer group '.*'|Warning:|Error:|Note:)/;

/**
 * Pure: parses what `kafka-consumer-groups.sh --describe` prints (stdout and
 * stderr together are fine): one or more blocks of a header line and rows,
 * with or without a GROUP column, "-" for unknown values, and notices.
 */
export function parseConsumerGroupsTable(text: string): ConsumerGroupsTable {
  const rows: ConsumerGroupsRow[] = [];
  const notices: string[] = [];
  let columns: (keyof ConsumerGroupsRow | null)[] | null = null;
  let hasTable = false;
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '') {
      columns = null;
      continue;
    }
    if (NOTICE.test(line)) {
      notices.push(line);
      continue;
    }
    const tokens = line.split(/\s+/);
    if (tokens.includes('TOPIC') && tokens.includes('PARTITION')) {
      columns = tokens.map((t) => COLUMN_KEYS[t] ?? null);
      hasTable = true;
      continue;
    }
    if (!columns) continue;
    const row: ConsumerGroupsRow = {
      group: null,
      topic: null,
      partition: null,
      currentOffset: null,
      logEndOffset: null,
      lag: null,
      consumerId: null,
      host: null,
      clientId: null,
    };
    // A value with spaces can only be the last column (CLIENT-ID).
    const values =
      tokens.length > columns.length ? [...tokens.slice(0, columns.length - 1), tokens.slice(columns.length - 1).join(' ')] : tokens;
    let valid = true;
    values.forEach((v, i) => {
      const key = columns![i];
      if (!key || v === '-') return;
      if (NUMERIC.has(key)) {
        if (!/^-?\d+$/.test(v)) valid = false;
        else (row[key] as number | null) = Number(v);
      } else {
        (row[key] as string | null) = v;
      }
    });
    if (valid) rows.push(row);
  }
  return { rows, notices, hasTable };
}

/** Pure: the kafka.lag result from a parsed table. */
export function lagFromTable(group: string, table: ConsumerGroupsTable): LagResult {
  const rows = table.rows.filter((r) => r.group === null || r.group === group);
  const notes = [...table.notices];
  const partitions: LagPartition[] = [];
  const consumers = new Map<string, number>();
  let unknownLag = 0;
  for (const r of rows) {
    if (r.consumerId) consumers.set(r.consumerId, consumers.get(r.consumerId) ?? 0);
    if (r.topic === null || r.partition === null) continue;
    if (r.consumerId) consumers.set(r.consumerId, consumers.get(r.consumerId)! + 1);
    const lag = r.lag ?? (r.currentOffset !== null && r.logEndOffset !== null ? Math.max(0, r.logEndOffset - r.currentOffset) : null);
    if (lag === null) unknownLag++;
    partitions.push({
      topic: r.topic,
      partition: r.partition,
      committed: r.currentOffset,
      logEnd: r.logEndOffset,
      lag,
      consumerId: r.consumerId,
    });
  }
  if (unknownLag > 0) {
    notes.push(
      `${unknownLag} partition${unknownLag === 1 ? ' has' : 's have'} no committed offset: ` +
        'kafka-consumer-groups.sh shows no lag for them, so they are left out of totalLag',
    );
  }
  const empty = table.notices.some((n) => /has no active members/.test(n));
  const rebalancing = table.notices.some((n) => /is rebalancing/.test(n));
  const missing = table.notices.some((n) => /does not exist/.test(n));
  const consumerCount = empty || missing ? 0 : consumers.size > 0 ? consumers.size : null;
  const idleConsumers = consumerCount === null ? null : [...consumers.values()].filter((n) => n === 0).length;
  if (consumerCount === null) notes.push('consumer count unknown: the table names no consumers');
  if (idleConsumers) {
    notes.push(`${idleConsumers} consumer${idleConsumers === 1 ? ' is' : 's are'} idle: a group uses at most one consumer per partition`);
  }
  const state = missing ? 'Dead' : empty ? 'Empty' : rebalancing ? 'PreparingRebalance' : null;
  return summarizeLag(group, partitions, { consumerCount, idleConsumers, state }, notes);
}

/** The argv, for the plan/journal and for tests. */
export function lagTableArgv(i: Required<Pick<LagTableInput, 'namespace' | 'pod' | 'group' | 'bootstrap' | 'script'>> & LagTableInput): string[] {
  return [
    'exec',
    ...(i.context ? ['--context', i.context] : []),
    '-n',
    i.namespace,
    i.pod,
    ...(i.container ? ['-c', i.container] : []),
    '--',
    i.script,
    '--bootstrap-server',
    i.bootstrap,
    '--describe',
    '--group',
    i.group,
  ];
}

/** The lines of long output worth showing: errors first, else the last few. */
// kubectl's client-go logs in klog format ("E1122 04:59:00.1 123 memcache.go:265] …")
// before its own one-line verdict ("The connection to the server … was refused");
// the verdict is what the operator needs.
const KLOG_LINE = /^[IWEF]\d{4} \d{2}:\d{2}:\d{2}\.\d+\s+\d+ \S+:\d+\]/;

const KUBE_UNREACHABLE = /connection to the server .* was refused|unable to connect to the server|dial tcp|no such host|i\/o timeout/i;

function errorLines(text: string): string {
  const all = text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  const verdicts = all.filter((l) => !KLOG_LINE.test(l));
  const lines = verdicts.length ? verdicts : all;
  const errors = lines.filter((l) => /error|exception|refused|not found|forbidden|unable|denied|timed? ?out/i.test(l));
  return (errors.length ? errors.slice(0, 2) : lines.slice(-2)).join(' | ').slice(0, 300);
}

const STEP = 'kafka.lag-table';

export const kafkaLagTable: StepType<LagTableInput, LagResult> = {
  name: 'kafka.lag-table',
  description:
    'Consumer lag from kafka-consumer-groups.sh --describe run in a broker pod (kubectl exec); same result as kafka.lag.',
  effect: 'read',
  inputSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['namespace', 'group'],
    properties: {
      context: { type: 'string', description: 'kubeconfig context (default: the current one).' },
      namespace: { type: 'string', minLength: 1, description: 'Namespace of the broker pod.' },
      pod: { type: 'string', minLength: 1, default: 'kafka-0', description: 'Broker pod to exec into.' },
      container: { type: 'string', minLength: 1, description: 'Container in the pod (default: kubectl picks).' },
      group: { type: 'string', minLength: 1, description: 'Consumer group id.' },
      bootstrap: { type: 'string', minLength: 1, default: 'localhost:9092', description: 'Bootstrap server as seen from the pod.' },
      kubectl: { type: 'string', minLength: 1, default: 'kubectl', description: 'kubectl binary.' },
      script: {
        type: 'string',
        minLength: 1,
        default: 'kafka-consumer-groups.sh',
        description: 'The tool inside the pod (Confluent images call it kafka-consumer-groups).',
      },
    },
  },
  resultSchema: lagResultSchema,
  async run(ctx, input) {
    const raw = input as unknown as Record<string, unknown>;
    const i = {
      context: optionalString(raw, 'context', STEP),
      namespace: requiredString(raw, 'namespace', STEP),
      pod: optionalString(raw, 'pod', STEP) ?? 'kafka-0',
      container: optionalString(raw, 'container', STEP),
      group: requiredString(raw, 'group', STEP),
      bootstrap: optionalString(raw, 'bootstrap', STEP) ?? 'localhost:9092',
      kubectl: optionalString(raw, 'kubectl', STEP) ?? 'kubectl',
      script: optionalString(raw, 'script', STEP) ?? 'kafka-consumer-groups.sh',
    };
    const argv = lagTableArgv(i);
    const shown = `${i.kubectl} exec ${i.pod} -- ${i.script}`;
    // Through the one process runner: own process group (killed whole on
    // timeout or Ctrl-C), bounded output, the same exit explanations.
    const r = await runCommand({ file: i.kubectl, args: argv, display: shown }, { timeoutMs: ctx.timeoutMs, signal: ctx.signal, env: ctx.env, killGraceMs: 1000 });
    if (r.timedOut) throw new StepError(`${shown} did not finish within ${formatDuration(ctx.timeoutMs)}`, 'timeout');
    if (r.interrupted) throw new StepError(`${shown} was interrupted`, 'aborted');
    if (r.exitCode === 127) throw new StepError(`${i.kubectl}: command not found`, 'not-found');
    if (r.exitCode !== 0) {
      const verdict = errorLines(`${r.stderr}\n${r.stdout}`);
      // kubectl could not reach the API server: the cluster is unreachable, not the step broken.
      const code = KUBE_UNREACHABLE.test(verdict) ? 'unreachable' : 'step-failed';
      throw new StepError(`${shown} failed (exit ${r.exitCode ?? r.signal}): ${verdict || 'no output'}`, code);
    }
    const table = parseConsumerGroupsTable(`${r.stderr}\n${r.stdout}`);
    const fatal = table.notices.find((n) => /^Error:/.test(n) && !/does not exist/.test(n));
    if (!table.hasTable && fatal) throw new StepError(`${shown}: ${fatal.slice(0, 300)}`);
    if (!table.hasTable && table.notices.length === 0) {
      throw new StepError(`${shown} printed no consumer-group table: ${errorLines(`${r.stdout}\n${r.stderr}`) || 'no output'}`);
    }
    const result = lagFromTable(i.group, table);
    return { ok: true, result, summary: lagSummary(result) };
  },
};
