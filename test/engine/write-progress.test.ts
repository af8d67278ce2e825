// An interrupted native write says how far it got, on the screen and in the
// journal, and the resumed run's plan counts what is left (real Redis).
import { Redis } from 'ioredis';
import { getStepType } from '../../src/steps/catalog.js';
import { resumeStateFrom } from '../../src/engine/resume.js';
import { describeProgress, stoppedPartWay } from '../../src/engine/write-progress.js';
import { startRedisServer, type PrivateRedis } from '../support/redis-server.js';
import { run, runbook } from './helpers.js';

const KEYS = 250_000;

const yaml = runbook({
  params: 'redis_url: { default: "redis://127.0.0.1:6379" }',
  mitigate: `
options:
  - id: purge
    title: Purge the cache
    steps:
      - id: wipe
        check: redis.delete-pattern
        effect: write
        with: { url: "\${{ params.redis_url }}", pattern: "cache:*", batch: 200 }`,
});

describe('progress words', () => {
  test('with and without the plan total', () => {
    expect(describeProgress({ done: 715000, total: 1285000, unit: 'keys', doing: 'deleting' })).toBe('deleting 715,000 of ~1,285,000 keys');
    expect(describeProgress({ done: 12, unit: 'keys', doing: 'deleting' })).toBe('deleting 12 keys');
    expect(stoppedPartWay({ done: 3, unit: 'keys', doing: 'deleting' }, false, 'UNLINK failed')).toBe('UNLINK failed (after deleting 3 keys)');
  });
});

describe('an interrupted redis.delete-pattern', () => {
  let redis: PrivateRedis;
  let client: Redis;

  beforeAll(async () => {
    redis = await startRedisServer();
    client = new Redis(redis.url);
    for (let i = 0; i < KEYS; i += 10_000) {
      const pipe = client.pipeline();
      for (let j = i; j < i + 10_000; j++) pipe.set(`cache:${j}`, 'x');
      await pipe.exec();
    }
    await client.set('session:keep', '1');
  }, 60_000);

  afterAll(async () => {
    client.disconnect();
    await redis.stop();
  });

  test('says how far it got, and the resumed plan counts what is left', async () => {
    const sets = [`redis_url=${redis.url}`];
    const stepTypes = getStepType;
    const interrupted = await run(yaml, {
      sets,
      stepTypes,
      option: 'purge',
      approve: ['wipe'],
      // Interrupt once the sweep reports it is under way (after 100,000 keys are queued).
      onEvent: (e, engine) => {
        if (e.type === 'step-progress' && e.stepId === 'wipe') engine.interrupt('SIGINT');
      },
    });
    expect(interrupted.result.outcome).toBe('interrupted');
    const wipe = interrupted.step('wipe')!;
    expect(wipe.status).toBe('interrupted');
    const m = /^interrupted after deleting ([\d,]+) of ~250,000 keys$/.exec(wipe.summary);
    expect(m).not.toBeNull();
    const done = Number(m![1]!.replace(/,/g, ''));
    expect(done).toBeGreaterThan(0);
    expect(done).toBeLessThan(KEYS);
    expect(wipe.result).toMatchObject({ progress: { done, total: KEYS, unit: 'keys', doing: 'deleting' } });

    // UNLINKs in flight at the interruption may have landed too: at most `done` remain deleted… or a few batches more.
    const left = (await client.dbsize()) - 1;
    expect(left).toBeLessThanOrEqual(KEYS - done);
    expect(left).toBeGreaterThan(0);

    const state = resumeStateFrom({ events: interrupted.events, torn: false, bad: 0 });
    expect(state.inDoubt.has('wipe')).toBe(true);
    expect(state.partWay.get('wipe')).toBe(wipe.summary);

    const resumed = await run(yaml, { sets, stepTypes, resume: state, dryRun: true });
    const notes = resumed.of('note').map((n) => n.message);
    expect(notes).toContain(`write step "wipe" was ${wipe.summary}; it will not run again without a fresh approval, and its plan counts what is left`);
    const planned = resumed.step('wipe')!;
    expect(planned.status).toBe('planned');
    expect(planned.summary).toBe(`would delete ${left.toLocaleString('en-US')} keys matching cache:* (0 protected keys kept)`);
  }, 60_000);
});
