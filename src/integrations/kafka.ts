// Kafka connections for step types: one short-lived kafkajs client per step,
// bounded by the step timeout, always disconnected, failing with one line.
// The bootstrap brokers are probed first (./kafka-bootstrap.ts): any one that
// answers is enough, whatever its place in the list.
//
// kafkajs is imported inside `withKafka` only (see docs/CONVENTIONS.md).

import net from 'node:net';
import type { ISocketFactory, Kafka } from 'kafkajs';
import { StepError, type StepContext } from '../shared/step-context.js';
import { formatDuration } from '../shared/duration.js';
import { probeBootstrap, splitHostPort, type UnansweredBroker } from './kafka-bootstrap.js';

export type { UnansweredBroker };

export const DEFAULT_BROKERS = 'localhost:9092';

/** `brokers` input, else KAFKA_BROKERS, else localhost:9092; tolerates `PLAINTEXT://` prefixes and spaces. */
export function resolveBrokers(input: string | undefined, env: Record<string, string | undefined>): string[] {
  const raw = input?.trim() || env.KAFKA_BROKERS?.trim() || DEFAULT_BROKERS;
  const brokers = raw
    .split(',')
    .map((b) => b.trim().replace(/^[a-z_]+:\/\//i, ''))
    .filter((b) => b.length > 0);
  if (brokers.length === 0) throw new StepError(`no kafka brokers in ${JSON.stringify(raw)}`, 'bad-input');
  const malformed = brokers.find((b) => !splitHostPort(b));
  if (malformed) throw new StepError(`kafka broker ${JSON.stringify(malformed)} is not host:port`, 'bad-input');
  return [...new Set(brokers)];
}

/** How long each bootstrap broker has to answer before the others are used without it. */
export const DEFAULT_BROKER_TIMEOUT_MS = 1500;

/** 1500, "1500", "1500ms", "1.5s" → 1500; anything else → null. */
export function parseBrokerTimeout(raw: string | number): number | null {
  const m = typeof raw === 'number' ? null : /^\s*(\d+(?:\.\d+)?)\s*(ms|s)?\s*$/.exec(raw);
  const ms = typeof raw === 'number' ? raw : m ? Number(m[1]) * (m[2] === 's' ? 1000 : 1) : NaN;
  return Number.isFinite(ms) && ms >= 1 ? Math.round(ms) : null;
}

/** The step's `brokerTimeout` (already checked), else KAFKA_BROKER_TIMEOUT, else 1.5 s. */
export function resolveBrokerTimeout(inputMs: number | undefined, env: Record<string, string | undefined>): number {
  if (inputMs !== undefined) return inputMs;
  const raw = env.KAFKA_BROKER_TIMEOUT?.trim();
  if (!raw) return DEFAULT_BROKER_TIMEOUT_MS;
  const ms = parseBrokerTimeout(raw);
  if (ms === null) throw new StepError(`KAFKA_BROKER_TIMEOUT must be a duration such as 1500ms or 1.5s, got ${JSON.stringify(raw)}`, 'bad-input');
  return ms;
}

/** "; 1 bootstrap broker did not answer: 127.0.0.1:40001", or "" when all answered. */
export function unansweredSuffix(brokers: string[]): string {
  if (brokers.length === 0) return '';
  const n = brokers.length;
  return `; ${n} bootstrap broker${n === 1 ? '' : 's'} did not answer: ${brokers.join(', ')}`;
}

/** A note per bootstrap broker that did not answer: "bootstrap broker 127.0.0.1:1 refused the connection (ECONNREFUSED)". */
export function unansweredNotes(unanswered: UnansweredBroker[]): string[] {
  return unanswered.map((u) => `bootstrap broker ${u.detail}`);
}

// ---------------------------------------------------------------------------
// The part of kafkajs' internal Cluster/Broker we use.
//
// Why not the public Admin API: kafkajs 2.2.4 (the last release) has no
// AlterConsumerGroupOffsets — admin.setOffsets joins the group as a member,
// which needs DescribeGroups first and would rebalance live consumers — no
// assign()-style fetch for a read that must not join a group, and its
// fetchTopicsOffset is quadratic in the number of topics (≈190 ms for 500
// topics), it cannot ask for all of a group's offsets, and its metadata
// parser throws on LEADER_NOT_AVAILABLE — the very state a health check must
// report. The Cluster that Kafka builds internally speaks those protocol
// calls with the client's own connection, timeout and retry settings.

export interface TopicPartitionOffsetRequest {
  topic: string;
  partitions: { partition: number; timestamp: number }[];
}

export interface PartitionMetadata {
  partitionErrorCode: number;
  partitionId: number;
  leader: number;
  replicas: number[];
  isr: number[];
  offlineReplicas?: number[];
}

export interface FetchedMessage {
  offset: string;
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  isControlRecord?: boolean;
}

export interface InternalBroker {
  nodeId?: number;
  /** Per API key, the versions the broker supports. */
  versions?: Record<number, { minVersion: number; maxVersion: number }>;
  lookupRequest(apiKey: number, definition: unknown): (args: Record<string, unknown>) => ProtocolRequest;
  connectionPool: { send(request: ProtocolRequest): Promise<unknown> };
  listOffsets(req: {
    isolationLevel?: number;
    topics: TopicPartitionOffsetRequest[];
  }): Promise<{ responses: { topic: string; partitions: { partition: number; errorCode: number; offset: string }[] }[] }>;
  offsetFetch(req: {
    groupId: string;
    topics: { topic: string; partitions: { partition: number }[] }[];
  }): Promise<{ responses: { topic: string; partitions: { partition: number; offset: string; errorCode?: number }[] }[] }>;
  offsetCommit(req: {
    groupId: string;
    groupGenerationId: number;
    memberId: string;
    topics: { topic: string; partitions: { partition: number; offset: string }[] }[];
  }): Promise<unknown>;
  describeGroups(req: { groupIds: string[] }): Promise<{
    groups: {
      errorCode: number;
      groupId: string;
      state: string;
      protocolType: string;
      protocol: string;
      members: { memberId: string; clientId: string; clientHost: string; memberAssignment: Buffer }[];
    }[];
  }>;
  fetch(req: {
    isolationLevel?: number;
    maxWaitTime?: number;
    minBytes?: number;
    maxBytes?: number;
    topics: { topic: string; partitions: { partition: number; fetchOffset: string; maxBytes: number }[] }[];
  }): Promise<{
    responses: {
      topicName: string;
      partitions: { partition: number; errorCode: number; highWatermark: string; messages: FetchedMessage[] }[];
    }[];
  }>;
}

export interface ProtocolRequest {
  request: unknown;
  response: { decode(payload: Buffer): Promise<unknown>; parse(data: unknown): Promise<unknown> };
}

export interface RawTopicMetadata {
  topicErrorCode: number;
  topic: string;
  partitionMetadata: PartitionMetadata[];
}

export interface InternalCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  refreshMetadata(): Promise<void>;
  /** Metadata for `topics`, or for every topic when the list is empty. */
  metadata(req?: { topics?: string[] }): Promise<{
    brokers: { nodeId: number; host: string; port: number }[];
    controllerId: number;
    clusterId: string;
    topicMetadata: { topic: string; partitionMetadata: PartitionMetadata[] }[];
  }>;
  addMultipleTargetTopics(topics: string[]): Promise<void>;
  findTopicPartitionMetadata(topic: string): PartitionMetadata[];
  findLeaderForPartitions(topic: string, partitions: number[]): Record<string, number[]>;
  findBroker(req: { nodeId: number | string }): Promise<InternalBroker>;
  findGroupCoordinator(req: { groupId: string }): Promise<InternalBroker>;
  brokerPool: {
    seedBroker?: InternalBroker;
    brokers?: Record<string, InternalBroker>;
    metadata?: {
      brokers: { nodeId: number; host: string; port: number; rack?: string | null }[];
      controllerId: number;
      clusterId: string;
      topicMetadata: { topic: string; topicErrorCode?: number; partitionMetadata: PartitionMetadata[] }[];
    };
  };
}

export interface KafkaSession {
  /** The bootstrap brokers as given (deduplicated). */
  readonly brokers: string[];
  /** The brokers as the user wrote them, for messages: "127.0.0.1:1,127.0.0.1:2". */
  readonly label: string;
  /** kafkajs' internal cluster (see above), connected lazily; disconnected by withKafka. */
  cluster(): Promise<InternalCluster>;
  /** Milliseconds left before the step's deadline. */
  remainingMs(): number;
  /** The bootstrap brokers that did not answer; waits (at most the per-broker deadline) for the slow ones. */
  unanswered(): Promise<UnansweredBroker[]>;
}

export interface KafkaOptions {
  /** The step's `brokerTimeout` input, in milliseconds (see resolveBrokerTimeout). */
  brokerTimeoutMs?: number;
}

const CREATE_CLUSTER = 'private:Kafka:createCluster';

function internalCluster(kafka: Kafka): InternalCluster {
  const sym = Object.getOwnPropertySymbols(kafka).find((s) => s.description === CREATE_CLUSTER);
  const create = sym ? (kafka as unknown as Record<symbol, unknown>)[sym] : undefined;
  if (typeof create !== 'function') {
    throw new StepError('the installed kafkajs does not expose its cluster client (expected kafkajs 2.2.x)', 'internal');
  }
  // Reads must never create topics (on brokers with auto.create.topics.enable).
  return create({ allowAutoTopicCreation: false }) as InternalCluster;
}

/**
 * Runs `fn` with a Kafka session, bounded by the step timeout and signal.
 * Everything it opened is disconnected afterwards, even on timeout.
 */
export async function withKafka<T>(
  ctx: StepContext,
  brokersInput: string | undefined,
  fn: (session: KafkaSession) => Promise<T>,
  options: KafkaOptions = {},
): Promise<T> {
  const brokers = resolveBrokers(brokersInput, ctx.env);
  const label = brokers.join(',');
  const timeoutMs = Math.max(1, ctx.timeoutMs);
  const brokerTimeoutMs = Math.min(timeoutMs, resolveBrokerTimeout(options.brokerTimeoutMs, ctx.env));
  const startedAt = Date.now();
  const state = { answered: false };

  // Started before kafkajs is even loaded: the probes overlap its import.
  const bootstrap = probeBootstrap(brokers, brokerTimeoutMs);
  const sockets = trackedSockets();
  let kafka: Kafka;
  try {
    const { Kafka, logLevel } = await import('kafkajs');
    kafka = new Kafka({
      // Only brokers that answered; asked again whenever kafkajs picks a new seed broker.
      brokers: () => bootstrap.answered(),
      clientId: 'oncall',
      logLevel: logLevel.NOTHING,
      socketFactory: sockets.factory,
      // For the brokers named in metadata: one black-holed host must not eat the whole budget.
      connectionTimeout: Math.min(timeoutMs, Math.max(250, Math.min(3000, Math.floor(timeoutMs / 3)))),
      requestTimeout: timeoutMs,
      enforceRequestTimeout: true,
      // Few, quick retries: a refused or unresolvable broker fails in well under a
      // second with its real cause; a stalled one runs into the deadline below.
      retry: { retries: 2, initialRetryTime: 100, maxRetryTime: timeoutMs, factor: 0.2, multiplier: 2 },
    });
  } catch (err) {
    bootstrap.close();
    throw err;
  }

  const opened: { disconnect(): Promise<void> }[] = [];
  let clusterP: Promise<InternalCluster> | undefined;
  const session: KafkaSession = {
    brokers,
    label,
    remainingMs: () => timeoutMs - (Date.now() - startedAt),
    unanswered: () => bootstrap.unanswered(),
    cluster() {
      clusterP ??= (async () => {
        await bootstrap.firstAnswer;
        const cluster = internalCluster(kafka);
        opened.push(cluster);
        await cluster.connect();
        state.answered = true;
        return cluster;
      })();
      return clusterP;
    },
  };

  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const bounds = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      if (!state.answered && bootstrap.answered().length === 0) {
        reject(bootstrap.noAnswerYet(timeoutMs));
        return;
      }
      const what = state.answered ? 'did not finish within' : 'did not answer within';
      reject(new StepError(`kafka brokers ${label} ${what} ${formatDuration(timeoutMs)}`, 'timeout'));
    }, timeoutMs);
    onAbort = () => {
      const reason: unknown = ctx.signal.reason;
      reject(reason instanceof StepError ? reason : new StepError(`kafka step on ${label} was interrupted`, 'aborted'));
    };
    if (ctx.signal.aborted) onAbort();
    else ctx.signal.addEventListener('abort', onAbort, { once: true });
  });

  const work = fn(session);
  // The losing side of the race must not surface as an unhandled rejection.
  work.catch(() => undefined);
  try {
    return await Promise.race([work, bounds]);
  } catch (err) {
    throw toStepError(err, label, timeoutMs);
  } finally {
    clearTimeout(timer);
    if (onAbort) ctx.signal.removeEventListener('abort', onAbort);
    bootstrap.close();
    await closeAll(opened, sockets);
  }
}

