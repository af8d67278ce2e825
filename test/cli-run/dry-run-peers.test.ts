// A rehearsal on a machine with no peers (no kubeconfig, Kafka and Redis at
// closed ports) says so once per peer, with what to set, instead of one red
// block per step; planned writes show their rendered values; the final line
// counts peers. The journal still has one step-finished per step.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertBuilt, oncall, ROOT } from './helpers.js';
import { tempDir } from '../engine/helpers.js';

beforeAll(() => assertBuilt());

async function rehearse(id: string) {
  const t = tempDir('oncall-peers-');
  try {
    const env = {
      PATH: process.env.PATH,
      HOME: t.dir,
      KUBECONFIG: join(t.dir, 'missing-kubeconfig'),
      KAFKA_BROKERS: '127.0.0.1:1',
      REDIS_URL: 'redis://127.0.0.1:1',
      ONCALL_STEP_TIMEOUT: '3s',
      ONCALL_STATE_DIR: join(t.dir, 'runs'),
      NO_COLOR: '1',
    };
    const r = await oncall(['--runbooks', join(ROOT, 'runbooks'), 'run', id, '--dry-run'], { env, cwd: t.dir, timeoutMs: 60_000 });
    const runs = join(t.dir, 'runs');
    const journal = readdirSync(runs)
      .filter((f) => f.endsWith('.jsonl'))
      .flatMap((f) => readFileSync(join(runs, f), 'utf8').trim().split('\n'))
      .map((l) => JSON.parse(l));
    return { ...r, journal };
  } finally {
    t.cleanup();
  }
}

function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

test('INC-007: Kafka and the missing kubeconfig are each named once, with what to set', async () => {
  const r = await rehearse('INC-007');
  expect(r.code).toBe(0);
  const out = r.stdout;
  expect(count(out, '⚠ no Kafka at 127.0.0.1:1 (connection refused): set KAFKA_BROKERS or --set brokers=…')).toBe(1);
  expect(count(out, '⚠ no kubeconfig (KUBECONFIG=')).toBe(1);
  expect(out).toMatch(/⚠ no kubeconfig \(KUBECONFIG=\S+missing-kubeconfig does not exist\): set KUBECONFIG\n/);
  // No step gets a red block of its own: each points at its peer in one line.
  expect(out).not.toMatch(/✗ /);
  for (const id of ['lag', 'dlq', 'stuckat', 'lagdown', 'consumers', 'errors', 'top', 'lagtable']) expect(out).toMatch(new RegExp(`· ${id} \\(\\w+\\) needs `));

  // The journal keeps one failed step-finished per step, the peer attached.
  const lag = r.journal.find((e) => e.type === 'step-finished' && e.stepId === 'lag');
  expect(lag).toMatchObject({ status: 'failed', reason: 'unreachable', peer: { kind: 'kafka', name: 'Kafka at 127.0.0.1:1', hint: 'set KAFKA_BROKERS or --set brokers=…' } });
  expect(r.journal.find((e) => e.type === 'step-finished' && e.stepId === 'dlq')).toMatchObject({ status: 'failed', reason: 'unreachable' });

  // Planned writes: values rendered, unknown ones marked, never the raw template.
  expect(out).not.toContain('${{');
  expect(out).toContain('would run k8s.scale: namespace=smp-prod kind=deployment name=dispatch-engine replicas=0 maxReplicas=0 (plan unavailable: no kubeconfig)');
  expect(out).toContain('would run k8s.scale: namespace=smp-prod kind=deployment name=dispatch-engine replicas=12 maxReplicas=?');
  expect(out).toContain('would run kafka.reset-offsets: brokers=127.0.0.1:1 group=dispatch-engine topic=orders.events partition=0 offset=?');

  // The final line counts peers, not steps.
  const kafkaSteps = r.journal.filter((e) => e.type === 'step-finished' && e.peer?.kind === 'kafka').length;
  const kubeSteps = r.journal.filter((e) => e.type === 'step-finished' && e.peer?.kind === 'kubernetes').length;
  expect(kafkaSteps).toBeGreaterThan(3);
  expect(kubeSteps).toBeGreaterThan(3);
  const end = r.journal.at(-1);
  expect(end).toMatchObject({ type: 'run-finished', outcome: 'rehearsed', exitCode: 0 });
  expect(end.message).toBe(
    `rehearsal complete: every stage walked, 5 write(s) shown and not run; unreachable: Kafka at 127.0.0.1:1 (${kafkaSteps} steps), kubernetes (no kubeconfig, ${kubeSteps} steps)`,
  );
  expect(out).toContain(`✔ ${end.message}`);
});

test('INC-001: kubernetes, Redis and the HTTP endpoint each named once; writes rendered', async () => {
  const r = await rehearse('INC-001');
  expect(r.code).toBe(0);
  const out = r.stdout;
  expect(count(out, '⚠ no kubeconfig (')).toBe(1);
  expect(count(out, '⚠ no Redis at redis://127.0.0.1:1 (connection refused): set REDIS_URL or --set redis_url=…')).toBe(1);
  expect(out).not.toMatch(/✗ /);
  expect(out).not.toContain('${{');
  expect(out).toContain('would run k8s.rollout-restart: namespace=smp-prod kind=deployment name=dispatch-engine (plan unavailable: no kubeconfig)');
  const end = r.journal.at(-1);
  expect(end).toMatchObject({ type: 'run-finished', outcome: 'rehearsed', exitCode: 0 });
  expect(end.message).toMatch(/; unreachable: kubernetes \(no kubeconfig, \d+ steps\), Redis at redis:\/\/127\.0\.0\.1:1 \(\d+ steps\)/);
  expect(end.message).not.toMatch(/read\(s\) failed/);
});
