// A real Kafka-protocol peer for tests: librdkafka's mock cluster, started by
// `kcat -P` (librdkafka 2.0.2 here) and kept alive by holding its stdin open.
//
// What this mock can and cannot do (checked against kafkajs 2.2.4):
// - Produce, Fetch, ListOffsets, Metadata, FindCoordinator, OffsetFetch,
//   OffsetCommit, JoinGroup/SyncGroup/Heartbeat/LeaveGroup work.
// - DescribeGroups, ListGroups, CreateTopics are not implemented.
// - Topics are created on first Metadata request, always with 4 partitions
//   and replication factor min(3, brokers); kcat exposes no way to change that.
// - Replicas always equal the ISR and every broker stays up: kcat exposes only
//   test.mock.num.brokers and test.mock.broker.rtt, not the mock API that
//   takes brokers down, so under-replication cannot be produced here.
// - Its metadata names controller id 0, which is not one of the brokers (1..n).
// - Each broker listens with a backlog of 5: many clients connecting at the
//   same instant can wait ~1 s for a SYN retransmit.
// - OffsetCommit from outside a group (generation -1, no member) is refused
//   with UNKNOWN_MEMBER_ID once the group has ever had a member — even after
//   all members left, where real Kafka (group Empty) would accept it.

import { spawn, type ChildProcess } from 'node:child_process';

export interface KafkaMockOptions {
  brokers?: number;
  /** Created up front; the mock only makes 4-partition topics, so partitions must be 4 (or omitted). */
  topics?: { topic: string; partitions?: number }[];
  /** test.mock.broker.rtt: every response delayed by this much. */
  rttMs?: number;
  startTimeoutMs?: number;
}

export interface KafkaMock {
  /** "127.0.0.1:PORT,127.0.0.1:PORT,…" */
  bootstrap: string;
  brokers: string[];
  /** The topic kcat itself produces to (it exists on the mock). */
  keepAliveTopic: string;
  stop(): Promise<void>;
}

export const MOCK_PARTITIONS = 4;

export async function startKafkaMock(options: KafkaMockOptions = {}): Promise<KafkaMock> {
  const brokers = options.brokers ?? 3;
  const startTimeoutMs = options.startTimeoutMs ?? 10_000;
  for (const t of options.topics ?? []) {
    if (t.partitions !== undefined && t.partitions !== MOCK_PARTITIONS) {
      throw new Error(
        `librdkafka's mock cluster creates every topic with ${MOCK_PARTITIONS} partitions; cannot make ${t.topic} with ${t.partitions}`,
      );
    }
  }
  const keepAliveTopic = 'mock.keepalive';
  const args = ['-P', '-t', keepAliveTopic, '-b', '127.0.0.1:1', '-X', `test.mock.num.brokers=${brokers}`];
  if (options.rttMs) args.push('-X', `test.mock.broker.rtt=${options.rttMs}`);
  const child = spawn('kcat', args, { stdio: ['pipe', 'ignore', 'pipe'] });

  let stderr = '';
  const bootstrap = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      kill(child);
      reject(new Error(`kcat mock cluster did not start within ${startTimeoutMs} ms; stderr: ${stderr.trim()}`));
    }, startTimeoutMs);
    const done = () => {
      clearTimeout(timer);
      child.off('error', onError);
      child.off('exit', onExit);
      child.stderr!.off('data', onData);
    };
    const onError = (err: Error) => {
      done();
      reject(new Error(`cannot start kcat: ${err.message}`));
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      done();
      reject(new Error(`kcat exited (${code ?? signal}) before the mock cluster started; stderr: ${stderr.trim()}`));
    };
    const onData = (chunk: string) => {
      stderr += chunk;
      const m = /Mock cluster enabled:.*replaced with (\S+)/.exec(stderr);
      if (m) {
        done();
        resolve(m[1]!.replace(/[.,;]+$/, ''));
      }
    };
    child.on('error', onError);
    child.on('exit', onExit);
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', onData);
  });
  // Keep draining stderr so kcat never blocks on a full pipe.
  child.stderr!.resume();

  const mock: KafkaMock = {
    bootstrap,
    brokers: bootstrap.split(','),
    keepAliveTopic,
    stop: () => stopChild(child),
  };

  if (options.topics?.length) {
    try {
      await createTopics(mock.brokers, options.topics.map((t) => t.topic));
    } catch (err) {
      await mock.stop();
      throw err;
    }
  }
  return mock;
}

/** The mock has no CreateTopics: a Metadata request for a topic creates it. */
async function createTopics(brokers: string[], topics: string[]): Promise<void> {
  const { Kafka, logLevel } = await import('kafkajs');
  const admin = new Kafka({ brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const { topics: created } = await admin.fetchTopicMetadata({ topics });
    for (const t of created) {
      if (t.partitions.length !== MOCK_PARTITIONS) throw new Error(`mock created ${t.name} with ${t.partitions.length} partitions`);
    }
  } finally {
    await admin.disconnect();
  }
}

function kill(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM') {
  if (child.exitCode === null && child.signalCode === null) child.kill(signal);
}

/** Closing stdin makes kcat flush and exit; a stuck one is terminated, then killed. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.stdin?.end();
  const wait = (ms: number) => new Promise<boolean>((r) => setTimeout(() => r(false), ms).unref());
  if (await Promise.race([exited.then(() => true), wait(2000)])) return;
  kill(child, 'SIGTERM');
  if (await Promise.race([exited.then(() => true), wait(2000)])) return;
  kill(child, 'SIGKILL');
  await exited;
}

/** Produces messages with explicit partitions (kafkajs producer, acks from all replicas). */
export async function produce(
  brokers: string[],
  topic: string,
  messages: { partition: number; key?: string | null; value: string | Buffer | null; timestamp?: string }[],
): Promise<void> {
  const { Kafka, logLevel } = await import('kafkajs');
  const producer = new Kafka({ brokers, logLevel: logLevel.NOTHING }).producer();
  await producer.connect();
  try {
    await producer.send({ topic, messages });
  } finally {
    await producer.disconnect();
  }
}

/** A StepContext for calling step types directly. */
export function stepContext(timeoutMs = 10_000, env: Record<string, string | undefined> = {}) {
  const controller = new AbortController();
  const progress: string[] = [];
  return {
    signal: controller.signal,
    timeoutMs,
    env,
    progress: (m: string) => void progress.push(m),
    abort: (reason?: unknown) => controller.abort(reason),
    lines: progress,
  };
}
