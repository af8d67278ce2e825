// `oncall alert` as a real process: Alertmanager payloads from a file or
// stdin, seed 000's title line, the command to run with the alert's values,
// a hostile label kept out of that command, and the exit codes: 0 every
// firing alert matched, 1 one did not (closest listed), 2 bad input.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, assertBuilt, oncall as run, ROOT, type Result } from '../cli-run/helpers.js';
import { spawnPty } from '../support/pty.js';

const PAYLOADS = join(ROOT, 'test', 'fixtures', 'alert-payloads');
const TALEND = join(ROOT, 'test', 'fixtures', 'alerts');
// Seed 000 (000_af436abed9b48d42.txt): "ex: ` SmartGate5XXResponse - aws-at - centralized`".
const SEED_TITLE = 'SmartGate5XXResponse - aws-at - centralized';
const env = { ...process.env, NO_COLOR: '1', ONCALL_RUNBOOKS: undefined };

beforeAll(() => assertBuilt());

/** The CLI with `stdin` piped in (an empty stdin when undefined). */
const oncall = (args: string[], stdin?: string, extraEnv: Record<string, string> = {}): Promise<Result> =>
  run(args, { env: { ...env, ...extraEnv }, stdin: stdin ?? '' });

const payload = (name: string) => join(PAYLOADS, name);
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test reads of free-form JSON
const json = (r: Result) => JSON.parse(r.stdout) as { matched: boolean; alerts: Array<Record<string, any>> };

