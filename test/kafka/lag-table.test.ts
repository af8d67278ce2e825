import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kafkaLagTable, lagFromTable, parseConsumerGroupsTable } from '../../src/steps/kafka/lag-table.js';
import { stepContext } from '../support/kafka-mock.js';

// Outputs as kafka-consumer-groups.sh prints them (Kafka 2.x/3.x): a blank
// line, a header padded with spaces, rows; notices go to stderr.
const ACTIVE = `
GROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID                                                  HOST            CLIENT-ID
dispatch-engine orders.events   0          15234           28500           13266           dispatch-engine-0-5b0c0f8e-8e1a-4a43-9d55-0a4f3b2a8c11       /10.42.3.17     dispatch-engine-0
dispatch-engine orders.events   1          22100           28450           6350            dispatch-engine-1-0f9d2c4a-1b7e-4c38-8a0e-6f2d9c1b3e54       /10.42.1.9      dispatch-engine-1
dispatch-engine orders.events   2          27990           28010           20              dispatch-engine-1-0f9d2c4a-1b7e-4c38-8a0e-6f2d9c1b3e54       /10.42.1.9      dispatch-engine-1
dispatch-engine -               -          -               -               -               dispatch-engine-2-7c1e9a3b-2d4f-4e6a-9b8c-3a5d7f9e1c20       /10.42.2.4      dispatch-engine-2
`;

// The seed runbook's example (an older layout: no GROUP, HOST or CLIENT-ID).
const SEED = `TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG CONSUMER-ID
orders.events 0 15234 28500 13266 dispatch-engine-0
orders.events 1 22100 28450 6350 dispatch-engine-1
`;

const EMPTY_STDERR = `
Consumer group 'connect-elasticsearch-sink' has no active members.
`;
const EMPTY_STDOUT = `
GROUP                      TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID     HOST            CLIENT-ID
connect-elasticsearch-sink orders.indexed  0          880112          912400          32288           -               -               -
connect-elasticsearch-sink orders.indexed  1          -               45000           -               -               -               -
`;

const ALL_GROUPS = `
GROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID     HOST            CLIENT-ID
billing         payments.events 0          10              40              30              billing-0-aa    /10.42.0.3      billing client

GROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID     HOST            CLIENT-ID
dispatch-engine orders.events   0          100             600             500             de-0-bb         /10.42.0.4      dispatch-engine-0
`;

describe('parseConsumerGroupsTable', () => {
  it('parses rows, "-" as null, and an idle consumer row', () => {
    const t = parseConsumerGroupsTable(ACTIVE);
    expect(t.hasTable).toBe(true);
    expect(t.rows).toHaveLength(4);
    expect(t.rows[0]).toEqual({
      group: 'dispatch-engine',
      topic: 'orders.events',
      partition: 0,
      currentOffset: 15234,
      logEndOffset: 28500,
      lag: 13266,
      consumerId: 'dispatch-engine-0-5b0c0f8e-8e1a-4a43-9d55-0a4f3b2a8c11',
      host: '/10.42.3.17',
      clientId: 'dispatch-engine-0',
    });
    expect(t.rows[3]).toMatchObject({ topic: null, partition: null, lag: null, clientId: 'dispatch-engine-2' });
  });

  it('parses the seed example without GROUP, HOST and CLIENT-ID columns', () => {
    const t = parseConsumerGroupsTable(SEED);
    expect(t.rows).toEqual([
      { group: null, topic: 'orders.events', partition: 0, currentOffset: 15234, logEndOffset: 28500, lag: 13266, consumerId: 'dispatch-engine-0', host: null, clientId: null },
      { group: null, topic: 'orders.events', partition: 1, currentOffset: 22100, logEndOffset: 28450, lag: 6350, consumerId: 'dispatch-engine-1', host: null, clientId: null },
    ]);
  });

  it('keeps notices, ignores kubectl chatter, and joins a last column with spaces', () => {
    const t = parseConsumerGroupsTable(`Defaulted container "kafka" out of: kafka, jmx-exporter\n${EMPTY_STDERR}${ALL_GROUPS}`);
    expect(t.notices).toEqual(["Consumer group 'connect-elasticsearch-sink' has no active members."]);
    expect(t.rows.map((r) => r.group)).toEqual(['billing', 'dispatch-engine']);
    expect(t.rows[0]!.clientId).toBe('billing client');
  });

  it('reports no table for unrelated output', () => {
    expect(parseConsumerGroupsTable('error: unable to upgrade connection: container not found ("kafka")\n')).toEqual({
      rows: [],
      notices: [],
      hasTable: false,
    });
  });
});