/**
 * kafkajs' disconnect() waits behind a pending connect and its retries go on
 * opening sockets after it; so every socket this client opens is tracked, and
 * on close destroyed — as is any opened afterwards.
 */
function trackedSockets() {
  const open = new Set<net.Socket>();
  let closed = false;
  const factory: ISocketFactory = ({ host, port, onConnect }) => {
    const socket = net.connect({ host, port }, onConnect);
    socket.setKeepAlive(true, 60_000);
    if (closed) {
      // Let kafkajs see a failed connection, not a synchronous throw.
      setImmediate(() => socket.destroy(new Error('kafka client closed')));
      return socket;
    }
    open.add(socket);
    socket.once('close', () => open.delete(socket));
    return socket;
  };
  return {
    factory,
    destroyAll() {
      closed = true;
      for (const s of open) s.destroy();
      open.clear();
    },
  };
}

async function closeAll(
  opened: { disconnect(): Promise<void> }[],
  sockets: ReturnType<typeof trackedSockets>,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.allSettled(opened.map((c) => c.disconnect())),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, 200);
      timer.unref();
    }),
  ]);
  clearTimeout(timer);
  sockets.destroyAll();
}

interface ErrorLike {
  name?: string;
  message?: string;
  code?: string;
  type?: string;
  cause?: unknown;
  originalError?: unknown;
}

