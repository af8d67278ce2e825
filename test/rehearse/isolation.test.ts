// A rehearsal touches nothing: every bundled scenario walked along every
// option, and scenarios that answer nothing at all (a scenario's bad manners
// must not reach the world), with recording shims first on PATH for every
// tool a runbook may call and every peer pointed at a listener that counts
// connections: no shim runs, no connection arrives. The rehearsal process is
// also sealed: a step type called directly there cannot spawn or connect.
import { cpSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { DEFAULT_TOOLS, recordCommands, type Recorder } from '../support/record-commands.js';
import { startSilentPeer, type SilentPeer } from '../support/silent-peer.js';
import { tempDir } from '../engine/helpers.js';
import { assertBuilt, oncall, ROOT } from '../cli-run/helpers.js';

let rec: Recorder;
let peer: SilentPeer;
let t: ReturnType<typeof tempDir>;
let env: Record<string, string | undefined>;
let dir: string;

beforeAll(async () => {
  assertBuilt();
  rec = recordCommands([...DEFAULT_TOOLS, 'sh', 'bash', 'sleep', 'nc'], ['sleep']);
  peer = await startSilentPeer();
  t = tempDir();
  const kubeconfig = join(t.dir, 'kubeconfig');
  writeFileSync(kubeconfig, `apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://${peer.address}", insecure-skip-tls-verify: true}}]\nusers: [{name: u, user: {token: t0k3n}}]\ncontexts: [{name: x, context: {cluster: c, user: u, namespace: smp-prod}}]\ncurrent-context: x\n`);
  env = rec.env({
    ...process.env,
    KUBECONFIG: kubeconfig,
    REDIS_URL: `redis://${peer.address}`,
    KAFKA_BROKERS: peer.address,
    DATABASE_URL: `mysql://root@${peer.address}/db`,
    SLACK_WEBHOOK_URL: `http://${peer.address}/hook`,
    ONCALL_STATE_DIR: join(t.dir, 'runs'),
  });
  // The bundled runbooks and scenarios, and per runbook one scenario that answers nothing.
  dir = join(t.dir, 'runbooks');
  cpSync(join(ROOT, 'runbooks'), dir, { recursive: true });
  for (const f of readdirSync(dir).filter((n) => /^[A-Z]+-[0-9]{3}.*\.yaml$/.test(n))) {
    const id = f.match(/^([A-Z]+-[0-9]{3})/)![1]!;
    const text = readFileSync(join(dir, f));
    const first = /options:\s*\n\s*- id: ([a-z0-9-]+)/.exec(text)?.[1] ?? 'a';
    mkdirSync(join(dir, 'scenarios', id), { recursive: true });
    writeFileSync(join(dir, 'scenarios', id, 'answers-nothing.yaml'), `runbook: ${id}\ntitle: Says nothing\nstory: Nothing is known.\nsteps: {}\nexpect:\n  resolves: [${first}]\n  budget: 1h\n`);
  }
});
afterAll(async () => {
  rec?.cleanup();
  await peer?.stop();
  t?.cleanup();
});

function readFileSync(file: string): string {
  return spawnSync('cat', [file], { encoding: 'utf8' }).stdout;
}

test('oncall test over every scenario and every option spawns nothing and connects nowhere', async () => {
  const r = await oncall(['--runbooks', dir, 'test', '--format', 'json'], { env, timeoutMs: 60_000 });
  const report = JSON.parse(r.stdout) as { scenarios: Array<{ name: string; paths: unknown[]; failures: Array<{ message: string }> }> };
  const rude = report.scenarios.filter((s) => s.name === 'answers-nothing');
  expect(rude.length).toBeGreaterThanOrEqual(12);
  // They were walked (and fail their expectation: nothing answered), they were not skipped.
  expect(rude.every((s) => s.paths.length > 0 && s.failures.length > 0)).toBe(true);
  expect(report.scenarios.length).toBeGreaterThan(rude.length);
  expect(rec.commands()).toEqual([]);
  expect(peer.accepted()).toBe(0);
}, 90_000);

test('a rehearsal of a scenario that answers nothing fails its reads as unanswered, and still spawns nothing', async () => {
  const r = await oncall(['--runbooks', dir, 'rehearse', 'INC-004', '--scenario', 'answers-nothing', '--non-interactive', '--option', 'a'], { env });
  expect(r.stdout).toMatch(/the scenario has no answer for step "/);
  expect(r.code).not.toBe(0);
  expect(rec.commands()).toEqual([]);
  expect(peer.accepted()).toBe(0);
});

test('in a sealed process a step type called directly cannot reach the real Redis, spawn kubectl or fetch', () => {
  const script = `
    const { sealProcess } = await import(${JSON.stringify(join(ROOT, 'dist/rehearse/sealed.js'))});
    const { getStepType } = await import(${JSON.stringify(join(ROOT, 'dist/steps/catalog.js'))});
    const { execa } = await import('execa');
    const ctx = { signal: new AbortController().signal, timeoutMs: 3000, env: {}, progress() {} };
    const before = await getStepType('redis.info').run(ctx, { url: 'redis://127.0.0.1:6379' });
    sealProcess();
    const out = { before: before.ok };
    try { await getStepType('redis.info').run(ctx, { url: 'redis://127.0.0.1:6379' }); out.redis = 'answered'; } catch (e) { out.redis = e.message; }
    try { await execa('kubectl', ['version', '--client']); out.spawn = 'ran'; } catch (e) { out.spawn = e.message; }
    try { await fetch('http://127.0.0.1:6379/'); out.fetch = 'sent'; } catch (e) { out.fetch = e.message; }
    console.log(JSON.stringify(out));
    process.exit(0);
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8', env: rec.env(process.env), timeout: 20_000 });
  const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
  expect(out.before).toBe(true);
  expect(out.redis).toMatch(/rehearsal: opening a network connection is not allowed/);
  expect(out.spawn).toMatch(/rehearsal: starting .*kubectl.* is not allowed|rehearsal: starting a process is not allowed/);
  expect(out.fetch).toMatch(/rehearsal: an HTTP request is not allowed/);
  expect(rec.commands()).toEqual([]);
});