describe('lagFromTable', () => {
  it('gives the seed example the kafka.lag result shape', () => {
    const r = lagFromTable('dispatch-engine', parseConsumerGroupsTable(SEED));
    expect(r).toEqual({
      group: 'dispatch-engine',
      totalLag: 19616,
      partitions: [
        { topic: 'orders.events', partition: 0, committed: 15234, logEnd: 28500, lag: 13266, consumerId: 'dispatch-engine-0' },
        { topic: 'orders.events', partition: 1, committed: 22100, logEnd: 28450, lag: 6350, consumerId: 'dispatch-engine-1' },
      ],
      partitionCount: 2,
      maxPartitionLag: 13266,
      maxPartitionShare: 0.6763,
      hottestPartition: 'orders.events:0',
      consumerCount: 2,
      idleConsumers: 0,
      state: null,
      notes: [],
    });
  });

  it('counts consumers and the idle one', () => {
    const r = lagFromTable('dispatch-engine', parseConsumerGroupsTable(ACTIVE));
    expect(r).toMatchObject({ totalLag: 19636, partitionCount: 3, consumerCount: 3, idleConsumers: 1, hottestPartition: 'orders.events:0' });
    expect(r.notes).toEqual(['1 consumer is idle: a group uses at most one consumer per partition']);
  });

  it('an empty group: no consumers, and a partition without a commit left out of the total', () => {
    const r = lagFromTable('connect-elasticsearch-sink', parseConsumerGroupsTable(EMPTY_STDERR + EMPTY_STDOUT));
    expect(r).toMatchObject({ totalLag: 32288, partitionCount: 2, consumerCount: 0, idleConsumers: 0, state: 'Empty', maxPartitionShare: 1 });
    expect(r.partitions[1]).toEqual({ topic: 'orders.indexed', partition: 1, committed: null, logEnd: 45000, lag: null, consumerId: null });
    expect(r.notes).toEqual([
      "Consumer group 'connect-elasticsearch-sink' has no active members.",
      '1 partition has no committed offset: kafka-consumer-groups.sh shows no lag for them, so they are left out of totalLag',
    ]);
  });

  it('keeps only the asked group of an --all-groups table', () => {
    const r = lagFromTable('dispatch-engine', parseConsumerGroupsTable(ALL_GROUPS));
    expect(r).toMatchObject({ totalLag: 500, partitionCount: 1, consumerCount: 1 });
  });

  it('a group that does not exist has no lag', () => {
    const r = lagFromTable('nope', parseConsumerGroupsTable("\nError: Consumer group 'nope' does not exist.\n"));
    expect(r).toMatchObject({ totalLag: 0, partitionCount: 0, consumerCount: 0, state: 'Dead', hottestPartition: null });
  });
});

