// `oncall serve` under an alert storm: the built CLI as a child process on a
// loopback port, with the deployment's settings (--concurrency 2, --queue-size
// 100, claims in memory), against the real peers of the test suite (the
// Kubernetes API stand-in, librdkafka's mock cluster, a private redis-server)
// and a local sink for the chat posts (bench/lib/serve-peers.mjs, on a worker).
//
// The load is what Alertmanager sends during an incident, compressed 100×:
// the bundled runbooks' alerts (plus alerts no runbook matches, such as
// Watchdog) with realistic label sets and Alertmanager's own fingerprints,
// grouped by [alertname, namespace]; each group notifies group_wait after its
// first alert and then every group_interval when its firing set changed or
// repeat_interval passed, always with all its firing alerts (so fingerprints
// repeat); some notifications are sent twice, as two Alertmanager replicas
// that had not gossiped yet do. 1,000 alerts go out within 10 s. A 503 is
// retried as Alertmanager's notifier does (exponential back-off from 500 ms,
// ×1.5, ±50 %, until the next flush of the group); a group holding alerts no
// notification got through keeps flushing on its own timer until one does.
//
// Measured: request latency p50/p99 seen by the sender (target p99 < 50 ms)
// and as the server logs it; that every fingerprint accepted was triaged
// exactly once (journals, chat posts and /metrics agree); that none was lost;
// triage throughput; peak RSS (VmHWM) of the receiver and of its triage
// processes. Pass/fail per target is in the JSON. Prints one JSON object.
// Usage: npm run build && node bench/serve.mjs
//   BENCH_SERVE_ALERTS=1000 BENCH_SERVE_SEED=7 BENCH_SERVE_CLAIMS=memory|redis
//   BENCH_SERVE_NODE_ARGS="--cpu-prof --cpu-prof-dir=DIR" (flags for the receiver's node)
//   BENCH_SERVE_BIN=OTHER/bin/oncall.js (another build, side by side)  BENCH_SERVE_DEBUG=1 (each request on stderr)
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { parse } from 'yaml';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ALERTS = Number(process.env.BENCH_SERVE_ALERTS ?? 1000);
const WINDOW_MS = 10_000;
const SEED = Number(process.env.BENCH_SERVE_SEED ?? 7);
const CONCURRENCY = 2;
const QUEUE_SIZE = 100;
// memory (one replica, the default) or redis (SET NX PX on the peers' redis-server, as the manifest's replicas share it).
const CLAIMS = process.env.BENCH_SERVE_CLAIMS === 'redis' ? 'redis' : 'memory';
const DRAIN_TIMEOUT_MS = 300_000;
const TARGET_P99_MS = 50;
// Alertmanager's timings (group_wait 30s, group_interval 5m → here 1 s, repeat_interval → 3 s), 100× faster.
const GROUP_WAIT_MS = 300;
const GROUP_INTERVAL_MS = 1_000;
const REPEAT_INTERVAL_MS = 3_000;
const HA_DUPLICATE_SHARE = 0.1;

// --- the alerts ------------------------------------------------------------

/** mulberry32: the same storm on every run. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = prng(SEED);
const pick = (xs) => xs[Math.floor(rand() * xs.length)];

/** Prometheus' LabelSet.Fingerprint, which Alertmanager sends: FNV-1a 64 over sorted name, 0xff, value, 0xff. */
function fingerprint(labels) {
  let h = 0xcbf29ce484222325n;
  const eat = (s) => {
    for (const b of Buffer.from(s, 'utf8')) h = BigInt.asUintN(64, (h ^ BigInt(b)) * 0x100000001b3n);
    h = BigInt.asUintN(64, (h ^ 0xffn) * 0x100000001b3n);
  };
  for (const name of Object.keys(labels).sort()) {
    eat(name);
    eat(labels[name]);
  }
  return h.toString(16).padStart(16, '0');
}

