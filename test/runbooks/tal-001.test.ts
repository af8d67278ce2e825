// TAL-001 (seed 000) against loopback peers that answer as Grafana's
// Prometheus datasource proxy and as Elasticsearch's _count API: the read
// steps send the queries the runbook writes (decoded intact, with their
// credentials), and what they return decides which option is recommended —
// one error: acknowledge; vaultToken errors only: dismiss; many errors: keep
// investigating; MSK CPU with connect-component topics on top: ask the
// observability team; above 80% otherwise: grow the cluster (and ask who owns
// the topics); non-prod: look at it when you are working — off-hours (or when
// the local time cannot be read) it waits, in working hours the evidence decides.
// A `date` first on PATH pins the local time that step localtime reads.
import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { assertBuilt, oncall } from '../cli-run/helpers.js';
import { tempDir } from '../engine/helpers.js';

interface Scenario {
  /** The one number the `signal` query returns (5XX count, CPU %, topic post errors…). */
  signal: number;
  /** Topics of the `topics` query, largest first. */
  topics?: string[];
  errors?: number;
  vault?: number;
}

interface Seen {
  path: string;
  query: string;
  authorization: string;
}

const GRAFANA_TOKEN = 'glsa_test_0123456789abcdef';
const ES_API_KEY = 'ZXNfYXBpX2tleV90ZXN0';