// The step runs a real child process: a fixture "kubectl" that records its
// argv and prints recorded output.
describe('kafka.lag-table step', () => {
  let dir: string;
  let kubectl: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'oncall-lag-table-'));
    kubectl = join(dir, 'kubectl');
    writeFileSync(
      kubectl,
      [
        '#!/bin/sh',
        'printf "%s\\n" "$@" > "$FIXTURE_DIR/argv"',
        '[ -n "$FIXTURE_SLEEP" ] && exec sleep "$FIXTURE_SLEEP"',
        'cat "$FIXTURE_DIR/stdout"',
        'cat "$FIXTURE_DIR/stderr" >&2',
        'exit "${FIXTURE_EXIT:-0}"',
        '',
      ].join('\n'),
    );
    chmodSync(kubectl, 0o755);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const fixture = (stdout: string, stderr = '', extra: Record<string, string> = {}) => {
    writeFileSync(join(dir, 'stdout'), stdout);
    writeFileSync(join(dir, 'stderr'), stderr);
    return { FIXTURE_DIR: dir, ...extra };
  };

  it('runs kubectl exec as argv and parses the table', async () => {
    const env = fixture(ACTIVE, 'Defaulted container "kafka" out of: kafka, jmx-exporter\n');
    const out = await kafkaLagTable.run(stepContext(5000, env), {
      kubectl,
      context: 'prod-eu',
      namespace: 'smp-prod',
      group: 'dispatch-engine',
    });
    expect(readFileSync(join(dir, 'argv'), 'utf8').trim().split('\n')).toEqual([
      'exec', '--context', 'prod-eu', '-n', 'smp-prod', 'kafka-0', '--',
      'kafka-consumer-groups.sh', '--bootstrap-server', 'localhost:9092', '--describe', '--group', 'dispatch-engine',
    ]);
    expect(out.result).toMatchObject({ totalLag: 19636, hottestPartition: 'orders.events:0', consumerCount: 3, idleConsumers: 1 });
    expect(out.summary).toBe('dispatch-engine: lag 19,636 on 3 partitions, hottest orders.events:0 (68%), 3 consumers (1 idle)');
  });

  it('passes a group with shell characters through untouched', async () => {
    const env = fixture(SEED);
    await kafkaLagTable.run(stepContext(5000, env), { kubectl, namespace: 'ns', pod: 'kafka-2', group: "g; rm -rf / $(x) 'q'" });
    const argv = readFileSync(join(dir, 'argv'), 'utf8').trim().split('\n');
    expect(argv.slice(0, 4)).toEqual(['exec', '-n', 'ns', 'kafka-2']);
    expect(argv.at(-1)).toBe("g; rm -rf / $(x) 'q'");
  });

  it('fails with the error line when kubectl fails', async () => {
    const env = fixture('', 'Error from server (NotFound): pods "kafka-0" not found\n', { FIXTURE_EXIT: '1' });
    await expect(kafkaLagTable.run(stepContext(5000, env), { kubectl, namespace: 'ns', group: 'g' })).rejects.toThrow(
      `${kubectl} exec kafka-0 -- kafka-consumer-groups.sh failed (exit 1): Error from server (NotFound): pods "kafka-0" not found`,
    );
  });

  it("shows kubectl's verdict, not client-go's klog lines, when the API server is unreachable", async () => {
    const klog =
      'E1122 04:59:00.123456   4242 memcache.go:265] "Unhandled Error" err="couldn\'t get current server API group list: Get \\"http://127.0.0.1:9/api\\": dial tcp 127.0.0.1:9: connect: connection refused"\n';
    const env = fixture('', `${klog}${klog}The connection to the server 127.0.0.1:9 was refused - did you specify the right host or port?\n`, { FIXTURE_EXIT: '1' });
    await expect(kafkaLagTable.run(stepContext(5000, env), { kubectl, namespace: 'ns', group: 'g' })).rejects.toThrow(
      `${kubectl} exec kafka-0 -- kafka-consumer-groups.sh failed (exit 1): The connection to the server 127.0.0.1:9 was refused - did you specify the right host or port?`,
    );
    await expect(kafkaLagTable.run(stepContext(5000, env), { kubectl, namespace: 'ns', group: 'g' })).rejects.toMatchObject({ code: 'unreachable' });
  });

  it('fails on a tool error that prints no table', async () => {
    const env = fixture(
      '',
      '\nError: Executing consumer group command failed due to org.apache.kafka.common.errors.TimeoutException: Call(callName=describeConsumerGroups) timed out\n',
    );
    await expect(kafkaLagTable.run(stepContext(5000, env), { kubectl, namespace: 'ns', group: 'g' })).rejects.toThrow(
      /kafka-consumer-groups.sh: Error: Executing consumer group command failed due to .*TimeoutException/,
    );
  });

  it('stops a hanging kubectl at the step timeout', async () => {
    const env = fixture('', '', { FIXTURE_SLEEP: '30' });
    const started = Date.now();
    await expect(kafkaLagTable.run(stepContext(1000, env), { kubectl, namespace: 'ns', group: 'g' })).rejects.toThrow(
      `${kubectl} exec kafka-0 -- kafka-consumer-groups.sh did not finish within 1s`,
    );
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it('says so when kubectl is not installed', async () => {
    await expect(
      kafkaLagTable.run(stepContext(5000), { kubectl: join(dir, 'no-such-kubectl'), namespace: 'ns', group: 'g' }),
    ).rejects.toThrow(`${join(dir, 'no-such-kubectl')}: command not found`);
  });
});