/** The bundled runbooks' alerts[] entries, with the labels they require. */
function runbookAlerts() {
  const dir = join(ROOT, 'runbooks');
  return readdirSync(dir)
    .filter((f) => /^INC-.*\.ya?ml$/.test(f))
    .sort()
    .flatMap((f) => {
      const rb = parse(readFileSync(join(dir, f), 'utf8'));
      return rb.alerts.map((a) => ({ runbook: rb.id, alertname: a.alertname, labels: a.labels ?? {} }));
    });
}

// Labels a real alert of that name carries beyond what the runbook requires.
const EXTRA = {
  KafkaConsumerGroupLagHigh: () => ({ group: pick(['dispatch-engine', 'order-projector', 'wallet-ledger', 'notification-fanout']) }),
  FraudDetectionHighSeverity: () => ({ partner_id: `P${Math.floor(rand() * 900 + 100)}` }),
  IntegrationCircuitBreakerOpen: () => ({ pod: `integration-svc-6b7c8d9f0-${Math.floor(rand() * 4)}` }),
};
const UNMATCHED = ['Watchdog', 'KubePodCrashLooping', 'NodeFilesystemSpaceFillingUp', 'CPUThrottlingHigh'];

function distinctAlerts(n) {
  const entries = runbookAlerts();
  const out = new Map();
  while (out.size < n) {
    const unmatched = rand() < 0.06;
    const entry = unmatched ? { runbook: undefined, alertname: pick(UNMATCHED), labels: {} } : pick(entries);
    const labels = {
      alertname: entry.alertname,
      namespace: rand() < 0.85 ? 'smp-prod' : 'smp-staging',
      prometheus: 'monitoring/k8s',
      ...(entry.labels.severity ? {} : { severity: rand() < 0.6 ? 'critical' : 'warning' }),
      instance: `10.42.${Math.floor(rand() * 4)}.${Math.floor(rand() * 250) + 2}:9100`,
      job: entry.alertname.startsWith('Kafka') ? 'kafka' : 'kubernetes-pods',
      ...(EXTRA[entry.alertname]?.() ?? {}),
      ...entry.labels,
    };
    const fp = fingerprint(labels);
    if (!out.has(fp)) out.set(fp, { fingerprint: fp, labels, runbook: entry.runbook, arrivesMs: Math.floor(rand() * WINDOW_MS * 0.5) });
  }
  return [...out.values()];
}

/** Every notification Alertmanager would send in the window, by time: [{atMs, group, alerts, haDuplicate}]. */
function notificationsFor(alerts) {
  const groups = new Map();
  for (const a of alerts) {
    const key = `{}:{alertname="${a.labels.alertname}", namespace="${a.labels.namespace}"}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(a);
  }
  const out = [];
  for (const [key, members] of groups) {
    const first = Math.min(...members.map((a) => a.arrivesMs));
    let lastSet = '';
    let lastSent = -Infinity;
    for (let t = first + GROUP_WAIT_MS; t < WINDOW_MS; t += GROUP_INTERVAL_MS) {
      const firing = members.filter((a) => a.arrivesMs <= t);
      const set = firing.map((a) => a.fingerprint).sort().join();
      if (set === lastSet && t - lastSent < REPEAT_INTERVAL_MS) continue;
      lastSet = set;
      lastSent = t;
      const atMs = Math.floor(t + rand() * 50);
      out.push({ atMs, group: key, alerts: firing });
      if (rand() < HA_DUPLICATE_SHARE) out.push({ atMs: atMs + 20 + Math.floor(rand() * 130), group: key, alerts: firing, haDuplicate: true });
    }
  }
  return out.sort((a, b) => a.atMs - b.atMs);
}

/** As many distinct alerts as make ALERTS alert deliveries in the window; the last notification is cut to fit. */
function storm() {
  for (let n = 40; ; n += 5) {
    const alerts = distinctAlerts(n);
    const notes = notificationsFor(alerts);
    if (notes.reduce((s, x) => s + x.alerts.length, 0) < ALERTS) continue;
    let sent = 0;
    const kept = [];
    for (const x of notes) {
      if (sent >= ALERTS) break;
      const cut = x.alerts.slice(0, ALERTS - sent);
      kept.push({ ...x, alerts: cut, full: x.alerts });
      sent += cut.length;
    }
    return kept;
  }
}

function body(note, startsAt = new Date(Date.now() - 120_000).toISOString()) {
  const groupLabels = { alertname: note.alerts[0].labels.alertname, namespace: note.alerts[0].labels.namespace };
  return JSON.stringify({
    version: '4',
    groupKey: note.group,
    truncatedAlerts: 0,
    status: 'firing',
    receiver: 'oncall-triage',
    groupLabels,
    commonLabels: groupLabels,
    commonAnnotations: {},
    externalURL: 'http://alertmanager.monitoring:9093',
    alerts: note.alerts.map((a) => ({
      status: 'firing',
      labels: a.labels,
      annotations: { summary: `${a.labels.alertname} on ${a.labels.instance}` },
      startsAt,
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: `http://prometheus.monitoring:9090/graph?g0.expr=${encodeURIComponent(a.labels.alertname)}`,
      fingerprint: a.fingerprint,
    })),
  });
}

