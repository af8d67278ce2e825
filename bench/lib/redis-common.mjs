// Shared by bench/redis-*.mjs (a helper, not a benchmark: run alone it does
// nothing): a dedicated database, fast seeding, the concurrent pinger, and the
// shell baseline runner.
import { spawn, spawnSync } from 'node:child_process';
import os from 'node:os';
import net from 'node:net';
import { Worker } from 'node:worker_threads';

export const DB = Number(process.env.BENCH_DB ?? 9);
export const SCALE = Number(process.env.BENCH_SCALE ?? 1);
export const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 1));
export const DB_URL = `redis://127.0.0.1:6379/${DB}`;

/** A bare RESP connection on DB: seeding a million keys through ioredis is slower than the thing measured. */
export async function raw() {
  const sock = net.connect({ host: '127.0.0.1', port: 6379 });
  sock.setNoDelay(true);
  await new Promise((resolve, reject) => sock.once('connect', resolve).once('error', reject));
  let buf = '';
  const waiters = [];
  sock.on('data', (d) => {
    buf += d.toString('latin1');
    let i;
    while (waiters.length && (i = buf.indexOf('\r\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 2);
      waiters.shift()(line);
    }
  });
  const cmd = (...args) =>
    new Promise((resolve) => {
      waiters.push(resolve);
      sock.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(String(a))}\r\n${a}\r\n`).join('')}`);
    });
  await cmd('SELECT', DB);
  return { cmd, close: () => sock.destroy() };
}

/** Replies are single lines here: +OK, :n. */
export async function seed(groups) {
  const r = await raw();
  const t0 = performance.now();
  const inflight = [];
  for (const { prefix, n } of groups) {
    for (let i = 0; i < n; i += 1000) {
      const args = ['MSET'];
      for (let j = i; j < Math.min(n, i + 1000); j++) args.push(`${prefix}${j}`, 'v');
      inflight.push(r.cmd(...args));
      if (inflight.length >= 64) await Promise.all(inflight.splice(0));
    }
  }
  await Promise.all(inflight);
  const size = Number((await r.cmd('DBSIZE')).slice(1));
  r.close();
  return { size, ms: Math.round(performance.now() - t0) };
}

export async function flush() {
  const r = await raw();
  await r.cmd('FLUSHDB');
  r.close();
}

export async function dbsize() {
  const r = await raw();
  const n = Number((await r.cmd('DBSIZE')).slice(1));
  r.close();
  return n;
}

// The concurrent client: PING every ~5 ms on its own connection, in its own
// thread (so the measured step's event loop cannot delay its timings),
// recording each round trip.
const PINGER = `
const net = require('node:net');
const { parentPort } = require('node:worker_threads');
const sock = net.connect({ host: '127.0.0.1', port: 6379 });
sock.setNoDelay(true);
const lat = [];
let pending = null;
let buffered = '';
let stopped = false;
sock.on('data', (d) => {
  buffered += d.toString('latin1');
  while (pending && buffered.includes('\\r\\n')) {
    buffered = buffered.slice(buffered.indexOf('\\r\\n') + 2);
    lat.push(Number(process.hrtime.bigint() - pending) / 1e6);
    pending = null;
  }
});
function tick() {
  if (stopped) return;
  if (!pending) {
    pending = process.hrtime.bigint();
    sock.write('PING\\r\\n');
  }
  setTimeout(tick, 5);
}
parentPort.on('message', () => {
  stopped = true;
  const s = [...lat].sort((a, b) => a - b);
  const q = (p) => (s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))] : null);
  parentPort.postMessage({ n: s.length, p50: q(0.5), p99: q(0.99), max: s.at(-1) ?? null });
  sock.destroy();
  parentPort.close();
});
sock.once('connect', () => {
  parentPort.postMessage('ready');
  tick();
});
`;

export async function startPinger() {
  const worker = new Worker(PINGER, { eval: true });
  await new Promise((resolve, reject) => worker.once('message', resolve).once('error', reject));
  return {
    stop: () =>
      new Promise((resolve) => {
        worker.once('message', resolve);
        worker.postMessage('stop');
      }),
  };
}

/** CPU seconds the Redis server has used so far: what a run cost the server, whatever else the machine is doing. */
export function redisCpuMs() {
  const out = spawnSync('redis-cli', ['INFO', 'cpu'], { encoding: 'utf8' }).stdout;
  const get = (k) => Number(new RegExp(`${k}:([\\d.]+)`).exec(out)?.[1] ?? NaN);
  return (get('used_cpu_sys') + get('used_cpu_user')) * 1000;
}

/** Runs `fn` with the pinger alongside; returns { ms, ping, value, redisCpuMs, load }. */
export async function measured(fn) {
  const pinger = await startPinger();
  await new Promise((r) => setTimeout(r, 100));
  const cpu0 = redisCpuMs();
  const t0 = performance.now();
  const value = await fn();
  const ms = performance.now() - t0;
  const cpu = redisCpuMs() - cpu0;
  const ping = await pinger.stop();
  return { ms, ping, value, redisCpuMs: cpu, load: os.loadavg()[0] };
}

/** The pinger alone: the noise floor of this machine right now. */
export async function idlePing(ms = 1500) {
  const pinger = await startPinger();
  await new Promise((r) => setTimeout(r, ms));
  return pinger.stop();
}

export function shell(script) {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-o', 'pipefail', '-c', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`baseline exited ${code}: ${err.slice(0, 500)}`))));
  });
}

export const ctx = { signal: new AbortController().signal, timeoutMs: 600_000, env: {}, progress: () => {} };

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
export const r1 = (x) => (x == null ? null : Math.round(x * 100) / 100);

/** The side-by-side figures both Redis benchmarks report: time, speedup, the
 *  concurrent client's latency, and server CPU (steadier than wall time on a busy machine). */
export function comparison(base, native, idle) {
  const baselineMs = median(base.map((b) => b.ms));
  const nativeMs = median(native.map((n) => n.ms));
  return {
    runs: RUNS,
    baselineMs: Math.round(baselineMs),
    nativeMs: Math.round(nativeMs),
    speedup: r1(baselineMs / nativeMs),
    baselineP99Ms: r1(median(base.map((b) => b.ping.p99))),
    nativeP99Ms: r1(median(native.map((n) => n.ping.p99))),
    baselineP50Ms: r1(median(base.map((b) => b.ping.p50))),
    nativeP50Ms: r1(median(native.map((n) => n.ping.p50))),
    idleP99Ms: r1(idle.p99),
    baselineRedisCpuMs: Math.round(median(base.map((b) => b.redisCpuMs))),
    nativeRedisCpuMs: Math.round(median(native.map((n) => n.redisCpuMs))),
    loadAvg: r1(os.loadavg()[0]),
  };
}
