// Held-out Alertmanager payloads: written from the bundled runbooks' alerts[]
// the way a person running Prometheus and Alertmanager would send them (real
// exporters' labels, rule labels, external labels, several alerts per group,
// firing and resolved mixed), not from the matcher. Each NAME.json has a
// NAME.expected.json: per alert, in payload order, the runbook a firing alert
// belongs to (null: none) and exactly the parameters it fills.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertBuilt, oncall, ROOT } from '../cli-run/helpers.js';

const DIR = join(ROOT, 'test', 'fixtures', 'alert-payloads', 'held-out');
const env = { ...process.env, NO_COLOR: '1', ONCALL_RUNBOOKS: undefined };

interface Expected {
  about: string;
  exit: number;
  alerts: Array<{ alertname: string; fingerprint: string; status: 'firing' | 'resolved'; runbook?: string | null; params?: Record<string, string> }>;
}

interface Output {
  matched: boolean;
  alerts: Array<{
    name: string;
    status: string;
    fingerprint: string;
    ignored?: string;
    matches: Array<{ id: string; params: Record<string, string>; rejected: unknown[] }>;
    closest?: unknown[];
  }>;
}

const payloads = readdirSync(DIR)
  .filter((f) => f.endsWith('.json') && !f.endsWith('.expected.json'))
  .sort();

beforeAll(() => assertBuilt());

test('the held-out set: at least 15 payloads, each with its expectation', () => {
  expect(payloads.length).toBeGreaterThanOrEqual(15);
  const expectations = readdirSync(DIR).filter((f) => f.endsWith('.expected.json'));
  expect(expectations.sort()).toEqual(payloads.map((f) => f.replace(/\.json$/, '.expected.json')));
});

test.each(payloads)('%s: each firing alert gets its runbook and fills exactly its params', async (file) => {
  const expected = JSON.parse(readFileSync(join(DIR, file.replace(/\.json$/, '.expected.json')), 'utf8')) as Expected;
  const r = await oncall(['alert', join(DIR, file), '--json'], { env });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(expected.exit);
  const out = JSON.parse(r.stdout) as Output;
  expect(out.matched).toBe(expected.exit === 0);
  // One row per alert: what the matcher said next to what the payload's author expected.
  const got = out.alerts.map((a) => {
    const head = { alertname: a.name, fingerprint: a.fingerprint, status: a.status };
    if (a.ignored) return head;
    const [best] = a.matches;
    return best ? { ...head, runbook: a.matches.map((m) => m.id).join(' '), params: best.params, rejected: best.rejected } : { ...head, runbook: null };
  });
  const want = expected.alerts.map((a) => (a.status === 'resolved' || a.runbook === null ? a : { ...a, rejected: [] }));
  expect(got).toEqual(want);
  for (const a of out.alerts) if (!a.ignored && a.matches.length === 0) expect(a.closest?.length).toBeGreaterThan(0);
});