// --- the server ------------------------------------------------------------

async function freePort() {
  const s = net.createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

function startPeers() {
  const worker = new Worker(new URL('./lib/serve-peers.mjs', import.meta.url));
  const next = (type) =>
    new Promise((resolve, reject) => {
      const onMessage = (m) => m.type === type && (worker.off('message', onMessage), worker.off('error', reject), resolve(m));
      worker.on('message', onMessage);
      worker.once('error', reject);
    });
  return next('ready').then((ready) => ({
    ...ready,
    stats: () => (worker.postMessage({ type: 'stats' }), next('stats')),
    stop: () => (worker.postMessage({ type: 'stop' }), next('stopped')),
  }));
}

async function startServer(peers, dir) {
  const port = await freePort();
  const hook = join(dir, 'chat-url');
  writeFileSync(hook, peers.sinkUrl, { mode: 0o600 });
  // BENCH_SERVE_BIN: another build's bin/oncall.js, to measure it side by side with this one.
  const args = [process.env.BENCH_SERVE_BIN ?? join(ROOT, 'bin', 'oncall.js'), 'serve', '--listen', `127.0.0.1:${port}`, '--journal-dir', join(dir, 'journal'), '--webhook-url-file', hook, '--chat-type', 'webhook', '--concurrency', String(CONCURRENCY), '--queue-size', String(QUEUE_SIZE)];
  if (CLAIMS === 'redis') args.push('--redis', peers.env.REDIS_URL, '--redis-prefix', 'oncall:bench:claim:');
  const env = { PATH: process.env.PATH, HOME: dir, NO_COLOR: '1', ...peers.env };
  // e.g. BENCH_SERVE_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/serve-prof" to see where the server spends its time.
  const nodeArgs = (process.env.BENCH_SERVE_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, ...args], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = { requests: [], triages: [] };
  let partial = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (d) => {
    const lines = (partial + d).split('\n');
    partial = lines.pop();
    for (const l of lines) {
      // Node's own diagnostics (e.g. --trace-gc from BENCH_SERVE_NODE_ARGS) share stdout with the log.
      if (!l.startsWith('{')) {
        if (process.env.BENCH_SERVE_DEBUG) process.stderr.write(`server: ${l}\n`);
        continue;
      }
      const e = JSON.parse(l);
      if (e.event === 'triage') log.triages.push({ ...e, seenAt: performance.now() });
      else if (e.path === '/alerts') log.requests.push(e);
    }
  });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
  // Whatever ends this process, the receiver (and with it its triage processes) does not outlive it.
  process.once('exit', () => child.exitCode === null && child.kill('SIGKILL'));
  const deadline = Date.now() + 30_000;
  while (!stderr.includes('listening on')) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`oncall serve did not start: ${stderr.trim()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  return { url: `http://127.0.0.1:${port}`, pid: child.pid, child, log, exited, stderr: () => stderr };
}

// --- the sender ------------------------------------------------------------

const agent = new http.Agent({ keepAlive: true });