/** Walks kafkajs' wrappers (retries exceeded → connection error → socket error). */
function errorChain(err: unknown): ErrorLike[] {
  const chain: ErrorLike[] = [];
  let cur: unknown = err;
  while (cur && typeof cur === 'object' && chain.length < 8) {
    const e = cur as ErrorLike;
    chain.push(e);
    cur = e.cause ?? e.originalError;
  }
  return chain;
}

/** Whitespace runs (newlines included) as one space: kafkajs messages span lines. */
const singleSpaced = (s: string) => s.replace(/\s+/g, ' ').trim();

/** Maps kafkajs failures to one-line StepErrors that name the brokers and the cause. */
export function toStepError(err: unknown, label: string, timeoutMs: number): StepError {
  if (err instanceof StepError) return err;
  const chain = errorChain(err);
  const code = chain.find((e) => typeof e.code === 'string')?.code;
  const names = chain.map((e) => e.name ?? '');
  const top = chain[0];
  const message = singleSpaced(top?.message ?? String(err));
  switch (code) {
    case 'ECONNREFUSED':
      return new StepError(`kafka brokers ${label} refused the connection (ECONNREFUSED)`, 'unreachable');
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new StepError(`kafka brokers ${label}: host not found (${code})`, 'unreachable');
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ECONNRESET':
    case 'EPIPE':
      return new StepError(`kafka brokers ${label} are unreachable (${code})`, 'unreachable');
    default:
      break;
  }
  if (
    names.includes('KafkaJSRequestTimeoutError') ||
    /Connection timeout|Broker not connected|Request .* timed out/i.test(message)
  ) {
    return new StepError(`kafka brokers ${label} did not answer within ${formatDuration(timeoutMs)}`, 'timeout');
  }
  const type = chain.find((e) => typeof e.type === 'string')?.type;
  if (type) return new StepError(`kafka ${type}: ${message}`, 'kafka-error');
  return new StepError(`kafka brokers ${label}: ${message}`, 'kafka-error');
}

