// `oncall report` golden files, from journals the built CLI really wrote in
// the suite's usual settings (a clean environment, a private HOME, no peers):
// a dry run of a bundled runbook, and REP-001 (test/fixtures/report/runbooks)
// run non-interactively to a verified resolve, stopped before its write,
// interrupted and resumed, started with `run --alert`, and not verified.
// Each report is compared, as Markdown and as JSON, with
// test/fixtures/report/<case>.md|.json after the run ids, times, durations,
// paths and the user are normalised. A missing golden file fails;
// ONCALL_UPDATE_GOLDEN=1 writes them (review the diff!).
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { tempDir } from '../engine/helpers.js';
import { BIN, assertBuilt, oncall, ROOT, type Result } from '../cli-run/helpers.js';
import { expectGolden } from '../lint/golden-files.js';

const GOLDEN = join(ROOT, 'test', 'fixtures', 'report');
const FIXTURE_RUNBOOKS = join(GOLDEN, 'runbooks');
const BUNDLED = join(ROOT, 'runbooks');
const TOKEN = 'tok_report_SECRET_4242';
const USER = userInfo().username;

const t = tempDir('oncall-report-golden-');
const journals = join(t.dir, 'runs');
const env = {
  PATH: process.env.PATH,
  HOME: t.dir,
  NO_COLOR: '1',
  ONCALL_STEP_TIMEOUT: '10s',
  ONCALL_STATE_DIR: journals,
  ONCALL_TEST_WRITE_LOG: join(t.dir, 'writes.log'),
  REP_API_TOKEN: TOKEN,
};

interface Case {
  md: string;
  json: string;
}
const cases = new Map<string, Case>();

const journalIds = (): string[] => {
  try {
    return readdirSync(journals).filter((f) => f.endsWith('.jsonl')).map((f) => f.replace(/\.jsonl$/, ''));
  } catch {
    return [];
  }
};

/** Runs `start`, returns the id of the one journal it created. */
async function newRun(start: () => Promise<unknown>): Promise<string> {
  const before = new Set(journalIds());
  await start();
  const created = journalIds().filter((id) => !before.has(id));
  if (created.length !== 1) throw new Error(`expected one new journal, got ${created.join(', ') || 'none'}`);
  return created[0]!;
}

