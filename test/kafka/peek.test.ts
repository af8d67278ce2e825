import { kafkaPeek } from '../../src/steps/kafka/peek.js';
import { produce, startKafkaMock, stepContext, type KafkaMock } from '../support/kafka-mock.js';

let mock: KafkaMock;
const base = Date.parse('2024-05-01T03:00:00.000Z');

beforeAll(async () => {
  mock = await startKafkaMock({ brokers: 3, topics: [{ topic: 'empty.topic' }] });
  // Two partitions whose timestamps interleave: p0 at base+10i, p1 at base+10i+5.
  const dlq = [0, 1].flatMap((partition) =>
    Array.from({ length: 30 }, (_, i) => ({
      partition,
      key: `order-${partition}-${i}`,
      value: JSON.stringify({ p: partition, i }),
      timestamp: String(base + i * 10 + partition * 5),
    })),
  );
  await produce(mock.brokers, 'orders.events.dlq', dlq);
  await produce(mock.brokers, 'blobs', [
    { partition: 0, key: null, value: 'é'.repeat(600), timestamp: String(base) },
    { partition: 0, key: 'bin', value: Buffer.from([0xff, 0xfe, 0x00, 0x01]), timestamp: String(base + 1) },
    { partition: 0, key: 'tomb', value: null, timestamp: String(base + 2) },
  ]);
  await produce(
    mock.brokers,
    'big',
    Array.from({ length: 150 }, (_, i) => ({ partition: i % 4, value: `m${i}`, timestamp: String(base + i) })),
  );
}, 30_000);

afterAll(async () => {
  await mock?.stop();
});

const brief = (m: { partition: number; offset: number }) => `${m.partition}:${m.offset}`;

describe('kafka.peek on the mock cluster', () => {
  it('reads the newest messages across partitions, in time order', async () => {
    const { result, summary } = await kafkaPeek.run(stepContext(), { brokers: mock.bootstrap, topic: 'orders.events.dlq', max: 5 });
    expect(result.count).toBe(5);
    expect(result.messages.map(brief)).toEqual(['1:27', '0:28', '1:28', '0:29', '1:29']);
    expect(result.messages[4]).toEqual({
      partition: 1,
      offset: 29,
      key: 'order-1-29',
      value: '{"p":1,"i":29}',
      timestamp: new Date(base + 295).toISOString(),
      valueBytes: 14,
      truncated: false,
      encoding: 'utf8',
    });
    expect(summary).toBe('5 newest messages from orders.events.dlq');
  });

  it('reads the oldest messages when asked', async () => {
    const { result } = await kafkaPeek.run(stepContext(), { brokers: mock.bootstrap, topic: 'orders.events.dlq', from: 'oldest', max: 3 });
    expect(result.from).toBe('oldest');
    expect(result.messages.map(brief)).toEqual(['0:0', '1:0', '0:1']);
  });

  it('defaults to the newest 10', async () => {
    const { result } = await kafkaPeek.run(stepContext(), { brokers: mock.bootstrap, topic: 'orders.events.dlq' });
    expect(result.count).toBe(10);
    expect(result.messages.at(-1)!.offset).toBe(29);
  });

  it('caps max at 100', async () => {
    const { result } = await kafkaPeek.run(stepContext(), { brokers: mock.bootstrap, topic: 'big', max: 1000 });
    expect(result.count).toBe(100);
    expect(result.messages[0]!.value).toBe('m50');
    expect(result.messages[99]!.value).toBe('m149');
  });

  it('cuts values at maxBytes without splitting characters, and shows binary values as base64', async () => {
    const { result } = await kafkaPeek.run(stepContext(), { brokers: mock.bootstrap, topic: 'blobs', from: 'oldest', maxBytes: 9 });
    const [long, bin, tomb] = result.messages;
    // "é" is two bytes: 9 bytes hold four of them.
    expect(long).toMatchObject({ key: null, value: 'éééé', valueBytes: 1200, truncated: true, encoding: 'utf8' });
    expect(bin).toMatchObject({ key: 'bin', value: Buffer.from([0xff, 0xfe, 0x00, 0x01]).toString('base64'), encoding: 'base64' });
    expect(tomb).toMatchObject({ key: 'tomb', value: null, valueBytes: 0 });
  });

  it('returns at once on an empty topic', async () => {
    const started = Date.now();
    const { result } = await kafkaPeek.run(stepContext(3000), { brokers: mock.bootstrap, topic: 'empty.topic' });
    expect(result).toMatchObject({ count: 0, messages: [] });
    expect(result.notes).toEqual(['topic empty.topic is empty (4 partitions)']);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('rejects an unknown "from"', async () => {
    await expect(
      kafkaPeek.run(stepContext(), { brokers: mock.bootstrap, topic: 'big', from: 'middle' as 'oldest' }),
    ).rejects.toThrow('kafka.peek: input "from" must be "oldest" or "newest", got "middle"');
  });
});
