// Unreachable peers, end to end: the real CLI (human output, no TTY) pointed
// at a closed Redis port, closed Kafka brokers, a kubeconfig whose API server
// is closed — and at peers that accept a connection and never answer. Every
// check fails within its timeout with one clear line, no stack trace, and the
// run stops at mitigation because no evidence recommends anything (exit 3).
import net, { type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { closedPortUrl, startStalledServer, writeKubeconfig } from '../support/k8s-api-server.js';
import { assertBuilt, expectExit, finished, oncallRun, scratch, STACK_FRAME, type CliRun, type Event } from '../support/e2e-cli.js';

let home: ReturnType<typeof scratch>;
let closedPort: number;
let closedKube: string;
let kubeUrl: string;
const stalled: Array<{ url: string; close(): Promise<void> }> = [];

/** A Redis that accepts connections and never answers (a hung server, a black-holed proxy). */
async function stalledTcp(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

beforeAll(async () => {
  assertBuilt();
  home = scratch();
  kubeUrl = await closedPortUrl();
  closedPort = Number(new URL(await closedPortUrl()).port);
  closedKube = writeKubeconfig(join(home.dir, 'closed-kubeconfig'), [{ name: 'smp-asia', server: kubeUrl, namespace: 'smp-prod' }]);
});

afterAll(async () => {
  await Promise.all(stalled.map((s) => s.close()));
  home?.cleanup();
});

/** The failed check: one line, the expected words, within the timeout, and shown as such in the output. */
function expectUnreachable(r: CliRun, stepId: string, message: RegExp, timeoutMs: number): Event {
  const f = finished(r.journal, stepId);
  if (!f) throw new Error(`step ${stepId} never finished\n${r.stdout}`);
  expect(f).toMatchObject({ status: 'failed' });
  expect(['unreachable', 'timeout']).toContain(f.reason);
  expect(f.summary).not.toContain('\n');
  expect(f.summary).toMatch(message);
  expect(f.durationMs).toBeLessThan(timeoutMs + 1500);
  expect(r.stdout).toContain(`✗ ${stepId}  ${f.summary}`);
  return f;
}

function expectCleanStop(r: CliRun): void {
  expectExit(r, 3);
  expect(r.stdout).toContain('no mitigation option is recommended by the evidence; choose one with --option ID');
  expect(r.stdout).not.toMatch(STACK_FRAME);
  expect(r.stderr).not.toMatch(STACK_FRAME);
  expect(`${r.stdout}\n${r.stderr}`).not.toMatch(/\b(TypeError|ReferenceError|UnhandledPromiseRejection|internal error)\b/);
  expect(r.journal.at(-1)).toMatchObject({ type: 'run-finished', outcome: 'stopped', exitCode: 3 });
}

describe('closed ports: refused at once', () => {
  test('INC-004 at a closed Redis port', async () => {
    const r = await oncallRun(home.dir, ['INC-004', '--non-interactive', '--set', `redis_url=redis://127.0.0.1:${closedPort}`], {
      env: { ONCALL_STEP_TIMEOUT: '3s' },
    });
    expectCleanStop(r);
    const refused = new RegExp(`^unreachable: redis at redis://127\\.0\\.0\\.1:${closedPort} refused the connection \\(ECONNREFUSED\\)$`);
    for (const id of ['memory', 'bigkeys', 'prefixes']) expectUnreachable(r, id, refused, 3000);
  });

  test('INC-007 at closed Kafka brokers (and a closed API server)', async () => {
    const r = await oncallRun(home.dir, ['INC-007', '--non-interactive', '--set', `brokers=127.0.0.1:${closedPort}`], {
      env: { ONCALL_STEP_TIMEOUT: '3s', KUBECONFIG: closedKube },
    });
    expectCleanStop(r);
    const refused = new RegExp(`^unreachable: kafka brokers 127\\.0\\.0\\.1:${closedPort} refused the connection \\(ECONNREFUSED\\)$`);
    for (const id of ['lag', 'dlq']) expectUnreachable(r, id, refused, 3000);
    const k8s = new RegExp(`^unreachable: kubernetes API at ${kubeUrl.replace(/\./g, '\\.')} \\(context smp-asia\\) refused the connection$`);
    for (const id of ['consumers', 'errors']) expectUnreachable(r, id, k8s, 3000);
  });

  test('INC-007: the in-cluster fallback (kubectl exec) fails with kubectl\'s own sentence, not its klog lines', async () => {
    const r = await oncallRun(home.dir, ['INC-007', '--non-interactive', '--set', `brokers=127.0.0.1:${closedPort}`], {
      env: { ONCALL_STEP_TIMEOUT: '3s', KUBECONFIG: closedKube },
    });
    expectCleanStop(r);
    // lagtable runs because the brokers failed; kubectl prints klog lines (E1122 … memcache.go:265] "Unhandled Error" …)
    // and then the line an operator reads: "The connection to the server … was refused - did you specify the right host or port?"
    const f = expectUnreachable(r, 'lagtable', /^unreachable: kubectl exec kafka-0 -- kafka-consumer-groups\.sh failed \(exit 1\): /, 3000);
    expect(f.summary).toContain(`The connection to the server ${new URL(kubeUrl).host} was refused`);
    expect(f.summary).not.toMatch(/memcache\.go|^E\d{4} |\sE\d{4} \d\d:/);
  });

  test('INC-001 with a kubeconfig whose API server is closed', async () => {
    const r = await oncallRun(
      home.dir,
      ['INC-001', '--non-interactive', '--set', `redis_url=redis://127.0.0.1:${closedPort}`, '--set', `brokers=127.0.0.1:${closedPort}`],
      { env: { ONCALL_STEP_TIMEOUT: '3s', KUBECONFIG: closedKube } },
    );
    expectCleanStop(r);
    const k8s = new RegExp(`^unreachable: kubernetes API at ${kubeUrl.replace(/\./g, '\\.')} \\(context smp-asia\\) refused the connection$`);
    for (const id of ['pods', 'logs']) expectUnreachable(r, id, k8s, 3000);
    expectUnreachable(r, 'queue', new RegExp(`^unreachable: redis at redis://127\\.0\\.0\\.1:${closedPort} refused the connection \\(ECONNREFUSED\\)$`), 3000);
  });
});

describe('peers that accept and never answer: each check fails at its timeout', () => {
  test('INC-004 against a hung Redis', async () => {
    const hung = await stalledTcp();
    stalled.push({ url: `redis://127.0.0.1:${hung.port}`, close: hung.close });
    const r = await oncallRun(home.dir, ['INC-004', '--non-interactive', '--set', `redis_url=redis://127.0.0.1:${hung.port}`], {
      env: { ONCALL_STEP_TIMEOUT: '2s' },
    });
    expectCleanStop(r);
    for (const id of ['memory', 'bigkeys', 'prefixes']) {
      // The peer, not just the step: which Redis did not answer.
      const f = expectUnreachable(r, id, new RegExp(`^unreachable: redis at redis://127\\.0\\.0\\.1:${hung.port} did not answer within 2s$`), 2000);
      expect(f.durationMs).toBeGreaterThanOrEqual(1500);
    }
  });

  test('INC-001 against a hung Kubernetes API server', async () => {
    const hung = await startStalledServer();
    stalled.push(hung);
    const kubeconfig = writeKubeconfig(join(home.dir, 'hung-kubeconfig'), [{ name: 'smp-asia', server: hung.url, namespace: 'smp-prod' }]);
    const r = await oncallRun(
      home.dir,
      ['INC-001', '--non-interactive', '--set', `redis_url=redis://127.0.0.1:${closedPort}`, '--set', `brokers=127.0.0.1:${closedPort}`],
      { env: { ONCALL_STEP_TIMEOUT: '2s', KUBECONFIG: kubeconfig } },
    );
    expectCleanStop(r);
    // docs/checks/k8s.md: "kubernetes API at https://10.0.0.1:6443 (context smp-asia) did not answer within 5s" —
    // which server and context, not just which step.
    const hungMsg = new RegExp(`^unreachable: kubernetes API at ${hung.url.replace(/\./g, '\\.')} \\(context smp-asia\\) did not answer within 2s$`);
    for (const id of ['pods', 'logs']) {
      const f = expectUnreachable(r, id, hungMsg, 2000);
      expect(f.durationMs).toBeGreaterThanOrEqual(1500);
    }
  });

  test('INC-007 against hung Kafka brokers', async () => {
    const hung = await stalledTcp();
    stalled.push({ url: `127.0.0.1:${hung.port}`, close: hung.close });
    const r = await oncallRun(home.dir, ['INC-007', '--non-interactive', '--set', `brokers=127.0.0.1:${hung.port}`], {
      env: { ONCALL_STEP_TIMEOUT: '2s', KUBECONFIG: closedKube },
    });
    expectCleanStop(r);
    // docs/checks/kafka.md: "kafka brokers 10.0.0.5:9092 did not answer within 1.5s" — the brokers, not just the step;
    // a bootstrap broker has 1.5 s (brokerTimeout) to answer, within the 2 s step timeout.
    const hungMsg = new RegExp(`^unreachable: kafka brokers 127\\.0\\.0\\.1:${hung.port} did not answer within 1\\.5s$`);
    for (const id of ['lag', 'dlq']) {
      const f = expectUnreachable(r, id, hungMsg, 2000);
      expect(f.durationMs).toBeGreaterThanOrEqual(1400);
    }
  });
});