/** True for "the broker does not implement this API" (librdkafka's mock: DescribeGroups, ListGroups). */
export function isUnsupportedApi(err: unknown): boolean {
  return errorChain(err).some(
    (e) =>
      e.name === 'KafkaJSServerDoesNotSupportApiKey' ||
      e.type === 'UNSUPPORTED_VERSION' ||
      /does not support the requested API/i.test(e.message ?? ''),
  );
}

/** The kafkajs protocol error type (UNKNOWN_MEMBER_ID…) anywhere in the chain. */
export function kafkaErrorType(err: unknown): string | undefined {
  return errorChain(err).find((e) => typeof e.type === 'string')?.type;
}

// ---------------------------------------------------------------------------
// Protocol helpers shared by the step types.

export interface PartitionRange {
  partition: number;
  /** Log start offset (low watermark). */
  low: number;
  /** Log end offset (high watermark). */
  high: number;
}

const LATEST = -1;
const EARLIEST = -2;
const READ_UNCOMMITTED = 0;

/** Loads metadata for `topics`; unknown topics fail with a StepError naming them. */
export async function loadTopics(cluster: InternalCluster, topics: string[]): Promise<Map<string, PartitionMetadata[]>> {
  try {
    await cluster.addMultipleTargetTopics(topics);
  } catch (err) {
    if (kafkaErrorType(err) === 'UNKNOWN_TOPIC_OR_PARTITION') {
      throw new StepError(`kafka topic ${topics.length === 1 ? topics[0] : `in ${topics.join(', ')}`} does not exist`, 'not-found');
    }
    throw err;
  }
  const out = new Map<string, PartitionMetadata[]>();
  for (const topic of topics) {
    const partitions = cluster.findTopicPartitionMetadata(topic);
    if (!partitions || partitions.length === 0) throw new StepError(`kafka topic ${topic} does not exist`, 'not-found');
    out.set(
      topic,
      [...partitions].sort((a, b) => a.partitionId - b.partitionId),
    );
  }
  return out;
}