test('a grouped payload: each firing alert gets its runbook, the command with its values, and why; the resolved one is ignored', async () => {
  const r = await oncall(['alert', payload('grouped.json')]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const lines = r.stdout.split('\n');
  const at = (text: string) => lines.findIndex((l) => l.startsWith(text));
  expect(lines[at('KafkaConsumerGroupLagHigh')]).toContain('firing  since 2024-05-01T10:00:00.000Z  group=payments-consumer');
  expect(lines.slice(at('KafkaConsumerGroupLagHigh') + 1, at('KafkaConsumerGroupLagHigh') + 5)).toEqual([
    '  INC-007 Consumer lag spike (SEV-2)',
    '    oncall run INC-007 --set group=payments-consumer',
    '    why: alertname KafkaConsumerGroupLagHigh',
    '    from the alert: group=payments-consumer (label group)',
  ]);
  expect(lines[at('RedisMemoryHigh') + 2]).toBe('    oncall run INC-004');
  expect(lines[at('MySQLReplicaLagHigh') + 1]).toBe('  resolved: ignored');
});

test('--json: the same result as data, the command as argv too', async () => {
  const r = await oncall(['alert', '--json', payload('grouped.json')]);
  expect(r.code).toBe(0);
  const out = json(r);
  expect(out).toMatchObject({ kind: 'payload', receiver: 'oncall', matched: true });
  expect(out.alerts.map((a) => a.name)).toEqual(['KafkaConsumerGroupLagHigh', 'RedisMemoryHigh', 'MySQLReplicaLagHigh']);
  expect(out.alerts[0]!.fingerprint).toBe('3f2c9a1b7d4e5f60');
  expect(out.alerts[0]!.matches[0]).toMatchObject({
    id: 'INC-007',
    alertname: 'KafkaConsumerGroupLagHigh',
    params: { group: 'payments-consumer' },
    sources: { group: 'label group' },
    rejected: [],
    argv: ['oncall', 'run', 'INC-007', '--set', 'group=payments-consumer'],
    command: 'oncall run INC-007 --set group=payments-consumer',
  });
  expect(out.alerts[1]!.matches[0]!.id).toBe('INC-004');
  expect(out.alerts[2]).toMatchObject({ status: 'resolved', ignored: 'resolved', matches: [] });
});

test('the payload on stdin, with - or no FILE', async () => {
  const { readFileSync } = await import('node:fs');
  const text = readFileSync(payload('grouped.json'), 'utf8');
  for (const args of [['alert', '-'], ['alert']]) {
    const r = await oncall([...args, '--json'], text);
    expect(r.code).toBe(0);
    expect(json(r).alerts[0]!.matches[0]!.id).toBe('INC-007');
  }
});

test('a hostile label value is refused and never reaches the printed command', async () => {
  const r = await oncall(['alert', payload('hostile.json')]);
  expect(r.code).toBe(0);
  const command = r.stdout.split('\n').filter((l) => l.trimStart().startsWith('oncall '));
  expect(command).toEqual(['    oncall run INC-007']);
  expect(r.stdout).toContain(
    'refused label group: invalid value for parameter "group": must match ^[A-Za-z0-9._][A-Za-z0-9._-]{0,248}$ (got "x; rm -rf /"); group stays at its default (dispatch-engine)',
  );
  const out = json(await oncall(['alert', '--json', payload('hostile.json')]));
  const m = out.alerts[0]!.matches[0]!;
  expect(m.params).toEqual({});
  expect(m.rejected).toEqual([expect.objectContaining({ param: 'group', source: 'label group' })]);
  expect(m.argv.some((a: string) => a.includes('rm'))).toBe(false);
});

test('seed 000 title against the bundled runbooks: TAL-001, with the alert, environment and scope from the title, and the command runs', async () => {
  const r = await oncall(['alert'], `${SEED_TITLE}\n`);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const lines = r.stdout.trim().split('\n');
  expect(lines.slice(0, 4)).toEqual([
    'SmartGate5XXResponse  firing  environment aws-at  scope centralized',
    '  TAL-001 Smart services alert (smart-gate, MSK) (SEV-3)',
    '    oncall run TAL-001 --set alert=SmartGate5XXResponse --set environment=aws-at --set scope=centralized',
    '    why: alertname SmartGate5XXResponse; label service not on the alert (runbook expects smart-gate)',
  ]);
  const best = json(await oncall(['alert', '--json'], SEED_TITLE)).alerts[0]!.matches;
  expect(best).toHaveLength(1);
  expect(best[0]).toMatchObject({
    id: 'TAL-001',
    params: { alert: 'SmartGate5XXResponse', environment: 'aws-at', scope: 'centralized' },
    sources: { alert: 'label alertname', environment: 'label environment', scope: 'label scope' },
    rejected: [],
  });
  // The printed argv rehearses the runbook for that environment (journal in a temp dir).
  const state = mkdtempSync(join(tmpdir(), 'oncall-alert-'));
  try {
    const run = await oncall([...(best[0].argv as string[]).slice(1), '--dry-run', '--non-interactive'], undefined, { ONCALL_STATE_DIR: state });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Open the Grafana dashboards of aws-at: smart-gate https://grafana.admin.eap-central.cloud.talend.com/d/hQ1Z-uZVz/smart-gate?orgId=1');
  } finally {
    rmSync(state, { recursive: true, force: true });
  }
});

test.each([
  ['MSKCPUUtilization - aws-production - regional', { alert: 'MSKCPUUtilization', environment: 'aws-production', scope: 'regional' }],
  ['SmartGateTopicsPostError-aws-dev-centralized', { alert: 'SmartGateTopicsPostError', environment: 'aws-dev', scope: 'centralized' }],
])('seed 000 title %s picks TAL-001 with %j', async (title, params) => {
  const r = await oncall(['alert', '--json'], title);
  expect(r.code).toBe(0);
  expect(json(r).alerts[0]!.matches.map((m: { id: string; params: object }) => [m.id, m.params])).toEqual([['TAL-001', params]]);
});

test('a title whose environment TAL-001 has no dashboards for: the value is refused, the rest fills', async () => {
  const r = await oncall(['alert', '--json'], 'SmartGate5XXResponse - gcp-prod - centralized');
  expect(r.code).toBe(0);
  const m = json(r).alerts[0]!.matches[0]!;
  expect(m.params).toEqual({ alert: 'SmartGate5XXResponse', scope: 'centralized' });
  expect(m.rejected).toEqual([
    { param: 'environment', source: 'label environment', reason: 'invalid value for parameter "environment": must match ^aws-(production|at|dev)$ (got "gcp-prod")' },
  ]);
});

test('seed 000 title against runbooks that take it: environment and scope filled, and the printed command really runs', async () => {
  const r = await oncall(['--runbooks', TALEND, 'alert', '--json'], SEED_TITLE);
  expect(r.code).toBe(0);
  const best = json(r).alerts[0]!.matches[0]!;
  expect(best).toMatchObject({ id: 'TAL-001', why: 'alertname SmartGate5XXResponse; label scope=centralized', params: { environment: 'aws-at', scope: 'centralized' } });
  expect(json(r).alerts[0]!.matches.map((m: { id: string }) => m.id)).toEqual(['TAL-001', 'TAL-003', 'TAL-002']);
  // The printed argv is a working `oncall run` (rehearsed, journal in a temp dir).
  const state = mkdtempSync(join(tmpdir(), 'oncall-alert-'));
  try {
    const run = await oncall([...(best.argv as string[]).slice(1), '--dry-run', '--non-interactive'], undefined, { ONCALL_STATE_DIR: state });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Open the smart-gate Grafana dashboard of aws-at');
  } finally {
    rmSync(state, { recursive: true, force: true });
  }
});

test('a label that contradicts the only runbook with that alertname: exit 1, the closest says which label', async () => {
  const r = await oncall(['alert'], '{"labels":{"alertname":"KafkaConsumerGroupLag","group":"payments"}}');
  expect(r.code).toBe(1);
  expect(r.stdout).toContain('    INC-007 Consumer lag spike (SEV-2): alertname KafkaConsumerGroupLag matches, but label group=payments is not dispatch-engine');
});

test('an unknown alert: exit 1, closest first, and the truncation note', async () => {
  const r = await oncall(['alert', payload('unknown.json')]);
  expect(r.code).toBe(1);
  expect(r.stdout).toContain('note: Alertmanager left 2 alert(s) out of this payload (max_alerts)');
  expect(r.stdout).toContain('    INC-007 Consumer lag spike (SEV-2): alertname KafkaConsumerGroupLag is 1 edit away; shares group=dispatch-engine');
  const out = json(await oncall(['alert', '--json', payload('unknown.json')]));
  expect(out.matched).toBe(false);
  expect(out.alerts[0]!.closest[0]).toMatchObject({ id: 'INC-007', distance: 1 });
});

test('one matched and one unknown alert in a payload: exit 1', async () => {
  const body = JSON.stringify({
    version: '4',
    status: 'firing',
    alerts: [
      { status: 'firing', labels: { alertname: 'RedisMemoryHigh' } },
      { status: 'firing', labels: { alertname: 'DiskWillFillIn4Hours' } },
    ],
  });
  const r = await oncall(['alert'], body);
  expect(r.code).toBe(1);
  expect(r.stdout).toContain('    oncall run INC-004');
  expect(r.stdout).toContain('  no runbook matches alertname DiskWillFillIn4Hours; closest:');
});

test('only resolved alerts: nothing to do, exit 0', async () => {
  const r = await oncall(['alert', payload('resolved.json')]);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('  resolved: ignored');
});

test('invalid JSON: one line with file:line:col, exit 2, nothing on stdout', async () => {
  const r = await oncall(['alert', payload('bad.json')]);
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toBe(`oncall: ${payload('bad.json')}:4:49: invalid JSON: trailing comma before '}'\n`);
  const piped = await oncall(['alert', '-'], '{"alerts": [\n  {"labels": x}\n]}');
  expect(piped.stderr).toBe('oncall: <stdin>:2:14: invalid JSON: unexpected character, expected a JSON value, got "x"\n');
});

test('valid JSON that is not a payload, and text that is not a title: one line, exit 2', async () => {
  const r = await oncall(['alert'], '{"receiver": "oncall", "status": "firing"}');
  expect(r.code).toBe(2);
  expect(r.stderr).toBe('oncall: <stdin>: not an Alertmanager payload: "alerts" is missing\n');
  const text = await oncall(['alert'], 'the database is on fire');
  expect(text.code).toBe(2);
  expect(text.stderr.trim().split('\n')).toHaveLength(1);
  expect(text.stderr).toMatch(/^oncall: <stdin>: not an Alertmanager payload or alert title: /);
  const missing = await oncall(['alert', join(PAYLOADS, 'nope.json')]);
  expect([missing.code, missing.stderr]).toEqual([2, `oncall: cannot read ${join(PAYLOADS, 'nope.json')}: ENOENT\n`]);
});

test('no FILE and stdin a terminal: a usage error at once, not a hang', async () => {
  const s = spawnPty(process.execPath, [BIN, 'alert'], { cwd: ROOT, env });
  const timer = setTimeout(() => s.kill('SIGKILL'), 10_000);
  const { exitCode } = await s.exited;
  clearTimeout(timer);
  expect(exitCode).toBe(2);
  expect(s.output()).toContain('oncall: no alert given: pass a FILE, or pipe a payload or an alert title into `oncall alert -`');
});

test('escape sequences in alert text reach the terminal escaped', async () => {
  const r = await oncall(['alert'], JSON.stringify({ labels: { alertname: 'RedisMemoryHigh', note: 'a\u001b]0;pwned\u0007b\u009b2J' } }));
  expect(r.code).toBe(0);
  for (const raw of ['\u001b', '\u0007', '\u009b']) expect(r.stdout).not.toContain(raw);
  expect(r.stdout).toContain('note=a\\u001b]0;pwned\\u0007b\\x9b2J');
});