function expectCode(r: Result, code: number): Result {
  if (r.code !== code) throw new Error(`expected exit ${code}, got ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
  return r;
}

const cli = (args: string[], cwd = ROOT) => oncall(args, { env, cwd, timeoutMs: 60_000 });
const runFixture = (...args: string[]) => cli(['--runbooks', FIXTURE_RUNBOOKS, 'run', ...args]);

/** A REP-001 run interrupted (SIGINT) while its slow triage step runs. */
async function interruptedRun(): Promise<void> {
  const before = new Set(journalIds());
  const child = spawn(process.execPath, [BIN, '--runbooks', FIXTURE_RUNBOOKS, 'run', 'REP-001', '--non-interactive', '--approve', 'restart-pods', '--set', 'pause=3'], {
    cwd: ROOT,
    env,
    stdio: 'ignore',
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const needle = '"type":"step-started","stepId":"recent-deploys"';
  for (let i = 0; ; i++) {
    const id = journalIds().find((j) => !before.has(j));
    if (id && readFileSync(join(journals, `${id}.jsonl`), 'utf8').includes(needle)) break;
    if (child.exitCode !== null || i > 1000) throw new Error('the run ended, or never reached recent-deploys');
    await new Promise((r) => setTimeout(r, 10));
  }
  child.kill('SIGINT');
  expect(await exited).toBe(130);
}

/** An Alertmanager payload for REP-001 whose alert started firing 4 minutes ago. */
function alertPayload(startsAt: string): string {
  const file = join(t.dir, 'alert.json');
  const labels = { alertname: 'FixtureCheckoutErrors', service: 'checkout', namespace: 'shop-prod', severity: 'critical' };
  const payload = {
    version: '4',
    groupKey: '{}:{alertname="FixtureCheckoutErrors"}',
    truncatedAlerts: 0,
    status: 'firing',
    receiver: 'oncall',
    groupLabels: { alertname: 'FixtureCheckoutErrors' },
    commonLabels: labels,
    commonAnnotations: { summary: 'checkout answers 31% 5xx' },
    externalURL: 'http://alertmanager.monitoring.svc:9093',
    alerts: [
      {
        status: 'firing',
        labels,
        annotations: { summary: 'checkout answers 31% 5xx' },
        startsAt,
        endsAt: '0001-01-01T00:00:00Z',
        generatorURL: 'http://prometheus-k8s-0:9090/graph?g0.expr=checkout_5xx_ratio+%3E+0.05&g0.tab=1',
        fingerprint: 'c0ffee0123456789',
      },
    ],
  };
  writeFileSync(file, JSON.stringify(payload, null, 2));
  return file;
}

const ALERT_AGO_MS = 4 * 60_000;
let alertStartsAt = '';

beforeAll(async () => {
  assertBuilt();
  const bundled = await newRun(async () => expectCode(await cli(['--runbooks', BUNDLED, 'run', 'INC-007', '--dry-run', '--non-interactive'], t.dir), 0));
  const verified = await newRun(async () => expectCode(await runFixture('REP-001', '--non-interactive', '--approve', 'restart-pods'), 0));
  const stopped = await newRun(async () => expectCode(await runFixture('REP-001', '--non-interactive'), 3));
  const resumed = await newRun(interruptedRun);
  expectCode(await cli(['--runbooks', FIXTURE_RUNBOOKS, 'resume', resumed, '--non-interactive', '--approve', 'restart-pods']), 0);
  alertStartsAt = new Date(Date.now() - ALERT_AGO_MS).toISOString();
  const payload = alertPayload(alertStartsAt);
  const fromAlert = await newRun(async () => expectCode(await runFixture('--alert', payload, '--non-interactive', '--approve', 'restart-pods'), 0));
  const notVerified = await newRun(async () => expectCode(await runFixture('REP-001', '--non-interactive', '--approve', 'restart-pods', '--set', 'error_rate_after=0.2'), 1));
  const all: Array<[string, string, string]> = [
    ['dry-run-bundled-inc-007', bundled, BUNDLED],
    ['verified', verified, FIXTURE_RUNBOOKS],
    ['stopped-before-write', stopped, FIXTURE_RUNBOOKS],
    ['resumed-after-interrupt', resumed, FIXTURE_RUNBOOKS],
    ['from-alert', fromAlert, FIXTURE_RUNBOOKS],
    ['not-verified', notVerified, FIXTURE_RUNBOOKS],
  ];
  for (const [name, runId, runbooks] of all) {
    const report = (format: string) => cli(['report', runId, '--journal-dir', journals, '--runbooks', runbooks, '--format', format]);
    const [md, json] = [expectCode(await report('md'), 0), expectCode(await report('json'), 0)];
    expect(md.stderr + json.stderr).toBe('');
    cases.set(name, { md: md.stdout, json: json.stdout });
  }
}, 120_000);

afterAll(() => t.cleanup());

const RUN_ID = /\b([A-Z][A-Z0-9]*-\d{3})-\d{8}T\d{6}Z-[0-9a-f]{4}\b/g;
const ISO = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z/g;
const WALL = /\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC/g;
const DURATION = /(?:\d+h )?(?:\d+m )?\d+s/;

/** What differs from one run to the next, replaced by what it stands for. */
function normaliseText(text: string): string {
  return text
    .replaceAll(t.dir, '<HOME>')
    .replaceAll(ROOT, '<ROOT>')
    // Positions in a bundled runbook move with every edit to it.
    .replace(/(<ROOT>\/runbooks\/[\w.-]+\.yaml):\d+:\d+/g, '$1:<LINE>:<COL>')
    .replace(RUN_ID, '$1-<RUN>')
    .replace(ISO, '<TIME>')
    .replace(WALL, '<TIME>')
    .replace(new RegExp(`\\(T([+-])${DURATION.source}\\)`, 'g'), '(T$1<DUR>)')
    .replace(new RegExp(`^(- (?:Detection gap|Time to mitigation|Time to recovery) \\([^)]*\\): )${DURATION.source}$`, 'gm'), '$1<DUR>')
    .replace(new RegExp(`(\\bby |— )${USER}\\b`, 'g'), '$1<USER>');
}

const MS_KEYS = new Set(['offsetMs', 'detectionGapMs', 'timeToMitigationMs', 'timeToRecoveryMs']);
const USER_KEYS = new Set(['who', 'startedBy']);

function normaliseJson(text: string): string {
  const walk = (v: unknown, key?: string): unknown => {
    if (Array.isArray(v)) return v.map((x) => walk(x));
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, k)]));
    if (typeof v === 'number' && key && MS_KEYS.has(key)) return v < 0 ? '-<ms>' : '<ms>';
    if (typeof v === 'string' && key && USER_KEYS.has(key) && v === USER) return '<USER>';
    if (typeof v === 'string') return normaliseText(v);
    return v;
  };
  return `${JSON.stringify(walk(JSON.parse(text)), null, 2)}\n`;
}

const NAMES = ['dry-run-bundled-inc-007', 'verified', 'stopped-before-write', 'resumed-after-interrupt', 'from-alert', 'not-verified'];

test.each(NAMES)('%s: Markdown and JSON match their golden files', (name) => {
  const c = cases.get(name)!;
  expectGolden(join(GOLDEN, `${name}.md`), normaliseText(c.md));
  expectGolden(join(GOLDEN, `${name}.json`), normaliseJson(c.json));
});

test('every golden file has its case', () => {
  const files = readdirSync(GOLDEN).filter((f) => /\.(md|json)$/.test(f));
  expect(files.sort()).toEqual(NAMES.flatMap((n) => [`${n}.json`, `${n}.md`]).sort());
});

/* eslint-disable @typescript-eslint/no-explicit-any -- reads of the report model */
const model = (name: string): any => JSON.parse(cases.get(name)!.json);

test('no report holds the secret; the write that used it shows it masked', () => {
  for (const [, c] of cases) expect(c.md + c.json).not.toContain(TOKEN);
  expect(cases.get('verified')!.md).toContain('--token ***`');
});