/** One POST as Alertmanager's webhook notifier makes it (10 s timeout). */
function postOnce(url, text) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const req = http.request(`${url}/alerts`, { method: 'POST', agent, timeout: 10_000, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'user-agent': 'Alertmanager/0.27.0' } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, retryAfter: res.headers['retry-after'], ms: performance.now() - t0 }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve({ status: 0, error: e.message, ms: performance.now() - t0 }));
    req.end(text);
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function sendStorm(url, notes) {
  const latencies = [];
  const stats = { posts: 0, firstAttempts: 0, alertsSent: 0, retries: 0, status: {}, missingRetryAfter: 0, finalFlushes: 0 };
  const accepted = new Set();
  const offered = new Map(); // fingerprint → alert, every alert any request carried
  const firingByGroup = new Map(); // what each group holds after its latest notification
  const lastFlushAt = new Map(); // when each group flushed last, by the schedule
  const record = (r) => {
    if (process.env.BENCH_SERVE_DEBUG) process.stderr.write(`req ${Math.round(performance.now() - t0)} ${r.status} ${r.ms.toFixed(1)}\n`);
    stats.posts++;
    latencies.push(r.ms);
    stats.status[r.status] = (stats.status[r.status] ?? 0) + 1;
    if (r.status === 503 && !r.retryAfter) stats.missingRetryAfter++;
  };
  /** Alertmanager's notify retry: back-off until taken or the next flush of the group is due. */
  const deliver = async (note, text, until = performance.now() + GROUP_INTERVAL_MS) => {
    let wait = 500;
    for (const a of note.alerts) offered.set(a.fingerprint, a);
    for (;;) {
      const r = await postOnce(url, text);
      record(r);
      if (r.status >= 200 && r.status < 300) {
        for (const a of note.alerts) accepted.add(a.fingerprint);
        return;
      }
      const delay = wait * (0.5 + rand());
      if (performance.now() + delay > until) return;
      wait *= 1.5;
      stats.retries++;
      await sleep(delay);
    }
  };
  // Bodies are made before the clock starts: the sender's own work is not the server's latency.
  const bodies = new Map(notes.map((n) => [n, body(n)]));
  const t0 = performance.now();
  const inflight = [];
  for (const note of notes) {
    const due = t0 + note.atMs - performance.now();
    if (due > 0) await sleep(due);
    stats.firstAttempts++;
    stats.alertsSent += note.alerts.length;
    firingByGroup.set(note.group, note.full);
    if (!note.haDuplicate) lastFlushAt.set(note.group, t0 + note.atMs);
    inflight.push(deliver(note, bodies.get(note)));
  }
  const sentInMs = performance.now() - t0;
  await Promise.all(inflight);
  // A group holding an alert no notification got through flushes again on its own next tick
  // (every group keeps its own timer, as in Alertmanager), until one gets through.
  await Promise.all(
    [...firingByGroup].map(async ([group, alerts]) => {
      const note = { group, alerts };
      const text = body(note);
      for (let tick = lastFlushAt.get(group) + GROUP_INTERVAL_MS; alerts.some((a) => !accepted.has(a.fingerprint)); tick += GROUP_INTERVAL_MS) {
        await sleep(tick - performance.now());
        stats.finalFlushes++;
        await deliver(note, text);
      }
    }),
  );
  return { latencies, stats, accepted, offered, sentInMs, doneMs: performance.now() - t0, startedAt: t0 };
}

// --- measuring -------------------------------------------------------------

function percentile(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? +s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)].toFixed(2) : null;
}

async function metrics(url) {
  const text = await (await fetch(`${url}/metrics`)).text();
  const value = (name) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
  return {
    received: value('oncall_serve_alerts_received_total'),
    triaged: value('oncall_serve_alerts_triaged_total'),
    failed: value('oncall_serve_alerts_failed_total'),
    deduplicated: value('oncall_serve_alerts_deduplicated_total'),
    unmatched: value('oncall_serve_alerts_unmatched_total'),
    rejected: value('oncall_serve_requests_rejected_total'),
    queueDepth: value('oncall_serve_queue_depth'),
    running: value('oncall_serve_triages_running'),
  };
}

