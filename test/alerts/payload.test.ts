// Reading alert input: Alertmanager v4 payloads, single alerts, arrays of
// alerts, seed 000's alert titles; and one-line errors for everything else,
// with line:col for JSON syntax errors.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findJsonSyntaxError, lineColumn } from '../../src/alerts/json-error.js';
import { AlertInputError, parseAlertInput, parseTitle } from '../../src/alerts/payload.js';

const PAYLOADS = join(process.cwd(), 'test', 'fixtures', 'alert-payloads');
const payload = (name: string) => readFileSync(join(PAYLOADS, name), 'utf8');

function inputError(text: string): AlertInputError {
  try {
    parseAlertInput(text);
  } catch (e) {
    if (e instanceof AlertInputError) return e;
    throw e;
  }
  throw new Error(`accepted: ${text}`);
}

describe('Alertmanager payloads', () => {
  test('a grouped payload: every alert with its status, labels, annotations, times and fingerprint', () => {
    const input = parseAlertInput(payload('grouped.json'));
    expect(input).toMatchObject({ kind: 'payload', receiver: 'oncall', groupKey: '{}:{team="platform"}' });
    expect(input.truncatedAlerts).toBeUndefined();
    expect(input.alerts.map((a) => [a.name, a.status])).toEqual([
      ['KafkaConsumerGroupLagHigh', 'firing'],
      ['RedisMemoryHigh', 'firing'],
      ['MySQLReplicaLagHigh', 'resolved'],
    ]);
    expect(input.alerts[0]).toEqual({
      name: 'KafkaConsumerGroupLagHigh',
      labels: { alertname: 'KafkaConsumerGroupLagHigh', group: 'payments-consumer', team: 'platform', severity: 'critical' },
      annotations: { summary: 'payments-consumer is 42k messages behind' },
      status: 'firing',
      startsAt: '2024-05-01T10:00:00.000Z',
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus.example:9090/graph?g0.expr=kafka_consumergroup_lag',
      fingerprint: '3f2c9a1b7d4e5f60',
    });
  });

  test('truncatedAlerts is kept so the operator hears that alerts were left out', () => {
    expect(parseAlertInput(payload('unknown.json')).truncatedAlerts).toBe(2);
  });

  test('a single alert object, and an array of them (what Prometheus posts), are alerts too', () => {
    const one = parseAlertInput('{"labels":{"alertname":"RedisMemoryHigh"},"startsAt":"2024-05-01T10:00:00+02:00"}');
    expect(one.kind).toBe('alert');
    expect(one.alerts).toEqual([{ name: 'RedisMemoryHigh', labels: { alertname: 'RedisMemoryHigh' }, annotations: {}, status: 'firing', startsAt: '2024-05-01T10:00:00+02:00' }]);
    const many = parseAlertInput('[{"labels":{"alertname":"A"}},{"labels":{"alertname":"B"},"status":"resolved"}]');
    expect(many.kind).toBe('alerts');
    expect(many.alerts.map((a) => `${a.name}:${a.status}`)).toEqual(['A:firing', 'B:resolved']);
  });

  test('an alert without a status takes the payload status', () => {
    const input = parseAlertInput('{"version":"4","status":"resolved","alerts":[{"labels":{"alertname":"A"}}]}');
    expect(input.alerts[0]!.status).toBe('resolved');
  });

  test.each([
    ['{"foo": 1}', 'not an Alertmanager payload: "alerts" is missing'],
    ['{"alerts": {}}', 'not an Alertmanager payload: "alerts" must be an array, got an object'],
    ['{"alerts": []}', 'not an Alertmanager payload: "alerts" is empty'],
    ['{"version": "3", "alerts": [{"labels": {"alertname": "A"}}]}', 'not an Alertmanager payload: version "3" is not supported (expected "4")'],
    ['{"alerts": [{"annotations": {}}]}', 'not an Alertmanager payload: alerts[0].labels is missing'],
    ['{"alerts": [{"labels": {"alertname": "A"}}, {"labels": {"job": "x"}}]}', 'not an Alertmanager payload: alerts[1].labels.alertname is missing'],
    ['{"alerts": [{"labels": {"alertname": "A", "replicas": 3}}]}', 'not an Alertmanager payload: alerts[0].labels.replicas must be a string, got a number'],
    ['{"alerts": [{"labels": {"alertname": "A"}, "status": "pending"}]}', 'not an Alertmanager payload: alerts[0].status must be "firing" or "resolved", got "pending"'],
    ['{"alerts": [{"labels": {"alertname": "A"}, "startsAt": "yesterday"}]}', 'not an Alertmanager payload: alerts[0].startsAt "yesterday" is not an RFC 3339 timestamp'],
    ['{"alerts": ["A"]}', 'not an Alertmanager payload: alerts[0] must be an object, got a string'],
    ['{"alerts": [{"labels": {"alertname": "A"}}], "truncatedAlerts": -1}', 'not an Alertmanager payload: "truncatedAlerts" must be a whole number, got -1'],
    ['"KafkaConsumerGroupLag"', 'not an Alertmanager payload: expected a JSON object, got a string'],
    ['42', 'not an Alertmanager payload: expected a JSON object, got a number'],
    ['[]', 'not an Alertmanager payload: the array holds no alerts'],
    ['hello world', 'not an Alertmanager payload or alert title: expected JSON, or a title "<Alert name> - <environment> - <centralized|regional>" (got "hello world")'],
    ['   \n', 'no input: expected an Alertmanager payload, an alert, or an alert title'],
  ])('%s is refused: %s', (text, message) => {
    const e = inputError(text);
    expect(e.message).toBe(message);
    expect(e.line).toBeUndefined();
  });
});

