// The status-page updates of seed 003 ("Status page: component "Payments" →
// "Degraded"", "affected component → "Degraded"") are real posts to the
// Statuspage component API, as INC-001's are: a dry-run plans each PATCH with
// its URL, the API key masked and the exact body, and sends nothing; without
// the page and component ids the body is still shown and the plan names the
// variables to set.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertBuilt, oncall } from '../cli-run/helpers.js';
import { tempDir } from '../engine/helpers.js';

const KEY = 'sp-key-0123456789abcdef';
const PAGE = 'kctbh9vrtdwd';
const COMPONENT = 'ftgks51sfs2d';

beforeAll(() => assertBuilt());

interface Finished {
  type: string;
  stepId: string;
  status: string;
  plan?: { target: string; details: string[] };
  planError?: string;
  post?: { method: string; url: string; headers?: Record<string, string>; body: unknown };
}

async function dryRun(id: string, extraEnv: Record<string, string>) {
  const t = tempDir('oncall-statuspage-');
  try {
    const env = { ...process.env, HOME: t.dir, NO_COLOR: '1', ONCALL_RUNBOOKS: undefined, ONCALL_STATE_DIR: t.dir, ONCALL_STEP_TIMEOUT: '3s', KUBECONFIG: join(t.dir, 'none'), ...extraEnv };
    const r = await oncall(['run', id, '--dry-run', '--json'], { env, timeoutMs: 60_000 });
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Finished);
    const journal = readdirSync(t.dir).filter((f) => f.endsWith('.jsonl')).map((f) => readFileSync(join(t.dir, f), 'utf8')).join('');
    return { r, events, journal };
  } finally {
    t.cleanup();
  }
}

const finished = (events: Finished[], stepId: string) => events.find((e) => e.type === 'step-finished' && e.stepId === stepId);

describe.each([
  ['INC-001', 'STATUSPAGE_DISPATCH_COMPONENT_ID', 'statuspage', 'statuspage-ok'],
  ['INC-002', 'STATUSPAGE_PAYMENTS_COMPONENT_ID', 'statuspage', 'statuspage-ok'],
  ['INC-005', 'STATUSPAGE_AFFECTED_COMPONENT_ID', 'statuspage', 'statuspage-ok'],
])('%s', (id, componentEnv, degraded, operational) => {
  test('plans the PATCH of its component with the body, the key masked, nothing sent', async () => {
    const { r, events, journal } = await dryRun(id, { STATUSPAGE_PAGE_ID: PAGE, [componentEnv]: COMPONENT, STATUSPAGE_API_KEY: KEY });
    expect(r.code).toBe(0);
    const url = `https://api.statuspage.io/v1/pages/${PAGE}/components/${COMPONENT}`;
    const e = finished(events, degraded)!;
    expect(e).toMatchObject({ status: 'planned', post: { method: 'PATCH', url, headers: { Authorization: 'OAuth ***' }, body: { component: { status: 'degraded_performance' } } } });
    expect(e.plan!.target).toBe(url);
    expect(e.plan!.details.join('\n')).toContain('"status": "degraded_performance"');
    // With no peers the resolve checks failed: the page is not turned green, not even in a plan.
    expect(finished(events, operational)).toMatchObject({ status: 'skipped', summary: expect.stringMatching(/^skipped: when ".*status == "ok".*" is false$/) });
    expect(events.filter((e) => e.type === 'step-started' && e.stepId.startsWith('statuspage'))).toEqual([]);
    expect(r.stdout + r.stderr + journal).not.toContain(KEY);
  });

  test('without the ids the body is still shown, and the plan says what to set', async () => {
    const { r, events } = await dryRun(id, {});
    expect(r.code).toBe(0);
    const e = finished(events, degraded)!;
    expect(e).toMatchObject({ status: 'planned', post: { method: 'PATCH', body: { component: { status: 'degraded_performance' } } } });
    expect(e.planError).toBe(`no URL: set STATUSPAGE_PAGE_ID and ${componentEnv}`);
  });
});
