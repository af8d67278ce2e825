// Library console output during a run: a note (once per message, tagged with
// the library, first line only) instead of raw text on the terminal. Real
// ioredis against the real Redis on 127.0.0.1:6379, which has no password: a
// URL with one makes ioredis warn through console.warn on every connection.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { routeLibraryOutput, libraryMessage } from '../../src/ui/library-output.js';
import { assertBuilt, ROOT } from '../cli-run/helpers.js';

const REDIS = process.env.REDIS_TEST_URL ?? 'redis://127.0.0.1:6379';
const withPassword = REDIS.replace('redis://', 'redis://:s3cr3t-pw@');

async function connectOnce(url: string): Promise<void> {
  const { Redis } = await import('ioredis');
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.ping();
  } finally {
    client.disconnect();
  }
}

test('ioredis\'s password warning becomes one note, however many connections print it', async () => {
  const notes: Array<[string, string]> = [];
  const warn = console.warn;
  const restore = routeLibraryOutput((level, message) => notes.push([level, message]));
  try {
    await connectOnce(withPassword);
    await connectOnce(withPassword);
  } finally {
    restore();
  }
  expect(notes).toEqual([['warn', "ioredis: This Redis server's `default` user does not require a password, but a password was supplied"]]);
  expect(console.warn).toBe(warn);
});

test('console output is cut to its first line, without the library\'s level tag; debug is dropped', () => {
  const notes: Array<[string, string]> = [];
  const restore = routeLibraryOutput((level, message) => notes.push([level, message]));
  try {
    console.error('[ioredis] Unhandled error event:', 'Error: connect ECONNREFUSED\n    at TCPConnectWrap.afterConnect');
    console.log('%s brokers', 3);
    console.debug('noise');
    console.info('');
  } finally {
    restore();
  }
  expect(notes).toEqual([
    ['warn', 'Unhandled error event: Error: connect ECONNREFUSED'],
    ['info', '3 brokers'],
  ]);
});

test('a note that itself logs does not loop', () => {
  const notes: string[] = [];
  const restore = routeLibraryOutput((_level, message) => {
    notes.push(message);
    console.warn('from inside the note');
  });
  try {
    console.warn('outer');
  } finally {
    restore();
  }
  expect(notes).toEqual(['outer']);
});

test('a Node process warning (Node prints it with console.error) is a note too, without its pid tag', () => {
  // In a process of its own: jest gives tests a console of their own, Node warns through the real one.
  assertBuilt();
  const script = `
    const { routeLibraryOutput } = await import(${JSON.stringify(join(ROOT, 'dist/ui/library-output.js'))});
    const notes = [];
    const restore = routeLibraryOutput((level, message) => notes.push([level, message]));
    process.emitWarning('a listener leak, say', 'MaxListenersExceededWarning');
    setTimeout(() => { restore(); process.stdout.write(JSON.stringify(notes)); }, 50);`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  expect([r.stderr, JSON.parse(r.stdout)]).toEqual(['', [['warn', 'MaxListenersExceededWarning: a listener leak, say']]]);
});

test('libraryMessage names the package', () => {
  expect(libraryMessage(['[WARN] something'], 'kafkajs')).toBe('kafkajs: something');
  expect(libraryMessage(['   '], 'kafkajs')).toBe('');
});