describe('alert titles (seed 000)', () => {
  test('"SmartGate5XXResponse - aws-at - centralized": name, environment, scope, also as labels', () => {
    const input = parseAlertInput('SmartGate5XXResponse - aws-at - centralized\n');
    expect(input.kind).toBe('title');
    expect(input.alerts).toEqual([
      {
        name: 'SmartGate5XXResponse',
        labels: { alertname: 'SmartGate5XXResponse', environment: 'aws-at', scope: 'centralized' },
        annotations: {},
        status: 'firing',
        environment: 'aws-at',
        scope: 'centralized',
      },
    ]);
  });

  test.each([
    ['SmartGate5XXResponse-aws-at-centralized', 'SmartGate5XXResponse', 'aws-at', 'centralized'],
    ['SmartGateHighLatencyBuckets - aws-production - centralized', 'SmartGateHighLatencyBuckets', 'aws-production', 'centralized'],
    ['MSKCPUUtilization - aws-at - Regional', 'MSKCPUUtilization', 'aws-at', 'regional'],
  ])('%s', (title, name, environment, scope) => {
    expect(parseTitle(title)).toMatchObject({ name, environment, scope });
  });

  test('the detail after the comma (seed 000: "…, vaultToken Error.") becomes the summary', () => {
    expect(parseTitle('SmartGate5XXResponse - aws-at - centralized, vaultToken Error.')).toMatchObject({
      environment: 'aws-at',
      annotations: { summary: 'vaultToken Error.' },
    });
  });

  test.each(['SmartGate5XXResponse - aws-at', 'SmartGate5XXResponse - aws-at - global', 'SmartGate5XXResponse - aws-at - centralized\nsecond line', '5XX - aws-at - centralized'])(
    '%j is not a title',
    (text) => {
      expect(parseTitle(text)).toBeUndefined();
      expect(inputError(text).message).toMatch(/^not an Alertmanager payload or alert title: /);
    },
  );
});

describe('JSON syntax errors point at line:col of the input', () => {
  test('the fixture with a trailing comma: line 4, at the comma', () => {
    const e = inputError(payload('bad.json'));
    expect([e.line, e.column, e.message]).toEqual([4, 49, "invalid JSON: trailing comma before '}'"]);
  });

  test.each([
    ['{"a" 1}', 1, 6, `invalid JSON: expected ':' after the property name, got "1"`],
    ['{\n  "alerts": [\n    {"labels": x}\n  ]\n}', 3, 16, 'invalid JSON: unexpected character, expected a JSON value, got "x"'],
    ['{"alerts": [1, 2', 1, 17, "invalid JSON: expected ',' or ']', got end of input"],
    ['{"a": "b\nc"}', 1, 7, 'invalid JSON: unterminated string, got "\\"b"'],
    ['{"a": "\\q"}', 1, 7, 'invalid JSON: invalid escape, got "\\"\\\\q\\""'],
    ['{"a": tru}', 1, 7, 'invalid JSON: unexpected character, expected a JSON value, got "tru"'],
    ['{"a": 1} {"b": 2}', 1, 10, 'invalid JSON: unexpected text after the JSON value, got "{"'],
    ['{"a": "open', 1, 7, 'invalid JSON: unterminated string, got "\\"open"'],
    ['[01]', 1, 3, `invalid JSON: expected ',', got "1"`],
    ['{a: 1}', 1, 2, 'invalid JSON: unexpected character, expected a JSON value, got "a"'],
  ])('%j → %i:%i %s', (text, line, column, message) => {
    const e = inputError(text);
    expect([e.line, e.column, e.message]).toEqual([line, column, message]);
  });

  test('the scanner accepts what JSON.parse accepts', () => {
    for (const text of [payload('grouped.json'), '[]', '{"a":[1,-2.5e3,true,false,null,"\\u00e9\\n"]}', ' 0 ']) {
      expect(() => JSON.parse(text)).not.toThrow();
      expect(findJsonSyntaxError(text)).toBeUndefined();
    }
  });

  test('lineColumn counts from 1', () => {
    expect(lineColumn('ab\ncd', 0)).toEqual({ line: 1, column: 1 });
    expect(lineColumn('ab\ncd', 4)).toEqual({ line: 2, column: 2 });
  });
});
