// A private redis-server for tests that need server-wide settings (maxmemory,
// eviction policy) or a whole keyspace to themselves: the shared server on
// 127.0.0.1:6379 is used by other tests and must never be reconfigured.
// No persistence, bound to 127.0.0.1 on a free port, killed on stop().
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PrivateRedisOptions {
  /** e.g. "8mb"; default: no limit. */
  maxmemory?: string;
  /** e.g. "noeviction" (Redis' default). */
  maxmemoryPolicy?: string;
  /** requirepass: the URL then carries it (redis://:PASSWORD@127.0.0.1:PORT). */
  password?: string;
  startTimeoutMs?: number;
}

export interface PrivateRedis {
  port: number;
  /** redis://127.0.0.1:PORT, with the password when there is one. */
  url: string;
  stop(): Promise<void>;
}

/** A port nothing listens on right now (listen on 0, close). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** One PING over a raw socket; true on +PONG. */
export function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let data = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.on('error', () => done(false));
    // Unauthenticated PING answers -NOAUTH on a password-protected server: it is up all the same.
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (d) => {
      data += d;
      if (data.includes('\r\n')) done(data.startsWith('+PONG') || data.startsWith('-NOAUTH'));
    });
  });
}

export async function startRedisServer(options: PrivateRedisOptions = {}): Promise<PrivateRedis> {
  const startTimeoutMs = options.startTimeoutMs ?? 10_000;
  // A port taken between freePort() and the bind fails the start; try again.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(await freePort(), options, startTimeoutMs);
    } catch (err) {
      if (attempt >= 3) throw err;
    }
  }
}

async function startOnce(port: number, options: PrivateRedisOptions, startTimeoutMs: number): Promise<PrivateRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'oncall-redis-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--loglevel', 'warning'];
  if (options.maxmemory) args.push('--maxmemory', options.maxmemory);
  if (options.maxmemoryPolicy) args.push('--maxmemory-policy', options.maxmemoryPolicy);
  if (options.password) args.push('--requirepass', options.password);
  const child = spawn('redis-server', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (d: string) => (stderr += d));
  let exited = false;
  child.on('exit', () => (exited = true));
  child.on('error', (err) => {
    exited = true;
    stderr += err.message;
  });
  const deadline = Date.now() + startTimeoutMs;
  while (!(await ping(port))) {
    if (exited || Date.now() > deadline) {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`redis-server on port ${port} did not answer PING${exited ? ' (it exited)' : ` within ${startTimeoutMs} ms`}: ${stderr.trim()}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    port,
    url: options.password ? `redis://:${encodeURIComponent(options.password)}@127.0.0.1:${port}` : `redis://127.0.0.1:${port}`,
    async stop() {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = new Promise<boolean>((r) => setTimeout(() => r(false), 2000).unref());
  if (await Promise.race([exited.then(() => true), timer])) return;
  child.kill('SIGKILL');
  await exited;
}
