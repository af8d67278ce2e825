// TAL-001 (seed 000) against loopback peers that answer as Grafana's
// Prometheus datasource proxy and as Elasticsearch's _count API: the read
// steps send the queries the runbook writes (decoded intact, with their
// credentials), and what they return decides which option is recommended —
// one error: acknowledge; vaultToken errors only: dismiss; many errors: keep
// investigating; MSK CPU with connect-component topics on top: ask the
// observability team; above 80% otherwise: grow the cluster (and ask who owns
// the topics); non-prod: look at it in working hours.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
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

/** Rehearses TAL-001 against the peer; returns the recommended options and what the peer saw. */
async function rehearse(scenario: Scenario, sets: Record<string, string>) {
  const p = await peer(scenario);
  const t = tempDir('oncall-tal-');
  try {
    const env = {
      ...process.env,
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
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; decision?: string; choices?: Choice[] });
    const decision = events.find((e) => e.type === 'decision-needed' && e.decision === 'option')!;
    return { recommended: decision.choices!.filter((c) => c.recommended), seen: p.seen, output: r.stdout };
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
  ['non-prod: not urgent', { signal: 1, errors: 1 }, { alert: 'SmartGate5XXResponse', environment: 'aws-dev' }, ['later', 'acknowledge']],
])('%s', async (_name, scenario, sets, expected) => {
  const { recommended } = await rehearse(scenario, sets);
  expect(ids(recommended)).toEqual(expected);
});

test('the evidence quotes the measured values', async () => {
  const { recommended } = await rehearse({ signal: 30, errors: 30, vault: 29 }, prod('SmartGate5XXResponse'));
  expect(recommended[0]!.evidence).toBe('29 of the 30 error lines of the past hour are about the vault token');
});
