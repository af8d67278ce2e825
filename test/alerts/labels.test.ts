// A label under another exporter's name: kafka_exporter's `consumergroup` is
// the `group` the Kafka runbooks name. It matches, contradicts and fills like
// `group` would, says where it came from, and never beats the label itself.
import { join } from 'node:path';
import { loadAll } from '../../src/cli/catalog-loader.js';
import { findLabel } from '../../src/alerts/labels.js';
import { closestRunbooks, matchAlert, type CatalogEntry } from '../../src/alerts/match.js';
import { paramsFromAlert } from '../../src/alerts/params.js';
import type { IncomingAlert } from '../../src/alerts/payload.js';

let bundled: CatalogEntry[];
beforeAll(() => {
  const b = loadAll(join(process.cwd(), 'runbooks'));
  expect(b.invalid).toEqual([]);
  bundled = b.runbooks;
});

const alert = (labels: Record<string, string>): IncomingAlert => ({ name: labels.alertname!, labels, annotations: {}, status: 'firing' });

test('findLabel: the name asked for first, then its other name; an empty value is no value', () => {
  expect(findLabel({ consumergroup: 'a' }, 'group')).toEqual({ value: 'a', label: 'consumergroup' });
  expect(findLabel({ group: 'b', consumergroup: 'a' }, 'group')).toEqual({ value: 'b', label: 'group' });
  expect(findLabel({ group: '', consumergroup: 'a' }, 'group')).toEqual({ value: 'a', label: 'consumergroup' });
  expect(findLabel({ group: 'b' }, 'consumergroup')).toEqual({ value: 'b', label: 'group' });
  expect(findLabel({ topic: 'x' }, 'group')).toBeUndefined();
  expect(findLabel({ consumer_group: 'x' }, 'group')).toBeUndefined();
});

test('kafka_exporter\'s consumergroup and topic fill INC-007\'s group and topic, with their sources', () => {
  const a = alert({ alertname: 'KafkaConsumerGroupLagHigh', consumergroup: 'notification-svc', topic: 'notifications', partition: '4' });
  const [m] = matchAlert(a, bundled);
  expect(m?.runbook.id).toBe('INC-007');
  expect(paramsFromAlert(m!.runbook, a)).toEqual({
    values: { group: 'notification-svc', topic: 'notifications' },
    sources: { group: 'label consumergroup', topic: 'label topic' },
    rejected: [],
  });
});

test('it confirms the runbook label, and says so in why', () => {
  const [m, ...rest] = matchAlert(alert({ alertname: 'KafkaConsumerGroupLag', consumergroup: 'dispatch-engine' }), bundled);
  expect(rest).toEqual([]);
  expect(m).toMatchObject({ runbook: { id: 'INC-007' }, matchedLabels: ['group'], absentLabels: [] });
  expect(m!.why).toBe('alertname KafkaConsumerGroupLag; label group=dispatch-engine (as consumergroup)');
});

test('it contradicts the runbook label like group would, naming the label the alert carries', () => {
  const a = alert({ alertname: 'KafkaConsumerGroupLag', consumergroup: 'payments' });
  expect(matchAlert(a, bundled)).toEqual([]);
  expect(closestRunbooks(a, bundled)[0]!.why).toBe('alertname KafkaConsumerGroupLag matches, but label consumergroup=payments is not dispatch-engine');
});

test('a hostile value under the other name is refused like any label', () => {
  const a = alert({ alertname: 'KafkaConsumerGroupLagHigh', consumergroup: 'x; rm -rf /' });
  const p = paramsFromAlert(matchAlert(a, bundled)[0]!.runbook, a);
  expect(p.values).toEqual({});
  expect(p.rejected).toEqual([expect.objectContaining({ param: 'group', source: 'label consumergroup' })]);
});
