// `oncall list` and `oncall show` as real processes: where runbooks come from,
// what they print, and one-line errors with exit 2 for unknown or invalid runbooks.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertBuilt, oncall, ROOT } from '../cli-run/helpers.js';

// The twelve incidents of seed 003, then the runbooks of seeds 002 (Darklang) and 000 (Talend), in id order.
const IDS = ['DRK-001', ...Array.from({ length: 12 }, (_, i) => `INC-${String(i + 1).padStart(3, '0')}`), 'TAL-001'];
let dir: string;
const env = { ...process.env, NO_COLOR: '1', ONCALL_RUNBOOKS: undefined };

beforeAll(() => assertBuilt());
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'oncall-list-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('list --json from anywhere lists the bundled runbooks with their alerts', async () => {
  const r = await oncall(['list', '--json'], { env, cwd: dir });
  expect(r.code).toBe(0);
  const rows = JSON.parse(r.stdout) as Array<{ id: string; title: string; severity: string; alerts: string[] }>;
  expect(rows.map((row) => row.id)).toEqual(IDS);
  expect(rows.find((row) => row.id === 'INC-007')).toMatchObject({ title: 'Consumer lag spike', alerts: expect.arrayContaining(['KafkaConsumerGroupLag']) });
  for (const row of rows) expect(row.alerts.length).toBeGreaterThan(0);
});

test('list prints one line per runbook', async () => {
  const r = await oncall(['list'], { env, cwd: dir });
  expect(r.code).toBe(0);
  const lines = r.stdout.trim().split('\n');
  expect(lines).toHaveLength(IDS.length);
  expect(lines[IDS.indexOf('INC-004')]).toMatch(/^INC-004\s+SEV-\d\s+Redis OOM/);
});

test('--runbooks, then ONCALL_RUNBOOKS, then ./runbooks, then the bundled ones', async () => {
  const mine = join(dir, 'mine');
  const local = join(dir, 'runbooks');
  mkdirSync(mine);
  mkdirSync(local);
  copyFileSync(join(ROOT, 'runbooks', 'INC-001-dispatch-engine-down.yaml'), join(mine, 'INC-001-dispatch-engine-down.yaml'));
  copyFileSync(join(ROOT, 'runbooks', 'INC-004-redis-oom.yaml'), join(local, 'INC-004-redis-oom.yaml'));
  const ids = async (args: string[], extra: Record<string, string> = {}) =>
    (JSON.parse((await oncall([...args, 'list', '--json'], { env: { ...env, ...extra }, cwd: dir })).stdout) as Array<{ id: string }>).map((r) => r.id);
  expect(await ids([])).toEqual(['INC-004']);
  expect(await ids([], { ONCALL_RUNBOOKS: mine })).toEqual(['INC-001']);
  expect(await ids(['--runbooks', mine], { ONCALL_RUNBOOKS: local })).toEqual(['INC-001']);
});

test('show --json is the resolved runbook: defaults filled, escalation from the process', async () => {
  const r = await oncall(['show', 'INC-007', '--json'], { env, cwd: dir });
  expect(r.code).toBe(0);
  const rb = JSON.parse(r.stdout);
  expect(rb.id).toBe('INC-007');
  expect(rb.stages.detect.steps[0]).toMatchObject({ id: 'lag', check: 'kafka.lag', effect: 'read', timeout: expect.any(String), retries: 0 });
  expect(rb.stages.mitigate.options.map((o: { id: string }) => o.id)).toEqual(['scenario-1', 'scenario-2', 'scenario-3', 'scenario-4']);
  expect(rb.escalation.map((e: { after: string }) => e.after)).toEqual(expect.arrayContaining(['15m', '30m', '1h', '2h']));
  expect(rb.reminders.statusUpdateEvery).toBe('30m');
});

test('show marks every write and lists the options with their warnings', async () => {
  const r = await oncall(['show', 'inc-004'], { env, cwd: dir });
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/^INC-004 · Redis OOM/);
  expect(r.stdout).toMatch(/flush \[WRITE, high risk\]/);
  expect(r.stdout).toMatch(/memory \[read\]/);
  expect(r.stdout).toContain('option a:');
  expect(r.stdout).toContain('KEYS');
});

test('an unknown id is one line, exit 2, with the closest ids', async () => {
  const r = await oncall(['show', 'INC-07'], { env, cwd: dir });
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(/^oncall: unknown runbook "INC-07"; did you mean INC-007\?/);
  const byNumber = await oncall(['show', '12'], { env, cwd: dir });
  expect(byNumber.stderr).toContain('did you mean INC-012?');
});

test('an invalid runbook is one file:line:col line, exit 2, no stack trace', async () => {
  const bad = join(dir, 'bad');
  mkdirSync(bad);
  writeFileSync(join(bad, 'INC-100-bad.yaml'), 'id: INC-100\ntitle: Bad\nseverity: SEV-9\nalerts: [{alertname: X}]\nstages: {detect: {}, resolve: {}}\n');
  const r = await oncall(['--runbooks', bad, 'show', 'INC-100'], { env, cwd: dir });
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(new RegExp(`^oncall: invalid runbook: ${join(bad, 'INC-100-bad.yaml')}:3:11: `));
  expect(r.stderr).not.toMatch(/\n\s+at /);
  const list = await oncall(['--runbooks', bad, 'list'], { env, cwd: dir });
  expect(list.code).toBe(2);
  expect(list.stderr).toContain('INC-100-bad.yaml:3:11');
});

test('a missing runbook directory is a one-line usage error', async () => {
  const r = await oncall(['--runbooks', join(dir, 'nope'), 'list'], { env, cwd: dir });
  expect(r.code).toBe(2);
  expect(r.stderr.trim()).toMatch(/^oncall: cannot read runbook directory .*nope: ENOENT$/);
});

test('show never prints a secret default or a URL password, in text or JSON', async () => {
  const rb = join(dir, 'rb');
  mkdirSync(rb);
  writeFileSync(
    join(rb, 'INC-101-secrets.yaml'),
    [
      'id: INC-101',
      'title: Secrets',
      'severity: SEV-4',
      'alerts: [{ alertname: X }]',
      'params:',
      '  token: { default: "Tk9qzXyzzyAbc", secret: true, pattern: "^\\\\S+$" }',
      '  redis_url: { default: "redis://app:pAss-in-url@cache:6379/0", pattern: "^\\\\S+$" }',
      'stages: { detect: {}, resolve: {} }',
      '',
    ].join('\n'),
  );
  for (const args of [['show', 'INC-101'], ['show', 'INC-101', '--json']]) {
    const r = await oncall(['--runbooks', rb, ...args], { env, cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('Tk9qzXyzzyAbc');
    expect(r.stdout).not.toContain('pAss-in-url');
    expect(r.stdout).toContain('redis://app:***@cache:6379/0');
  }
});
