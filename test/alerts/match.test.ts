// Ranking runbooks for an alert, the parameters its labels and title fill,
// and the single choice `run --alert` takes, on the bundled runbooks (and
// three fixtures in test/fixtures/alerts for seed 000's titles).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAll } from '../../src/cli/catalog-loader.js';
import { closestRunbooks, matchAlert, topMatches, type CatalogEntry } from '../../src/alerts/match.js';
import { paramsFromAlert } from '../../src/alerts/params.js';
import { parseTitle, type IncomingAlert } from '../../src/alerts/payload.js';
import { alertReport, chooseRunbookForAlert, everyFiringAlertMatched } from '../../src/alerts/resolve.js';

const ROOT = process.cwd();
const PAYLOADS = join(ROOT, 'test', 'fixtures', 'alert-payloads');
let bundled: CatalogEntry[];
let talend: CatalogEntry[];

beforeAll(() => {
  const b = loadAll(join(ROOT, 'runbooks'));
  const t = loadAll(join(ROOT, 'test', 'fixtures', 'alerts'));
  expect(b.invalid).toEqual([]);
  expect(t.invalid).toEqual([]);
  bundled = b.runbooks;
  talend = t.runbooks;
});

const alert = (labels: Record<string, string>): IncomingAlert => ({ name: labels.alertname!, labels, annotations: {}, status: 'firing' });
const runbook = (id: string) => bundled.find((e) => e.runbook.id === id)!.runbook;
const ids = (ms: Array<{ runbook: { id: string } }>) => ms.map((m) => m.runbook.id);

describe('matchAlert on the bundled runbooks', () => {
  test('alertname plus a label the runbook names: INC-007, and why', () => {
    const [m, ...rest] = matchAlert(alert({ alertname: 'KafkaConsumerGroupLag', group: 'dispatch-engine', team: 'platform' }), bundled);
    expect(rest).toEqual([]);
    expect(m).toMatchObject({ runbook: { id: 'INC-007' }, matchedLabels: ['group'], absentLabels: [] });
    expect(m!.why).toBe('alertname KafkaConsumerGroupLag; label group=dispatch-engine');
  });

  test('a runbook label the alert does not carry neither confirms nor disqualifies', () => {
    const [m] = matchAlert(alert({ alertname: 'KafkaConsumerGroupLag' }), bundled);
    expect(m).toMatchObject({ runbook: { id: 'INC-007' }, matchedLabels: [], absentLabels: ['group'] });
    expect(m!.why).toBe('alertname KafkaConsumerGroupLag; label group not on the alert (runbook expects dispatch-engine)');
  });

  test('a label that contradicts the runbook disqualifies it; the closest list says why', () => {
    const a = alert({ alertname: 'KafkaConsumerGroupLag', group: 'payments' });
    expect(matchAlert(a, bundled)).toEqual([]);
    const [first] = closestRunbooks(a, bundled);
    expect(first).toMatchObject({ runbook: { id: 'INC-007' }, distance: 0, contradicted: ['group'] });
    expect(first!.why).toBe('alertname KafkaConsumerGroupLag matches, but label group=payments is not dispatch-engine');
  });

  test.each([
    [{ alertname: 'KafkaBrokerDown', cluster: 'prod' }, 'INC-006'],
    [{ alertname: 'KafkaUnderReplicatedPartitions' }, 'INC-006'],
    [{ alertname: 'RedisMemoryHigh', instance: 'prod-redis:6379' }, 'INC-004'],
    [{ alertname: 'FraudDetectionHighSeverity', severity: 'high', partner_id: 'P007' }, 'INC-011'],
    [{ alertname: 'RegionReplicationLagHotData', region: 'cn-to-global' }, 'INC-012'],
  ])('%j → %s', (labels, id) => {
    expect(ids(matchAlert(alert(labels), bundled))).toEqual([id]);
  });

  test.each([
    [{ alertname: 'KafkaBrokerDown', cluster: 'staging' }],
    [{ alertname: 'IntegrationCircuitBreakerOpen', service: 'wms' }],
    [{ alertname: 'FraudDetectionHighSeverity', severity: 'critical' }],
  ])('%j contradicts its runbook: no match', (labels) => {
    expect(matchAlert(alert(labels), bundled)).toEqual([]);
  });

  test('seed 000 title: TAL-001, its alert, environment and scope filled from the title', () => {
    const title = parseTitle('SmartGate5XXResponse - aws-at - centralized')!;
    const [m, ...rest] = matchAlert(title, bundled);
    expect(rest).toEqual([]);
    expect(m).toMatchObject({ runbook: { id: 'TAL-001' }, matchedLabels: [], absentLabels: ['service'] });
    expect(paramsFromAlert(m!.runbook, title)).toEqual({
      values: { alert: 'SmartGate5XXResponse', environment: 'aws-at', scope: 'centralized' },
      sources: { alert: 'label alertname', environment: 'label environment', scope: 'label scope' },
      rejected: [],
    });
  });

  test('alertnames are exact: another case is no match, only the closest', () => {
    const a = alert({ alertname: 'redismemoryhigh' });
    expect(matchAlert(a, bundled)).toEqual([]);
    expect(closestRunbooks(a, bundled)[0]).toMatchObject({ runbook: { id: 'INC-004' }, distance: 0, why: 'alertname RedisMemoryHigh differs only in case' });
  });

  test('closest: by alertname edit distance, then shared labels; three at most', () => {
    const near = closestRunbooks(alert({ alertname: 'KafkaConsumerGroupLagg', group: 'dispatch-engine' }), bundled);
    expect(near).toHaveLength(3);
    expect(near[0]).toMatchObject({ runbook: { id: 'INC-007' }, alertname: 'KafkaConsumerGroupLag', distance: 1, sharedLabels: ['group'] });
    expect(near[0]!.why).toBe('alertname KafkaConsumerGroupLag is 1 edit away; shares group=dispatch-engine');
    expect(near[1]!.distance).toBeGreaterThanOrEqual(1);
  });
});