/**
 * Log start and end offsets of every partition of `topics`: two ListOffsets
 * requests per partition leader, whatever the number of topics.
 */
export async function fetchPartitionRanges(
  cluster: InternalCluster,
  topics: Map<string, PartitionMetadata[]>,
): Promise<Map<string, PartitionRange[]>> {
  const byLeader = new Map<string, Map<string, number[]>>();
  for (const [topic, partitions] of topics) {
    const leaders = cluster.findLeaderForPartitions(
      topic,
      partitions.map((p) => p.partitionId),
    );
    for (const [nodeId, ids] of Object.entries(leaders)) {
      let perTopic = byLeader.get(nodeId);
      if (!perTopic) byLeader.set(nodeId, (perTopic = new Map()));
      perTopic.set(topic, ids);
    }
  }
  const ranges = new Map<string, Map<number, PartitionRange>>();
  const entry = (topic: string, partition: number) => {
    let perTopic = ranges.get(topic);
    if (!perTopic) ranges.set(topic, (perTopic = new Map()));
    let r = perTopic.get(partition);
    if (!r) perTopic.set(partition, (r = { partition, low: 0, high: 0 }));
    return r;
  };
  await Promise.all(
    [...byLeader].flatMap(([nodeId, perTopic]) =>
      [LATEST, EARLIEST].map(async (timestamp) => {
        const broker = await cluster.findBroker({ nodeId });
        const { responses } = await broker.listOffsets({
          isolationLevel: READ_UNCOMMITTED,
          topics: [...perTopic].map(([topic, ids]) => ({
            topic,
            partitions: ids.map((partition) => ({ partition, timestamp })),
          })),
        });
        for (const { topic, partitions } of responses) {
          for (const { partition, offset } of partitions) {
            entry(topic, partition)[timestamp === LATEST ? 'high' : 'low'] = Number(offset);
          }
        }
      }),
    ),
  );
  const out = new Map<string, PartitionRange[]>();
  for (const [topic, partitions] of topics) {
    out.set(
      topic,
      partitions.map((p) => entry(topic, p.partitionId)),
    );
  }
  return out;
}

