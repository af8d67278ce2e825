// Peers for the "secrets leave the command line" tests: an HTTP server that
// records what arrived and holds each request until the test has looked at
// the running client (`ps` reads /proc/PID/cmdline, as any local user can);
// a MariaDB user with a password on the local server (root, empty password).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface Arrived {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface HoldingServer {
  url: string;
  port: number;
  arrived: Arrived[];
  close(): Promise<void>;
}

/** Answers 200 with the request's Authorization and Cookie headers, after `whileHeld` resolves. */
export async function startHoldingServer(whileHeld: (req: Arrived) => Promise<void> | void = () => {}): Promise<HoldingServer> {
  const arrived: Arrived[] = [];
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (body += d));
    req.on('end', () => {
      const a: Arrived = { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body };
      arrived.push(a);
      Promise.resolve(whileHeld(a)).then(
        () => res.end(JSON.stringify({ authorization: req.headers.authorization ?? null, cookie: req.headers.cookie ?? null })),
        (err: Error) => {
          res.writeHead(500);
          res.end(err.message);
        },
      );
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    arrived,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** What `ps` shows of a process: its argv, NUL-separated in /proc. */
export function commandLine(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, -1);
  } catch {
    return [];
  }
}

/** The command lines of every process in a process group (a script's bash and its children). */
export function groupCommandLines(pgid: number): string[][] {
  const out: string[][] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]) === pgid) out.push(commandLine(Number(entry)));
    } catch {
      /* gone */
    }
  }
  return out;
}

/** Polls until `pid` runs a program named `name` (a shim or a shell execs it a moment later). */
export async function waitForProgram(pgid: number, name: string, timeoutMs = 5000): Promise<string[][]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const lines = groupCommandLines(pgid);
    if (lines.some((l) => l[0] !== undefined && l[0].endsWith(name))) return lines;
    if (Date.now() > deadline) throw new Error(`no ${name} in process group ${pgid}: ${JSON.stringify(lines)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const MYSQL = ['-h', '127.0.0.1', '-P', '3306', '-uroot', '--batch', '--skip-column-names'];

export interface MariaUser {
  user: string;
  password: string;
  drop(): void;
}

/** A user identified by `password` on the local MariaDB, for one test file. */
export function createMariaUser(password: string): MariaUser {
  const user = `oncall_t_${randomBytes(4).toString('hex')}`;
  const quoted = `'${password.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  const sql = (s: string) => execFileSync('mysql', [...MYSQL, '-e', s], { encoding: 'utf8' });
  sql(`CREATE USER '${user}'@'%' IDENTIFIED BY ${quoted}; CREATE USER '${user}'@'localhost' IDENTIFIED BY ${quoted};`);
  return { user, password, drop: () => void sql(`DROP USER IF EXISTS '${user}'@'%', '${user}'@'localhost';`) };
}

/** The command lines of every process whose command line contains `text` (what `ps aux | grep text` shows). */
export function commandLinesContaining(text: string): string[][] {
  const out: string[][] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const argv = commandLine(Number(entry));
    if (argv.join(' ').includes(text)) out.push(argv);
  }
  return out;
}