describe('ranking: labels first, then severity, then id', () => {
  test('the runbook that names the matching label wins over more severe ones', () => {
    const ranked = matchAlert(parseTitle('SmartGate5XXResponse - aws-at - centralized')!, talend);
    expect(ids(ranked)).toEqual(['TAL-001', 'TAL-003', 'TAL-002']);
    expect(ranked[0]!.why).toBe('alertname SmartGate5XXResponse; label scope=centralized');
    expect(ids(topMatches(ranked))).toEqual(['TAL-001']);
  });

  test('with equal labels the more severe runbook comes first, and both are top matches', () => {
    const ranked = matchAlert(parseTitle('SmartGate5XXResponse - aws-at - regional')!, talend);
    expect(ids(ranked)).toEqual(['TAL-003', 'TAL-002']); // TAL-001 wants scope=centralized
    expect(ids(topMatches(ranked))).toEqual(['TAL-003', 'TAL-002']);
  });
});

describe('paramsFromAlert', () => {
  test('fromLabel fills the parameter, with its source', () => {
    expect(paramsFromAlert(runbook('INC-007'), alert({ alertname: 'KafkaConsumerGroupLagHigh', group: 'payments-consumer' }))).toEqual({
      values: { group: 'payments-consumer' },
      sources: { group: 'label group' },
      rejected: [],
    });
    expect(paramsFromAlert(runbook('INC-011'), alert({ alertname: 'FraudDetectionHighSeverity', partner_id: 'P00X' })).values).toEqual({ partner_id: 'P00X' });
  });

  test('a hostile label value fails the pattern: not used, reported with the --set message', () => {
    const p = paramsFromAlert(runbook('INC-007'), alert({ alertname: 'KafkaConsumerGroupLagHigh', group: 'x; rm -rf /' }));
    expect(p.values).toEqual({});
    expect(p.rejected).toEqual([
      { param: 'group', source: 'label group', reason: 'invalid value for parameter "group": must match ^[A-Za-z0-9._][A-Za-z0-9._-]{0,248}$ (got "x; rm -rf /")' },
    ]);
  });

  test('control characters are refused even where a pattern would not look', () => {
    const p = paramsFromAlert(runbook('INC-011'), alert({ alertname: 'FraudDetectionHighSeverity', partner_id: 'P007\n\u001b[2J' }));
    expect(p.values).toEqual({});
    expect(p.rejected[0]!.reason).toBe('invalid value for parameter "partner_id": contains control characters (got "P007\\n\\u001b[2J")');
  });

  test('an alert label the runbook does not map fills nothing; defaults stay the run\'s business', () => {
    expect(paramsFromAlert(runbook('INC-004'), alert({ alertname: 'RedisMemoryHigh', pattern: 'session:*' }))).toEqual({ values: {}, sources: {}, rejected: [] });
  });

  test('a title fills params named environment/env and scope, checked against their patterns', () => {
    const title = parseTitle('SmartGate5XXResponse - aws-at - centralized')!;
    const tal = (id: string) => talend.find((e) => e.runbook.id === id)!.runbook;
    expect(paramsFromAlert(tal('TAL-001'), title)).toEqual({
      values: { environment: 'aws-at', scope: 'centralized' },
      sources: { environment: 'title environment', scope: 'title scope' },
      rejected: [],
    });
    expect(paramsFromAlert(tal('TAL-002'), title).values).toEqual({ env: 'aws-at' });
    const gcp = paramsFromAlert(tal('TAL-001'), parseTitle('SmartGate5XXResponse - gcp-prod - centralized')!);
    expect(gcp.values).toEqual({ scope: 'centralized' });
    expect(gcp.rejected).toEqual([{ param: 'environment', source: 'title environment', reason: 'invalid value for parameter "environment": must match ^aws-[a-z]+$ (got "gcp-prod")' }]);
  });
});

