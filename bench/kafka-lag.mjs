// Consumer lag of 20 groups × 100 partitions against librdkafka's mock
// cluster (kcat), target ≤ 300 ms. Measured side by side in one run:
//   oneClient     collectLag for all 20 groups through one client (shared metadata/log offsets)
//   stepPerGroup  20 kafka.lag step runs at once, each with its own client (a detect stage);
//                 the mock listens with a backlog of 5, so 20 clients connecting at the same
//                 instant sometimes wait for a SYN retransmit (~1 s): this figure is bimodal
//   kafkajsAdmin  the public kafkajs Admin API: fetchTopicOffsets per topic, fetchOffsets per group
//   scan          oneClient without naming topics: the mock cannot list a group's offsets
//                 (OffsetFetch with topics = null), so every topic of the cluster is asked;
//                 real brokers answer that in one small request per group
// in two layouts: each group on its own 25 topics × 4 partitions (2,000
// partitions in all), and all 20 groups on the same 25 topics.
// Every run builds a new client and connects, as a step does.
// Usage: npx tsc -p tsconfig.build.json && node bench/kafka-lag.mjs
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { Kafka, logLevel } from 'kafkajs';
import { commitOffsetOutsideGroup, withKafka } from '../dist/integrations/kafka.js';
import { collectLag, kafkaLag } from '../dist/steps/kafka/lag.js';

const GROUPS = 20;
const TOPICS_PER_GROUP = 25; // × 4 partitions (the mock's fixed count) = 100 partitions per group
const PARTITIONS = 4;
const MESSAGES_PER_PARTITION = 10;
const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const TARGET_MS = 300;

function startMock() {
  const child = spawn('kcat', ['-P', '-t', 'mock.keepalive', '-b', '127.0.0.1:1', '-X', 'test.mock.num.brokers=3'], {
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`mock did not start: ${err}`)), 10_000);
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d) => {
      err += d;
      const m = /replaced with (\S+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        child.stderr.resume();
        resolve({ bootstrap: m[1], stop: () => new Promise((r) => (child.once('exit', r), child.stdin.end())) });
      }
    });
    child.on('error', reject);
  });
}

const ctx = (timeoutMs = 30_000) => ({ signal: new AbortController().signal, timeoutMs, env: {}, progress() {} });

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.floor(s.length / 2)] * 10) / 10;
};

async function time(fn) {
  const t = performance.now();
  const out = await fn();
  return { ms: performance.now() - t, out };
}

async function measure(fn) {
  await fn();
  await fn();
  const ms = [];
  let out;
  for (let i = 0; i < RUNS; i++) {
    const r = await time(fn);
    ms.push(r.ms);
    out = r.out;
  }
  return { medianMs: median(ms), minMs: Math.round(Math.min(...ms) * 10) / 10, out };
}

async function seed(bootstrap, layout) {
  const brokers = bootstrap.split(',');
  const topicsOf = (g) =>
    Array.from({ length: TOPICS_PER_GROUP }, (_, t) => (layout === 'distinct' ? `bench.g${g}.t${t}` : `bench.shared.t${t}`));
  const groupName = (g) => `bench-${layout}-${g}`;
  const allTopics = [...new Set(Array.from({ length: GROUPS }, (_, g) => topicsOf(g)).flat())];
  const producer = new Kafka({ brokers, logLevel: logLevel.NOTHING }).producer();
  await producer.connect();
  for (let i = 0; i < allTopics.length; i += 50) {
    await producer.sendBatch({
      topicMessages: allTopics.slice(i, i + 50).map((topic) => ({
        topic,
        messages: Array.from({ length: PARTITIONS * MESSAGES_PER_PARTITION }, (_, m) => ({ partition: m % PARTITIONS, value: 'x' })),
      })),
    });
  }
  await producer.disconnect();
  // Group g has committed offset (g + p) % 10 on partition p: lag = 10 − that.
  let expectedLag = 0;
  await withKafka(ctx(60_000), bootstrap, async (s) => {
    const cluster = await s.cluster();
    await Promise.all(
      Array.from({ length: GROUPS }, async (_, g) => {
        for (const topic of topicsOf(g)) {
          for (let p = 0; p < PARTITIONS; p++) {
            const offset = (g + p) % MESSAGES_PER_PARTITION;
            expectedLag += MESSAGES_PER_PARTITION - offset;
            await commitOffsetOutsideGroup(cluster, groupName(g), topic, p, offset);
          }
        }
      }),
    );
  });
  return { brokers, topicsOf, groupName, allTopics, expectedLag };
}

