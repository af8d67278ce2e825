// Shared pieces of the `oncall serve` tests: fixture runbooks in a temp dir,
// an in-process receiver on an ephemeral port, Alertmanager-shaped payloads,
// and a local HTTP sink standing in for Slack.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadAll } from '../../src/cli/catalog-loader.js';
import { MemoryClaims, type Claims } from '../../src/serve/dedupe.js';
import { ServeServer, type ServeConfig } from '../../src/serve/server.js';

export const ROOT = resolve(new URL('../..', import.meta.url).pathname);

/** SRV-001: a detect read that sleeps `delay` seconds (from the alert's label),
 *  a triage read, a triage write that would create `$SERVE_WRITE_FILE`, and two
 *  options of which the evidence recommends one. */
export function fixtureRunbooks(dir: string): void {
  writeFileSync(
    join(dir, 'SRV-001-slow.yaml'),
    `id: SRV-001
title: Slow service
severity: SEV-3
alerts:
  - alertname: ServeSlow
params:
  delay: { default: "0", pattern: "^[0-9.]{1,4}$", fromLabel: delay }
  target: { default: "/nonexistent", pattern: "^[A-Za-z0-9/._-]{1,200}$", env: SERVE_WRITE_FILE }
stages:
  detect:
    steps:
      - id: wait
        effect: read
        run: ["sleep", "\${{ params.delay }}"]
  triage:
    steps:
      - id: look
        effect: read
        run: ["echo", "errors=42"]
      - id: touch-it
        effect: write
        run: ["touch", "\${{ params.target }}"]
  mitigate:
    options:
      - id: restart
        title: Restart the pods
        recommend: steps.look.status == 'ok'
        evidence: "the look step said \${{ steps.look.result.stdout }}"
        steps:
          - id: do-restart
            effect: write
            run: ["touch", "\${{ params.target }}"]
      - id: wait-it-out
        title: Wait it out
        steps: []
  resolve:
    steps: []
`,
  );
}

export interface Fixture {
  dir: string;
  runbooks: string;
  state: string;
  cleanup(): void;
}

export function fixture(prefix = 'oncall-serve-'): Fixture {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const runbooks = join(dir, 'runbooks');
  const state = join(dir, 'state');
  mkdirSync(runbooks, { recursive: true });
  fixtureRunbooks(runbooks);
  return { dir, runbooks, state, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function startServer(f: Fixture, extra: Partial<ServeConfig> = {}, claims?: Claims): Promise<{ server: ServeServer; url: string; logs: string[] }> {
  const logs: string[] = [];
  const server = new ServeServer({
    host: '127.0.0.1',
    port: 0,
    concurrency: 2,
    queueSize: 10,
    claims: claims ?? new MemoryClaims({ runningMs: 60_000, windowMs: 60_000 }),
    catalog: loadAll(f.runbooks).runbooks,
    commandOptions: { runbooks: f.runbooks },
    runbooksDir: f.runbooks,
    stateDir: f.state,
    log: (l) => logs.push(l),
    ...extra,
  });
  await server.warm();
  const a = await server.listen();
  return { server, url: `http://127.0.0.1:${a.port}`, logs };
}

export function payload(alerts: Array<{ fingerprint: string; delay?: string; status?: 'firing' | 'resolved'; name?: string }>): string {
  return JSON.stringify({
    version: '4',
    status: 'firing',
    receiver: 'oncall',
    groupKey: '{}:{alertname="ServeSlow"}',
    alerts: alerts.map((a) => ({
      status: a.status ?? 'firing',
      labels: { alertname: a.name ?? 'ServeSlow', ...(a.delay ? { delay: a.delay } : {}) },
      annotations: {},
      startsAt: '2026-12-02T03:58:00Z',
      fingerprint: a.fingerprint,
    })),
  });
}

export function post(url: string, body: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${url}/alerts`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
}

export function journals(state: string): Array<Array<Record<string, unknown>>> {
  let files: string[];
  try {
    files = readdirSync(state).filter((f) => f.endsWith('.jsonl'));
  } catch {
    return [];
  }
  return files.map((f) =>
    readFileSync(join(state, f), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>),
  );
}

export async function until(what: () => boolean, timeoutMs = 10_000): Promise<void> {
  const t0 = Date.now();
  while (!what()) {
    if (Date.now() - t0 > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A local HTTP server standing in for Slack's incoming webhook. */
export async function chatSink(): Promise<{ url: string; bodies: string[]; close(): Promise<void> }> {
  const bodies: string[] = [];
  const s = http.createServer((req, res) => {
    let b = '';
    req.on('data', (d) => (b += d));
    req.on('end', () => {
      bodies.push(b);
      res.end('ok');
    });
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}/services/T0/B0/secret`, bodies, close: () => new Promise((r) => s.close(() => r())) };
}