/** Linux PSI: microseconds some runnable task waited for a CPU, since boot (undefined without PSI). */
function cpuStallUs() {
  try {
    return Number(/^some .*total=(\d+)$/m.exec(readFileSync('/proc/pressure/cpu', 'utf8'))?.[1]);
  } catch {
    return undefined;
  }
}

function peakRssMiB(pid) {
  const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? +(Number(m[1]) / 1024).toFixed(1) : null;
}

/** The receiver's triage processes (node children running triage-process.js). */
function triageProcesses(pid) {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid && readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('triage-process');
      } catch {
        return false; // gone meanwhile
      }
    })
    .map(Number);
}

/** fingerprint → number of journals whose run-started carries it. */
function journalFingerprints(dir) {
  const counts = new Map();
  let files = [];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.jsonl'));
  } catch {
    /* no journal at all */
  }
  for (const f of files) {
    const first = readFileSync(join(dir, f), 'utf8').split('\n', 1)[0];
    const fp = JSON.parse(first).alert?.fingerprint;
    counts.set(fp, (counts.get(fp) ?? 0) + 1);
  }
  return counts;
}

const countBy = (xs) => xs.reduce((m, x) => m.set(x, (m.get(x) ?? 0) + 1), new Map());
const notOnce = (counts, wanted) => [...wanted].filter((fp) => counts.get(fp) !== 1).length + [...counts.keys()].filter((fp) => !wanted.has(fp)).length;

// --- the run ---------------------------------------------------------------