async function scenario(bootstrap, layout, seeded) {
  const { brokers, topicsOf, groupName, allTopics, expectedLag } = seeded;
  const requests = Array.from({ length: GROUPS }, (_, g) => ({ group: groupName(g), topics: topicsOf(g) }));
  const total = (results) => results.reduce((n, r) => n + r.totalLag, 0);
  const partitions = (results) => results.reduce((n, r) => n + r.partitionCount, 0);

  const oneClient = await measure(() => withKafka(ctx(), bootstrap, (s) => collectLag(s, requests)));
  const stepPerGroup = await measure(async () => {
    const outs = await Promise.all(requests.map((r) => kafkaLag.run(ctx(), { brokers: bootstrap, group: r.group, topics: r.topics })));
    return outs.map((o) => o.result);
  });
  const scan = await measure(() => withKafka(ctx(), bootstrap, (s) => collectLag(s, requests.map((r) => ({ group: r.group })))));
  // The public kafkajs Admin API. fetchTopicOffsets is run one topic at a time:
  // concurrent calls on one admin race in kafkajs 2.2.4 ("Cannot destructure
  // property 'partitions' of 'high.pop(...)'").
  const kafkajsAdmin = await measure(async () => {
    const admin = new Kafka({ brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const ends = new Map();
      for (const topic of allTopics) ends.set(topic, await admin.fetchTopicOffsets(topic));
      const offsets = await Promise.all(requests.map((_, g) => admin.fetchOffsets({ groupId: groupName(g), topics: topicsOf(g) })));
      return offsets.map((perTopic) => {
        let totalLag = 0;
        let partitionCount = 0;
        for (const { topic, partitions } of perTopic) {
          const byP = new Map(ends.get(topic).map((e) => [e.partition, e]));
          for (const { partition, offset } of partitions) {
            const e = byP.get(partition);
            const c = Number(offset);
            totalLag += Math.max(0, Number(e.high) - (c < 0 ? Number(e.low) : c));
            partitionCount++;
          }
        }
        return { totalLag, partitionCount };
      });
    } finally {
      await admin.disconnect();
    }
  });

  for (const [name, m] of Object.entries({ oneClient, stepPerGroup, kafkajsAdmin, scan })) {
    if (total(m.out) !== expectedLag || partitions(m.out) !== GROUPS * TOPICS_PER_GROUP * PARTITIONS) {
      throw new Error(`${layout}/${name}: lag ${total(m.out)} on ${partitions(m.out)} partitions, expected ${expectedLag}`);
    }
  }
  return {
    topics: allTopics.length,
    partitionsMeasured: GROUPS * TOPICS_PER_GROUP * PARTITIONS,
    oneClientMs: oneClient.medianMs,
    oneClientMinMs: oneClient.minMs,
    stepPerGroupMs: stepPerGroup.medianMs,
    kafkajsAdminMs: kafkajsAdmin.medianMs,
    scanMs: scan.medianMs,
    adminOverOneClient: Math.round((kafkajsAdmin.medianMs / oneClient.medianMs) * 10) / 10,
    meetsTarget: oneClient.medianMs <= TARGET_MS,
  };
}

const mock = await startMock();
try {
  // Both layouts live on the cluster at once, so each scan also walks topics
  // the groups never touched, as on a real cluster.
  const seededDistinct = await seed(mock.bootstrap, 'distinct');
  const seededShared = await seed(mock.bootstrap, 'shared');
  const distinct = await scenario(mock.bootstrap, 'distinct', seededDistinct);
  const shared = await scenario(mock.bootstrap, 'shared', seededShared);
  console.log(
    JSON.stringify({
      bench: 'kafka-lag',
      work: `${GROUPS} groups × ${TOPICS_PER_GROUP * PARTITIONS} partitions (topics named), 3-broker librdkafka mock`,
      runs: RUNS,
      targetMs: TARGET_MS,
      distinct,
      shared,
      meetsTarget: distinct.meetsTarget && shared.meetsTarget,
      note: 'target applies to oneClient; stepPerGroup can include a ~1 s SYN retry (mock listen backlog 5)',
    }),
  );
} finally {
  await mock.stop();
}