const priming = new WeakMap<InternalCluster, Promise<void>>();

/**
 * Makes the client learn the broker list. Until it has loaded metadata once,
 * kafkajs' findGroupCoordinator fails with "broker not found" and succeeds
 * only on a retry, after a backoff (~100 ms). kafkajs can only load metadata
 * for named topics (an empty list means all, and its parser throws on an
 * offline partition), so one healthy topic is named, found through lenient
 * metadata (given, or asked for here).
 */
export function primeBrokers(cluster: InternalCluster, metadata?: { topicMetadata: RawTopicMetadata[] }): Promise<void> {
  if (Object.keys(cluster.brokerPool.brokers ?? {}).length > 0) return Promise.resolve();
  let p = priming.get(cluster);
  if (!p) {
    p = (async () => {
      const { topicMetadata } = metadata ?? (await fetchClusterMetadata(cluster));
      const healthy = topicMetadata.find(
        (t) => t.topicErrorCode === 0 && t.partitionMetadata.length > 0 && t.partitionMetadata.every((x) => x.partitionErrorCode === 0),
      );
      // Without one, kafkajs' own retry still gets there, only slower.
      if (healthy) await cluster.addMultipleTargetTopics([healthy.topic]).catch(() => undefined);
    })();
    priming.set(cluster, p);
  }
  return p;
}

const coordinators = new WeakMap<InternalCluster, Map<string, Promise<InternalBroker>>>();

/**
 * The group's coordinator, asked once per client: kafkajs sends a
 * FindCoordinator on every call, and a lag check needs it two or three times
 * per group.
 */
export function coordinatorFor(cluster: InternalCluster, group: string): Promise<InternalBroker> {
  let perGroup = coordinators.get(cluster);
  if (!perGroup) coordinators.set(cluster, (perGroup = new Map()));
  let p = perGroup.get(group);
  if (!p) {
    p = primeBrokers(cluster).then(() => cluster.findGroupCoordinator({ groupId: group }));
    perGroup.set(group, p);
    p.catch(() => perGroup!.delete(group));
  }
  return p;
}

/** Committed offsets of `group` (-1 = none) for the given partitions: one OffsetFetch. */
export async function fetchCommitted(
  cluster: InternalCluster,
  group: string,
  topics: Map<string, number[]>,
): Promise<Map<string, Map<number, number>>> {
  const coordinator = await coordinatorFor(cluster, group);
  const { responses } = await coordinator.offsetFetch({
    groupId: group,
    topics: [...topics].map(([topic, ids]) => ({ topic, partitions: ids.map((partition) => ({ partition })) })),
  });
  const out = new Map<string, Map<number, number>>();
  for (const { topic, partitions } of responses) {
    const perTopic = new Map<number, number>();
    for (const { partition, offset } of partitions) perTopic.set(partition, Number(offset));
    out.set(topic, perTopic);
  }
  return out;
}

export type GroupDescription =
  | { kind: 'described'; state: string; members: { memberId: string; clientId: string; host: string; assigned: number | null }[] }
  | { kind: 'unsupported'; message: string }
  | { kind: 'failed'; message: string };

/** DescribeGroups for one group, never throwing: callers decide what an unknown membership means. */
export async function describeGroup(cluster: InternalCluster, group: string): Promise<GroupDescription> {
  try {
    const coordinator = await coordinatorFor(cluster, group);
    const { groups } = await coordinator.describeGroups({ groupIds: [group] });
    const g = groups.find((x) => x.groupId === group) ?? groups[0];
    if (!g) return { kind: 'failed', message: `no description returned for group ${group}` };
    const { AssignerProtocol } = await import('kafkajs');
    return {
      kind: 'described',
      state: g.state,
      members: g.members.map((m) => ({
        memberId: m.memberId,
        clientId: m.clientId,
        host: m.clientHost,
        assigned: countAssigned(g.protocolType, m.memberAssignment, AssignerProtocol.MemberAssignment.decode),
      })),
    };
  } catch (err) {
    const message = singleSpaced(errorChain(err)[0]?.message ?? String(err));
    if (isUnsupportedApi(err)) return { kind: 'unsupported', message: `the broker does not support DescribeGroups (${message})` };
    return { kind: 'failed', message };
  }
}