async function peer(scenario: Scenario): Promise<{ url: string; seen: Seen[]; close(): Promise<void> }> {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://peer');
    const authorization = req.headers.authorization ?? '';
    let body: unknown = { error: 'not found' };
    let status = 404;
    if (u.pathname === '/api/datasources/proxy/uid/prometheus/api/v1/query') {
      const query = u.searchParams.get('query') ?? '';
      seen.push({ path: u.pathname, query, authorization });
      const result = query.includes('topk(')
        ? (scenario.topics ?? []).map((topic, i) => ({ metric: { topic }, value: [1700000000, String(1000 - i)] }))
        : [{ metric: {}, value: [1700000000, String(scenario.signal)] }];
      [status, body] = [200, { status: 'success', data: { resultType: 'vector', result } }];
    } else if (u.pathname === '/log-app*/_count') {
      const q = u.searchParams.get('q') ?? '';
      seen.push({ path: u.pathname, query: q, authorization });
      [status, body] = [200, { count: q.includes('vaultToken') ? (scenario.vault ?? 0) : (scenario.errors ?? 0), _shards: { total: 1, successful: 1 } }];
    }
    const text = JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

interface Choice {
  id: string;
  recommended: boolean;
  evidence?: string;
}

/** What `date` answers: the local weekday (1 = Monday) and hour, or a failure. */
type LocalTime = { weekday: number; hour: number } | 'unreadable';

/** A `date` that prints what step localtime's format asks for, pinned to `time`. */
function fakeDate(dir: string, time: LocalTime): string {
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  const script = time === 'unreadable' ? 'echo "date: cannot read the clock" >&2\nexit 1' : `echo '${JSON.stringify(time)}'`;
  writeFileSync(join(bin, 'date'), `#!/bin/sh\n${script}\n`, { mode: 0o755 });
  return bin;
}

/** Rehearses TAL-001 against the peer (the local time pinned when given); returns the recommended options and what the peer saw. */
async function rehearse(scenario: Scenario, sets: Record<string, string>, time?: LocalTime) {
  const p = await peer(scenario);
  const t = tempDir('oncall-tal-');
  try {
    const env = {
      ...process.env,
      PATH: time === undefined ? process.env.PATH : `${fakeDate(t.dir, time)}:${process.env.PATH ?? ''}`,
      HOME: t.dir,
      NO_COLOR: '1',
      ONCALL_RUNBOOKS: undefined,
      ONCALL_STATE_DIR: t.dir,
      GRAFANA_URL: p.url,
      ELASTICSEARCH_URL: p.url,
      GRAFANA_TOKEN,
      ES_API_KEY,
    };
    const args = ['run', 'TAL-001', '--dry-run', '--json', ...Object.entries(sets).flatMap(([k, v]) => ['--set', `${k}=${v}`])];
    const r = await oncall(args, { env, timeoutMs: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; decision?: string; choices?: Choice[]; stepId?: string; status?: string });
    const decision = events.find((e) => e.type === 'decision-needed' && e.decision === 'option')!;
    const localtime = events.find((e) => e.type === 'step-finished' && e.stepId === 'localtime')?.status;
    return { recommended: decision.choices!.filter((c) => c.recommended), seen: p.seen, output: r.stdout, localtime };
  } finally {
    t.cleanup();
    await p.close();
  }
}

const ids = (choices: Choice[]) => choices.map((c) => c.id);
const prod = (alert: string, more: Record<string, string> = {}) => ({ alert, environment: 'aws-production', ...more });

beforeAll(() => assertBuilt());

test('the reads send the runbook\'s queries, decoded intact, with the Grafana token and the Elastic API key; neither is printed', async () => {
  const { seen, output } = await rehearse({ signal: 1, errors: 1 }, prod('SmartGate5XXResponse', { pod: 'smart-gate-7d9f-x2x' }));
  expect(seen).toEqual(
    expect.arrayContaining([
      { path: '/api/datasources/proxy/uid/prometheus/api/v1/query', query: 'sum(increase(http_server_requests_seconds_count{app="smart-gate",status=~"5.."}[1h])) or vector(0)', authorization: `Bearer ${GRAFANA_TOKEN}` },
      {
        path: '/log-app*/_count',
        query:
          'kubernetes.container.name:smart-gate AND kubernetes.pod.name:smart-gate-7d9f-x2x AND (message:*error* OR message:*Error* OR message:*exception* OR message:*ERROR* OR message:*Exception*) AND @timestamp:[now-1h TO now]',
        authorization: `ApiKey ${ES_API_KEY}`,
      },
      {
        path: '/log-app*/_count',
        query: 'kubernetes.container.name:smart-gate AND kubernetes.pod.name:smart-gate-7d9f-x2x AND message:*vaultToken* AND @timestamp:[now-1h TO now]',
        authorization: `ApiKey ${ES_API_KEY}`,
      },
    ]),
  );
  expect(output).not.toContain(GRAFANA_TOKEN);
  expect(output).not.toContain(ES_API_KEY);
});

test.each<[string, Scenario, Record<string, string>, string[]]>([
  ['one 5XX in the past hour: acknowledge and go back to sleep', { signal: 1, errors: 1 }, prod('SmartGate5XXResponse'), ['acknowledge']],
  ['5XX from an expired vault token, the pod otherwise healthy: dismiss', { signal: 30, errors: 30, vault: 29 }, prod('SmartGate5XXResponse'), ['dismiss-vault-token']],
  ['a lot of other errors: keep investigating in Kibana', { signal: 30, errors: 30, vault: 0 }, prod('SmartGate5XXResponse'), ['keep-investigating']],
  ['MSK at 85% from connect-component topics: ask observability to decrease the load', { signal: 85, topics: ['connect-component-perf', 'orders.events'] }, prod('MSKCPUUtilization'), ['observability-load']],
  ['MSK at 85% from other topics: ask who owns them, grow the cluster', { signal: 85, topics: ['orders.events', 'connect-component-perf'] }, prod('MSKCPUUtilization'), ['ask-topic-owner', 'grow-msk']],
  ['MSK at 65%: typically okay', { signal: 65, topics: ['orders.events'] }, prod('MSKCPUUtilization'), ['acknowledge', 'ask-topic-owner']],
  ['two topic post errors: someone made a mistake', { signal: 2 }, prod('SmartGateTopicsPostError'), ['acknowledge']],
  ['lots of topic post errors: check with the owner', { signal: 12 }, prod('SmartGateTopicsPostError'), ['ask-topic-owner']],
])('%s', async (_name, scenario, sets, expected) => {
  const { recommended } = await rehearse(scenario, sets);
  expect(ids(recommended)).toEqual(expected);
});

test('prod: the local time is not read (a prod alert is handled now, whatever the hour)', async () => {
  const { recommended, localtime } = await rehearse({ signal: 1, errors: 1 }, prod('SmartGate5XXResponse'), { weekday: 6, hour: 3 });
  expect(localtime).toBe('skipped');
  expect(ids(recommended)).toEqual(['acknowledge']);
});

const nonprod = (more: Record<string, string> = {}) => ({ alert: 'SmartGate5XXResponse', environment: 'aws-dev', ...more });

test.each<[string, Scenario, Record<string, string>, LocalTime, string[]]>([
  ['non-prod off-hours (Saturday 3h): not urgent, later first', { signal: 1, errors: 1 }, nonprod(), { weekday: 6, hour: 3 }, ['later', 'acknowledge']],
  ['non-prod off-hours (Tuesday 18h, the working day is over), a lot of errors: still later first', { signal: 30, errors: 30 }, nonprod(), { weekday: 2, hour: 18 }, ['later', 'keep-investigating']],
  ['non-prod in working hours (Tuesday 9h), one error: acknowledge, nothing waits', { signal: 1, errors: 1 }, nonprod(), { weekday: 2, hour: 9 }, ['acknowledge']],
  ['non-prod in working hours (Friday 17h), a lot of errors: keep investigating now', { signal: 30, errors: 30 }, nonprod(), { weekday: 5, hour: 17 }, ['keep-investigating']],
  ['working hours are parameters: Saturday 3h is working time with work_days=123456 and work_start=0', { signal: 1, errors: 1 }, nonprod({ work_days: '123456', work_start: '0' }), { weekday: 6, hour: 3 }, ['acknowledge']],
])('%s', async (_name, scenario, sets, time, expected) => {
  const { recommended, localtime } = await rehearse(scenario, sets, time);
  expect(localtime).toBe('ok');
  expect(ids(recommended)).toEqual(expected);
});

test('non-prod: the evidence for later says why — off-hours at the time read, or a local time that could not be read', async () => {
  const offHours = await rehearse({ signal: 1, errors: 1 }, nonprod(), { weekday: 7, hour: 23 });
  expect(offHours.recommended[0]).toMatchObject({
    id: 'later',
    evidence: 'aws-dev is not prod and it is Sunday 23h local time, off-hours (working hours 9h-18h on weekdays 12345, 1 = Monday); non-prod alerts need no off-hours work',
  });
  const unreadable = await rehearse({ signal: 1, errors: 1 }, nonprod(), 'unreadable');
  expect(unreadable.localtime).toBe('failed');
  expect(ids(unreadable.recommended)).toEqual(['later', 'acknowledge']);
  expect(unreadable.recommended[0]!.evidence).toBe(
    'aws-dev is not prod and the local time could not be read (step localtime failed): taken as off-hours; non-prod alerts need no off-hours work',
  );
});

test('the evidence quotes the measured values', async () => {
  const { recommended } = await rehearse({ signal: 30, errors: 30, vault: 29 }, prod('SmartGate5XXResponse'));
  expect(recommended[0]!.evidence).toBe('29 of the 30 error lines of the past hour are about the vault token');
});
