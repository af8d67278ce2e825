// redis-cli exits 0 when Redis answers with an error: the step must fail on
// the reply, not pass on the exit code. Against a real Redis with requirepass.
import { run, runbook } from './helpers.js';
import { startRedisServer, type PrivateRedis } from '../support/redis-server.js';
import { errorReply } from '../../src/steps/error-replies.js';
import { hideArgvSecrets } from '../../src/steps/secret-args.js';
import { recordCommands } from '../support/record-commands.js';

let redis: PrivateRedis;
beforeAll(async () => {
  redis = await startRedisServer({ password: 's3cretpw' });
});
afterAll(() => redis.stop());

const writeStep = (run: string, shell = false) =>
  runbook({
    detect: `steps:\n  - id: w\n    effect: write\n${shell ? '    shell: true\n' : ''}    run: ${JSON.stringify(run)}`,
  });

test('NOAUTH from redis-cli fails the write step although redis-cli exits 0', async () => {
  const r = await run(writeStep(`redis-cli -p ${redis.port} CONFIG SET maxmemory 100mb`), { approve: ['w'], nonInteractive: true });
  const f = r.step('w')!;
  expect(f.status).toBe('failed');
  expect(f.summary).toMatch(/^the server replied with an error: NOAUTH Authentication required/);
  expect((f.result as { exitCode: number }).exitCode).toBe(0);
  expect(r.result.exitCode).toBe(1);
});

test('an ERR reply inside a pipeline fails the step too; an OK reply passes with its output shown', async () => {
  const failed = await run(writeStep(`redis-cli -p ${redis.port} -a s3cretpw --no-auth-warning CONFIG SET no-such-parameter 1 | cat`, true), { approve: ['w'], nonInteractive: true });
  expect(failed.step('w')).toMatchObject({ status: 'failed', summary: expect.stringMatching(/^the server replied with an error: ERR /) });
  const ok = await run(writeStep(`redis-cli -p ${redis.port} -a s3cretpw --no-auth-warning MSET oncall:t:a 1 oncall:t:b 2`), { approve: ['w'], nonInteractive: true });
  expect(ok.step('w')).toMatchObject({ status: 'ok', summary: 'exit 0, 1 line: OK' });
});

test('error replies are read only for the tools that print them', () => {
  expect(errorReply(['redis-cli'], '(error) READONLY You can\'t write against a read only replica.', '')).toMatch(/^READONLY /);
  expect(errorReply(['redis-cli'], 'OK\n', '')).toBeUndefined();
  expect(errorReply(['grep'], 'ERR something', '')).toBeUndefined();
});

describe('passwords leave the command line', () => {
  test('redis-cli -u with a password: the child gets it in REDISCLI_AUTH, its argv never holds it', async () => {
    const rec = recordCommands(['redis-cli']);
    try {
      const r = await run(writeStep(`redis-cli -u redis://:s3cretpw@127.0.0.1:${redis.port} CONFIG SET maxmemory-policy allkeys-lru`), {
        approve: ['w'],
        nonInteractive: true,
        env: rec.env(),
      });
      expect(r.step('w')).toMatchObject({ status: 'ok', summary: 'exit 0, 1 line: OK', command: `redis-cli -u redis://127.0.0.1:${redis.port} CONFIG SET maxmemory-policy allkeys-lru` });
      const argv = rec.commands().map((c) => c.argv.join(' '));
      expect(argv).toEqual([`redis-cli -u redis://127.0.0.1:${redis.port} CONFIG SET maxmemory-policy allkeys-lru`]);
      expect(JSON.stringify(r.events)).not.toContain('s3cretpw');
    } finally {
      rec.cleanup();
    }
  });

  test.each([
    [['-a', 'pw', 'PING'], ['PING'], { REDISCLI_AUTH: 'pw' }],
    [['-u', 'redis://app:p%40ss@h:6379/2', 'INFO'], ['-u', 'redis://h:6379/2', '--user', 'app', 'INFO'], { REDISCLI_AUTH: 'p@ss' }],
    [['-h', 'h', 'INFO'], undefined, undefined],
  ])('redis-cli %j', (args, expected, env) => {
    const hidden = hideArgvSecrets('redis-cli', args);
    expect(hidden?.args).toEqual(expected);
    expect(hidden?.env).toEqual(env);
  });

  test('psql: a password in the connection URI goes to PGPASSWORD', () => {
    expect(hideArgvSecrets('psql', ['postgresql://ops:t0p@db:5432/smp', '-c', 'SELECT 1'])).toEqual({ args: ['postgresql://ops@db:5432/smp', '-c', 'SELECT 1'], env: { PGPASSWORD: 't0p' } });
  });
});