describe('alertReport and chooseRunbookForAlert (what run --alert takes)', () => {
  const text = (name: string) => readFileSync(join(PAYLOADS, name), 'utf8');

  test('a grouped payload: two firing alerts, two runbooks, commands with the alert values; the resolved one ignored', () => {
    const report = alertReport(text('grouped.json'), bundled);
    expect(report.outcomes.map((o) => [o.alert.name, o.ignored ?? ids(o.matches).join()])).toEqual([
      ['KafkaConsumerGroupLagHigh', 'INC-007'],
      ['RedisMemoryHigh', 'INC-004'],
      ['MySQLReplicaLagHigh', 'resolved'],
    ]);
    expect(report.outcomes[0]!.matches[0]!.command).toBe('oncall run INC-007 --set group=payments-consumer');
    expect(report.outcomes[1]!.matches[0]!.argv).toEqual(['oncall', 'run', 'INC-004']);
    expect(everyFiringAlertMatched(report)).toBe(true);
    const choice = chooseRunbookForAlert(text('grouped.json'), bundled);
    expect(choice.kind).toBe('several');
    if (choice.kind === 'several') expect(choice.choices.map((c) => c.match.runbook.id)).toEqual(['INC-007', 'INC-004']);
  });

  test('one firing alert: one choice, with its alert (startsAt for the journal) and values', () => {
    const choice = chooseRunbookForAlert(text('hostile.json'), bundled);
    expect(choice.kind).toBe('one');
    if (choice.kind !== 'one') return;
    expect(choice.choice.alert.startsAt).toBe('2024-05-01T10:00:00Z');
    expect(choice.choice.match.runbook.id).toBe('INC-007');
    expect(choice.choice.match.params.values).toEqual({});
    expect(choice.choice.match.params.rejected.map((r) => r.param)).toEqual(['group']);
    expect(choice.choice.match.argv.join(' ')).not.toContain('rm');
  });

  test('the same runbook with the same values from two alerts is one choice; other values make two', () => {
    const two = (g1: string, g2: string) =>
      JSON.stringify({ version: '4', status: 'firing', alerts: [g1, g2].map((g) => ({ status: 'firing', labels: { alertname: 'KafkaConsumerGroupLagHigh', group: g } })) });
    expect(chooseRunbookForAlert(two('a', 'a'), bundled).kind).toBe('one');
    expect(chooseRunbookForAlert(two('a', 'b'), bundled).kind).toBe('several');
  });

  test('labels decide before severity: a centralized title is one choice, a regional one is two', () => {
    expect(chooseRunbookForAlert('SmartGate5XXResponse - aws-at - centralized', talend).kind).toBe('one');
    expect(chooseRunbookForAlert('SmartGate5XXResponse - aws-at - regional', talend).kind).toBe('several');
  });

  test('nothing firing, and nothing matching, are told apart', () => {
    expect(chooseRunbookForAlert(text('resolved.json'), bundled).kind).toBe('nothing-firing');
    const none = chooseRunbookForAlert(text('unknown.json'), bundled);
    expect(none.kind).toBe('none');
    expect(none.report.outcomes[0]!.closest[0]!.runbook.id).toBe('INC-007');
  });

  test('--runbooks goes into the command so it finds the same runbooks', () => {
    const report = alertReport('SmartGate5XXResponse - aws-at - centralized', talend, { runbooks: '/srv/my runbooks' });
    expect(report.outcomes[0]!.matches[0]!.command).toBe(
      "oncall --runbooks '/srv/my runbooks' run TAL-001 --set environment=aws-at --set scope=centralized",
    );
  });

  test('bad input throws the input error', () => {
    expect(() => chooseRunbookForAlert('{"foo":1}', bundled)).toThrow('not an Alertmanager payload: "alerts" is missing');
  });
});
