import net from 'node:net';
import { kafkaCluster } from '../../src/steps/kafka/cluster.js';
import { kafkaLag } from '../../src/steps/kafka/lag.js';
import { kafkaPeek } from '../../src/steps/kafka/peek.js';
import { kafkaResetOffsets } from '../../src/steps/kafka/reset-offsets.js';
import { startKafkaMock, stepContext, type KafkaMock } from '../support/kafka-mock.js';
import { stepFailure } from '../support/step-failure.js';

// A peer that accepts TCP connections, reads what it is sent and never answers.
let stalled: net.Server;
let stalledAddr: string;
const sockets = new Set<net.Socket>();

beforeAll(async () => {
  stalled = net.createServer((s) => {
    sockets.add(s);
    s.resume();
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => stalled.listen(0, '127.0.0.1', resolve));
  stalledAddr = `127.0.0.1:${(stalled.address() as net.AddressInfo).port}`;
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => stalled.close(resolve));
});

const SLACK_MS = 1500;


const steps = {
  'kafka.lag': (ctx: ReturnType<typeof stepContext>, brokers: string) => kafkaLag.run(ctx, { brokers, group: 'g', topic: 't' }),
  'kafka.cluster': (ctx: ReturnType<typeof stepContext>, brokers: string) => kafkaCluster.run(ctx, { brokers }),
  'kafka.peek': (ctx: ReturnType<typeof stepContext>, brokers: string) => kafkaPeek.run(ctx, { brokers, topic: 't' }),
  'kafka.reset-offsets plan': (ctx: ReturnType<typeof stepContext>, brokers: string) =>
    kafkaResetOffsets.plan!(ctx, { brokers, group: 'g', topic: 't', partition: 0, offset: 1 }),
};

describe('unreachable brokers fail within the step timeout, in one line', () => {
  it.each(Object.keys(steps))('%s: a closed port is refused quickly', async (name) => {
    const { error, ms } = await stepFailure(steps[name as keyof typeof steps](stepContext(3000), '127.0.0.1:1'));
    expect(error.message).toBe('kafka brokers 127.0.0.1:1 refused the connection (ECONNREFUSED)');
    expect(error.code).toBe('unreachable');
    expect(ms).toBeLessThan(3000 + SLACK_MS);
  });

  it.each(Object.keys(steps))('%s: a server that never answers hits the timeout', async (name) => {
    const { error, ms } = await stepFailure(steps[name as keyof typeof steps](stepContext(1500), stalledAddr));
    expect(error.message).toBe(`kafka brokers ${stalledAddr} did not answer within 1.5s`);
    expect(error.code).toBe('timeout');
    expect(ms).toBeGreaterThanOrEqual(1400);
    expect(ms).toBeLessThan(1500 + SLACK_MS);
  });

  it('closes its connections to a stalled server, including retries after the deadline', async () => {
    for (const s of sockets) s.destroy();
    await stepFailure(kafkaCluster.run(stepContext(1000), { brokers: stalledAddr }));
    // kafkajs may still retry its pending connect after we gave up: those sockets are closed at once too.
    await new Promise((r) => setTimeout(r, 1000));
    expect(sockets.size).toBe(0);
  });

  it('an unresolvable host fails with the cause', async () => {
    const { error, ms } = await stepFailure(kafkaCluster.run(stepContext(3000), { brokers: 'kafka.invalid:9092' }));
    expect(error.message).toMatch(/^kafka brokers kafka\.invalid:9092: host not found \((ENOTFOUND|EAI_AGAIN)\)$/);
    expect(ms).toBeLessThan(3000 + SLACK_MS);
  });

  it('an interrupted run stops at once', async () => {
    const ctx = stepContext(10_000);
    setTimeout(() => ctx.abort(), 200);
    const { error, ms } = await stepFailure(kafkaCluster.run(ctx, { brokers: stalledAddr }));
    expect(error.message).toBe(`kafka step on ${stalledAddr} was interrupted`);
    expect(ms).toBeLessThan(200 + SLACK_MS);
  });
});

describe('a real but slow Kafka peer (mock cluster with 3 s round trips)', () => {
  let slow: KafkaMock;

  beforeAll(async () => {
    slow = await startKafkaMock({ brokers: 1, rttMs: 3000 });
  });

  afterAll(async () => {
    await slow?.stop();
  });

  it('fails at the step timeout instead of waiting for it', async () => {
    const { error, ms } = await stepFailure(kafkaCluster.run(stepContext(1000), { brokers: slow.bootstrap }));
    // "answer" when no reply came at all, "finish" when a reply came but the step outlived its time.
    expect(error.message).toMatch(new RegExp(`^kafka brokers ${slow.bootstrap} did not (answer|finish) within 1s$`));
    expect(ms).toBeLessThan(1000 + SLACK_MS);
  });
});