const dir = mkdtempSync(join(tmpdir(), 'oncall-bench-serve-'));
const peers = await startPeers();
let server;
try {
  server = await startServer(peers, dir);
  await metrics(server.url); // one request before the clock starts, as a scraper would have made
  const notes = storm();
  const loadAtStart = loadavg()[0];
  // The sender's own event-loop delay: what of the client's latency is the sender's, not the server's.
  const senderDelay = monitorEventLoopDelay({ resolution: 1 });
  senderDelay.enable();
  const stall0 = cpuStallUs();
  const run = await sendStorm(server.url, notes);
  const cpuWaitShare = stall0 === undefined ? undefined : (cpuStallUs() - stall0) / 1000 / run.doneMs;
  senderDelay.disable();

  const matched = new Set([...run.offered.values()].filter((a) => a.runbook).map((a) => a.fingerprint));
  const acceptedMatched = new Set([...run.accepted].filter((fp) => matched.has(fp)));
  const drainDeadline = performance.now() + DRAIN_TIMEOUT_MS;
  let m = await metrics(server.url);
  while (m.triaged + m.failed < acceptedMatched.size || m.queueDepth || m.running) {
    if (performance.now() > drainDeadline) break;
    await sleep(250);
    m = await metrics(server.url);
  }
  await sleep(500); // the last verdict's post reaches the sink
  const rss = { receiver: peakRssMiB(server.pid), triageProcesses: triageProcesses(server.pid).map(peakRssMiB) };
  const seen = await peers.stats();
  server.child.kill('SIGTERM');
  const exit = await server.exited;
  if (process.env.BENCH_SERVE_DEBUG) process.stderr.write(server.stderr());
  if (process.env.BENCH_SERVE_DEBUG) for (const r of server.log.requests.filter((x) => x.ms > 30)) process.stderr.write(`slow ${JSON.stringify(r)}\n`);

  const journals = journalFingerprints(join(dir, 'journal'));
  const posts = countBy(seen.posts.map((p) => p.fingerprint));
  const serverMs = server.log.requests.map((r) => r.ms);
  // The claims' round trip inside each request (the shared Redis with --redis).
  const claimMs = server.log.requests.filter((r) => typeof r.claimMs === 'number').map((r) => r.claimMs);
  const triageTimes = server.log.triages.map((t) => t.seenAt);
  const firstAccept = run.startedAt;
  const lastTriage = Math.max(...triageTimes);
  const distinctSent = new Set(run.offered.keys());
  // Lost: sent, matched, and never taken or never triaged (twice is the other check's business).
  const lost = [...matched].filter((fp) => !run.accepted.has(fp) || !journals.has(fp)).length;
  const p99 = percentile(run.latencies, 99);
  const checks = {
    p99Under50ms: p99 < TARGET_P99_MS,
    // Journals, chat posts and /metrics agree: one each per fingerprint, and every alert taken was queued once, deduplicated or unmatched.
    eachFingerprintTriagedOnce:
      notOnce(journals, acceptedMatched) === 0 &&
      notOnce(posts, acceptedMatched) === 0 &&
      m.triaged + m.failed === acceptedMatched.size &&
      m.received === m.triaged + m.failed + m.deduplicated + m.unmatched,
    noneLost: lost === 0 && run.stats.missingRetryAfter === 0 && acceptedMatched.size === matched.size,
    noWriteReachedKubernetes: seen.k8sNonGet.length === 0,
    cleanExit: exit.code === 0,
  };
  const result = {
    serve: {
      settings: { concurrency: CONCURRENCY, queueSize: QUEUE_SIZE, claims: CLAIMS, seed: SEED },
      // Other work on the machine competes for its cores: the 1-minute load average when the storm
      // began, and the share of the storm's time some task waited for a CPU (Linux PSI cpu "some").
      machine: { cores: availableParallelism(), loadAverage1m: +loadAtStart.toFixed(2), ...(cpuWaitShare === undefined ? {} : { cpuPressure: +cpuWaitShare.toFixed(2) }) },
      load: {
        alertsSent: run.stats.alertsSent,
        notifications: run.stats.firstAttempts,
        haDuplicates: notes.filter((n) => n.haDuplicate).length,
        sentWithinMs: Math.round(run.sentInMs),
        distinctFingerprints: distinctSent.size,
        repeatedAlerts: run.stats.alertsSent - new Set(notes.flatMap((n) => n.alerts.map((a) => a.fingerprint))).size,
        matchedFingerprints: matched.size,
        unmatchedFingerprints: distinctSent.size - matched.size,
        groups: new Set(notes.map((n) => n.group)).size,
        requests: run.stats.posts,
        retriesAfter503: run.stats.retries,
        reflushes: run.stats.finalFlushes,
        statuses: run.stats.status,
      },
      latencyMs: {
        client: { p50: percentile(run.latencies, 50), p99, max: percentile(run.latencies, 100) },
        serverLogged: { p50: percentile(serverMs, 50), p99: percentile(serverMs, 99), max: percentile(serverMs, 100) },
        claims: { p50: percentile(claimMs, 50), p99: percentile(claimMs, 99), max: percentile(claimMs, 100) },
        senderEventLoopDelay: { p99: +(senderDelay.percentile(99) / 1e6).toFixed(1), max: +(senderDelay.max / 1e6).toFixed(1) },
        target: `p99 < ${TARGET_P99_MS}`,
      },
      triage: {
        journals: [...journals.values()].reduce((a, b) => a + b, 0),
        chatPosts: seen.posts.length,
        metrics: m,
        lost,
        triagesPerS: +((server.log.triages.length / (lastTriage - firstAccept)) * 1000).toFixed(2),
        drainedAfterMs: Math.round(lastTriage - firstAccept),
        triageMs: { p50: percentile(server.log.triages.map((t) => t.ms), 50), p99: percentile(server.log.triages.map((t) => t.ms), 99) },
      },
      peers: { kubernetesRequests: seen.k8sRequests, kubernetesExec: seen.k8sExec, kubernetesOtherNonGet: seen.k8sNonGet.length },
      peakRssMiB: { ...rss, total: +(rss.receiver + rss.triageProcesses.reduce((a, b) => a + b, 0)).toFixed(1) },
      pass: checks,
    },
  };
  if (process.env.BENCH_SERVE_DEBUG) process.stderr.write(`nonGet ${JSON.stringify(countBy(seen.k8sNonGet.map((x) => x.replace(/\/[^/]*-\d+\//, '/…/'))))}\n${JSON.stringify([...countBy(seen.k8sNonGet)])}\n`);
  console.log(JSON.stringify(result, null, 2));
} finally {
  if (server && server.child.exitCode === null) server.child.kill('SIGKILL');
  agent.destroy();
  await peers.stop();
  rmSync(dir, { recursive: true, force: true });
}