test('the numbers the normalised files cannot show', () => {
  const alert = model('from-alert');
  expect(alert.measuredFrom).toBe('alert');
  expect(alert.timeline[0]).toMatchObject({ kind: 'alert', at: alertStartsAt });
  // The run started a few seconds after the payload was written, 4 minutes after its startsAt.
  expect(alert.detectionGapMs).toBeGreaterThanOrEqual(ALERT_AGO_MS);
  expect(alert.detectionGapMs).toBeLessThan(ALERT_AGO_MS + 60_000);
  expect(alert.timeToMitigationMs).toBeGreaterThanOrEqual(alert.detectionGapMs);
  expect(alert.timeToRecoveryMs).toBeGreaterThanOrEqual(alert.timeToMitigationMs);
  // The alert's start is a wall-clock line of its own, before the run's.
  expect(cases.get('from-alert')!.md).toContain(`- ${alertStartsAt.slice(0, 19).replace('T', ' ')} UTC (T-4m `);

  const resumed = model('resumed-after-interrupt');
  expect(resumed.resumes).toBe(1);
  expect(resumed.outcome).toBe('resolved');
  expect(resumed.timeToRecoveryMs).toBeGreaterThanOrEqual(resumed.timeToMitigationMs);

  expect(model('dry-run-bundled-inc-007')).toMatchObject({ dryRun: true, outcome: 'rehearsed' });
  expect(model('dry-run-bundled-inc-007').option).toBeUndefined();
  expect(model('stopped-before-write').timeToMitigationMs).toBeUndefined();
  expect(model('not-verified').timeToRecoveryMs).toBeUndefined();
});

test('timeline offsets read like the wall-clock times beside them', () => {
  for (const name of NAMES) {
    const start = Date.parse(model(name).startedAt);
    const lines = [...cases.get(name)!.md.matchAll(/^- (\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}) UTC \(T([+-])(?:(\d+)h )?(?:(\d+)m )?(\d+)s\)/gm)];
    expect(lines.length).toBe(model(name).timeline.length);
    for (const m of lines) {
      const wall = Date.parse(`${m[1]!.replace(' ', 'T')}Z`) / 1000;
      const offset = (Number(m[3] ?? 0) * 3600 + Number(m[4] ?? 0) * 60 + Number(m[5])) * (m[2] === '-' ? -1 : 1);
      expect(wall - Math.floor(start / 1000)).toBe(offset);
    }
  }
});
