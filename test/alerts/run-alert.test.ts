// `oncall run --alert`: the alert picks the runbook and fills its values; the
// journal keeps the alert's startsAt (reports measure the detection gap).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertBuilt, journalEvents, oncall as run, ROOT, type Result } from '../cli-run/helpers.js';

const PAYLOADS = join(ROOT, 'test', 'fixtures', 'alert-payloads');
let tmp: string;
beforeAll(() => {
  assertBuilt();
  tmp = mkdtempSync(join(tmpdir(), 'oncall-run-alert-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const oncall = (args: string[], state: string, stdin?: string): Promise<Result> =>
  run(args, { env: { ...process.env, NO_COLOR: '1', ONCALL_RUNBOOKS: undefined, ONCALL_STATE_DIR: state, KAFKA_BROKERS: '127.0.0.1:1' }, stdin: stdin ?? '' });

const lagAlert = {
  version: '4',
  status: 'firing',
  alerts: [
    {
      status: 'firing',
      labels: { alertname: 'KafkaConsumerGroupLag', group: 'dispatch-engine' },
      annotations: {},
      startsAt: '2026-12-02T03:58:00Z',
      fingerprint: 'c0ffee00c0ffee00',
    },
  ],
};

test('one match: the runbook runs with the values from the alert, and the journal keeps the alert', async () => {
  const state = join(tmp, 'one');
  const file = join(tmp, 'lag.json');
  writeFileSync(file, JSON.stringify(lagAlert));
  const r = await oncall(['run', '--alert', file, '--dry-run', '--non-interactive'], state);
  expect(r.stderr).not.toMatch(/internal error/);
  expect(r.code).toBe(0);
  const started = journalEvents(state).find((e) => e.type === 'run-started')!;
  expect(started.runbook).toMatchObject({ id: 'INC-007' });
  expect(started.alert).toEqual({ name: 'KafkaConsumerGroupLag', labels: lagAlert.alerts[0]!.labels, startsAt: '2026-12-02T03:58:00Z', fingerprint: 'c0ffee00c0ffee00' });
  expect(started.params).toMatchObject({ group: 'dispatch-engine' });
});

test('the alert on stdin, and an explicit --set wins over a label', async () => {
  const state = join(tmp, 'stdin');
  const r = await oncall(['run', '--alert', '-', '--dry-run', '--non-interactive', '--set', 'group=dispatch-engine-v2'], state, JSON.stringify(lagAlert));
  expect(r.code).toBe(0);
  expect(journalEvents(state).find((e) => e.type === 'run-started')!.params).toMatchObject({ group: 'dispatch-engine-v2' });
});

test('a label value that fails its parameter check starts nothing (exit 2): the run never falls back to a default the alert contradicts', async () => {
  const state = join(tmp, 'hostile');
  const r = await oncall(['run', '--alert', join(PAYLOADS, 'hostile.json'), '--dry-run', '--non-interactive'], state);
  expect(r.code).toBe(2);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(/^oncall: alert KafkaConsumerGroupLagHigh: group \(label group: .*\(got "x; rm -rf \/"\)\) did not pass the parameter's check; not starting INC-007 on a default/);
  expect(journalEvents(state)).toEqual([]);
});

test('several runbooks match and nobody can be asked: refused (exit 2), each command listed', async () => {
  const state = join(tmp, 'several');
  const r = await oncall(['run', '--alert', join(PAYLOADS, 'grouped.json'), '--dry-run', '--non-interactive'], state);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/^oncall: the alert matches 2 runbooks; run one of them: oncall run INC-\d{3}.*; oncall run INC-\d{3}/);
  expect(journalEvents(state)).toEqual([]);
});

test('no match: exit 1 with the closest runbooks; bad input: exit 2 at line:col; id and --alert together: exit 2', async () => {
  const state = join(tmp, 'none');
  const none = await oncall(['run', '--alert', join(PAYLOADS, 'unknown.json'), '--dry-run', '--non-interactive'], state);
  expect(none.code).toBe(1);
  expect(none.stderr).toMatch(/^oncall: no runbook matches alert KafkaConsumerGroupLagg; closest: INC-007/);
  const bad = await oncall(['run', '--alert', join(PAYLOADS, 'bad.json'), '--dry-run'], state);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toMatch(/bad\.json:4:49: invalid JSON: trailing comma before '}'\n$/);
  const both = await oncall(['run', 'INC-007', '--alert', join(PAYLOADS, 'unknown.json')], state);
  expect(both.code).toBe(2);
  expect(both.stderr).toBe('oncall: give a runbook id or --alert, not both\n');
  expect(journalEvents(state)).toEqual([]);
});