function countAssigned(
  protocolType: string,
  assignment: Buffer | null | undefined,
  decode: (b: Buffer) => { assignment: Record<string, number[]> } | null,
): number | null {
  if (protocolType !== 'consumer' || !assignment || assignment.length === 0) return protocolType === 'consumer' ? 0 : null;
  try {
    const decoded = decode(assignment);
    if (!decoded) return 0;
    return Object.values(decoded.assignment).reduce((n, ps) => n + ps.length, 0);
  } catch {
    return null;
  }
}

/**
 * Commits one offset from outside the group (generation -1, no member id),
 * as Kafka's own AdminClient.alterConsumerGroupOffsets does. The coordinator
 * accepts it only while the group has no members; otherwise it answers
 * UNKNOWN_MEMBER_ID (or ILLEGAL_GENERATION / REBALANCE_IN_PROGRESS).
 */
export async function commitOffsetOutsideGroup(
  cluster: InternalCluster,
  group: string,
  topic: string,
  partition: number,
  offset: number,
): Promise<void> {
  const coordinator = await coordinatorFor(cluster, group);
  await coordinator.offsetCommit({
    groupId: group,
    groupGenerationId: -1,
    memberId: '',
    topics: [{ topic, partitions: [{ partition, offset: String(offset) }] }],
  });
}

export { READ_UNCOMMITTED };

const API_METADATA = 3;
const API_OFFSET_FETCH = 9;

/** kafkajs' request definitions (not part of its typed API). */
async function requestDefinitions(): Promise<Record<string, unknown>> {
  const spec = 'kafkajs/src/protocol/requests/index.js';
  const mod = (await import(spec)) as { requests?: Record<string, unknown>; default?: { requests: Record<string, unknown> } };
  const requests = mod.requests ?? mod.default?.requests;
  if (!requests) throw new StepError('the installed kafkajs does not expose its protocol requests (expected kafkajs 2.2.x)', 'internal');
  return requests;
}

/**
 * Brokers, controller and every topic's partitions, keeping partition errors
 * (LEADER_NOT_AVAILABLE for an offline partition) as data instead of letting
 * kafkajs' parser throw them.
 */
export async function fetchClusterMetadata(cluster: InternalCluster): Promise<{
  brokers: { nodeId: number; host: string; port: number }[];
  controllerId: number;
  clusterId: string;
  topicMetadata: RawTopicMetadata[];
}> {
  const broker = cluster.brokerPool.seedBroker;
  if (!broker) throw new StepError('kafka client has no connected broker', 'internal');
  const { Metadata } = await requestDefinitions();
  const req = broker.lookupRequest(API_METADATA, Metadata)({ topics: [], allowAutoTopicCreation: false });
  const lenient: ProtocolRequest = { ...req, response: { ...req.response, parse: async (data) => data } };
  return (await broker.connectionPool.send(lenient)) as Awaited<ReturnType<typeof fetchClusterMetadata>>;
}

/**
 * Every committed offset of `group` in one OffsetFetch with topics = null
 * (OffsetFetch v2+; kafkajs encodes an empty list as null from v3 on).
 * Returns null when the broker cannot list them that way or listed none —
 * librdkafka's mock answers nothing — so the caller can fall back to asking
 * per topic.
 */
export async function fetchAllCommitted(cluster: InternalCluster, group: string): Promise<Map<string, Map<number, number>> | null> {
  const coordinator = await coordinatorFor(cluster, group);
  if ((coordinator.versions?.[API_OFFSET_FETCH]?.maxVersion ?? 0) < 3) return null;
  const { responses } = await coordinator.offsetFetch({ groupId: group, topics: [] });
  const out = new Map<string, Map<number, number>>();
  for (const { topic, partitions } of responses) {
    const perTopic = new Map<number, number>();
    for (const { partition, offset } of partitions) if (Number(offset) >= 0) perTopic.set(partition, Number(offset));
    if (perTopic.size > 0) out.set(topic, perTopic);
  }
  return out.size > 0 ? out : null;
}
