// A tiny HTTP peer for end-to-end runs: a service's /health and /admin/stats,
// a MirrorMaker /metrics page, a Prometheus query API. Every request is
// recorded (method and path), so tests can tell what a run asked.
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface StubResponse {
  status?: number;
  body?: unknown;
  type?: string;
}

export interface HttpStub {
  url: string;
  requests: Array<{ method: string; path: string }>;
  close(): Promise<void>;
}

export async function startHttpStub(
  handler: (method: string, path: string) => StubResponse | Promise<StubResponse>,
): Promise<HttpStub> {
  const requests: HttpStub['requests'] = [];
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    requests.push({ method, path });
    req.resume();
    req.on('end', () => {
      Promise.resolve(handler(method, path)).then(
        ({ status = 200, body = '', type }) => {
          const text = typeof body === 'string' ? body : JSON.stringify(body);
          res.writeHead(status, { 'Content-Type': type ?? (typeof body === 'string' ? 'text/plain' : 'application/json'), 'Content-Length': Buffer.byteLength(text) });
          res.end(text);
        },
        (err: Error) => {
          res.writeHead(500, { 'Content-Type': 'text/plain' });
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
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
