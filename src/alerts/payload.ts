// What an alert looks like when it reaches oncall: an Alertmanager webhook
// payload (version 4: alerts[] with status, labels, annotations, startsAt,
// endsAt, generatorURL, fingerprint), a single alert object of that shape, a
// JSON array of them (what Prometheus and amtool post), or the one-line alert
// title of seed 000: "<Alert name> - <environment> - <centralized|regional>".
// Everything in it is untrusted: whoever can fire an alert writes it.
import { findJsonSyntaxError, lineColumn } from './json-error.js';

export type AlertStatus = 'firing' | 'resolved';
export type AlertScope = 'centralized' | 'regional';

export interface IncomingAlert {
  /** The alertname label. */
  name: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  status: AlertStatus;
  startsAt?: string;
  endsAt?: string;
  generatorURL?: string;
  fingerprint?: string;
  /** From an alert title: "aws-at" in "SmartGate5XXResponse - aws-at - centralized". */
  environment?: string;
  scope?: AlertScope;
}

export interface AlertInput {
  kind: 'payload' | 'alert' | 'alerts' | 'title';
  alerts: IncomingAlert[];
  receiver?: string;
  groupKey?: string;
  /** Alerts Alertmanager left out of the payload (its max_alerts). */
  truncatedAlerts?: number;
}

/** Input that is not an alert: one line, exit 2. `line`/`column` point into the input (JSON syntax errors). */
export class AlertInputError extends Error {
  constructor(
    message: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(message);
    this.name = 'AlertInputError';
  }
}

const NOT_PAYLOAD = 'not an Alertmanager payload';

// The alert name is a Prometheus-style identifier (no dashes), so the first
// dash ends it even without spaces ("SmartGate5XXResponse-aws-at-centralized");
// the environment may hold dashes; the scope ends the title, optionally
// followed by a detail after a comma or colon (seed 000: "…, vaultToken Error.").
const TITLE =
  /^(?<name>[A-Za-z_][A-Za-z0-9_:.]*)\s*-\s*(?<env>[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9])?)\s*-\s*(?<scope>centralized|regional)\b\s*(?:[,:]\s*(?<detail>.*))?$/i;

export function parseAlertInput(raw: string): AlertInput {
  const text = raw.replace(/^\uFEFF/, '');
  const trimmed = text.trim();
  if (trimmed === '') throw new AlertInputError('no input: expected an Alertmanager payload, an alert, or an alert title');
  if (!/^[{["]/.test(trimmed)) {
    const title = parseTitle(trimmed);
    if (title) return { kind: 'title', alerts: [title] };
    // Neither an object nor an array: a JSON scalar is "not a payload", anything else "not a title".
    const scalar = parseOrUndefined(text);
    if (scalar === undefined) {
      throw new AlertInputError(
        `${NOT_PAYLOAD} or alert title: expected JSON, or a title "<Alert name> - <environment> - <centralized|regional>" (got ${quote(firstLine(trimmed))})`,
      );
    }
    return fromJson(scalar.value);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const found = findJsonSyntaxError(text);
    const offset = found?.offset ?? positionIn((e as Error).message) ?? 0;
    const { line, column } = lineColumn(text, offset);
    throw new AlertInputError(`invalid JSON: ${found?.message ?? (e as Error).message}`, line, column);
  }
  return fromJson(value);
}

function fromJson(value: unknown): AlertInput {
  if (Array.isArray(value)) {
    if (value.length === 0) throw new AlertInputError(`${NOT_PAYLOAD}: the array holds no alerts`);
    return { kind: 'alerts', alerts: value.map((a, i) => toAlert(a, `[${i}]`)) };
  }
  if (!isObject(value)) throw new AlertInputError(`${NOT_PAYLOAD}: expected a JSON object, got ${typeName(value)}`);
  if (!('alerts' in value)) {
    // A single alert object carries labels; anything else is not ours.
    if ('labels' in value) return { kind: 'alert', alerts: [toAlert(value, '')] };
    throw new AlertInputError(`${NOT_PAYLOAD}: "alerts" is missing`);
  }
  if (value.version !== undefined && value.version !== '4') {
    throw new AlertInputError(`${NOT_PAYLOAD}: version ${JSON.stringify(value.version)} is not supported (expected "4")`);
  }
  const alerts = value.alerts;
  if (!Array.isArray(alerts)) throw new AlertInputError(`${NOT_PAYLOAD}: "alerts" must be an array, got ${typeName(alerts)}`);
  if (alerts.length === 0) throw new AlertInputError(`${NOT_PAYLOAD}: "alerts" is empty`);
  const groupStatus = optionalStatus(value.status, 'status');
  const truncated = value.truncatedAlerts;
  if (truncated !== undefined && (typeof truncated !== 'number' || !Number.isInteger(truncated) || truncated < 0)) {
    throw new AlertInputError(`${NOT_PAYLOAD}: "truncatedAlerts" must be a whole number, got ${shortJson(truncated)}`);
  }
  return {
    kind: 'payload',
    alerts: alerts.map((a, i) => toAlert(a, `alerts[${i}]`, groupStatus)),
    ...(typeof value.receiver === 'string' ? { receiver: value.receiver } : {}),
    ...(typeof value.groupKey === 'string' ? { groupKey: value.groupKey } : {}),
    ...(truncated ? { truncatedAlerts: truncated } : {}),
  };
}

function toAlert(value: unknown, path: string, groupStatus?: AlertStatus): IncomingAlert {
  const at = (field: string) => (path ? `${path}.${field}` : field);
  if (!isObject(value)) throw new AlertInputError(`${NOT_PAYLOAD}: ${path || 'the alert'} must be an object, got ${typeName(value)}`);
  if (value.labels === undefined) throw new AlertInputError(`${NOT_PAYLOAD}: ${at('labels')} is missing`);
  const labels = stringMap(value.labels, at('labels'));
  const name = labels.alertname;
  if (name === undefined || name === '') throw new AlertInputError(`${NOT_PAYLOAD}: ${at('labels.alertname')} is missing`);
  const annotations = value.annotations === undefined ? {} : stringMap(value.annotations, at('annotations'));
  const status = optionalStatus(value.status, at('status')) ?? groupStatus ?? 'firing';
  const startsAt = optionalTime(value.startsAt, at('startsAt'));
  const endsAt = optionalTime(value.endsAt, at('endsAt'));
  const generatorURL = optionalString(value.generatorURL, at('generatorURL'));
  const fingerprint = optionalString(value.fingerprint, at('fingerprint'));
  return {
    name,
    labels,
    annotations,
    status,
    ...(startsAt !== undefined ? { startsAt } : {}),
    ...(endsAt !== undefined ? { endsAt } : {}),
    ...(generatorURL !== undefined ? { generatorURL } : {}),
    ...(fingerprint !== undefined ? { fingerprint } : {}),
  };
}

/** The title form of seed 000; its environment and scope become labels too, so runbooks can match on them. */
export function parseTitle(line: string): IncomingAlert | undefined {
  const m = TITLE.exec(line.trim());
  if (!m?.groups) return undefined;
  const { name, env, scope, detail } = m.groups as { name: string; env: string; scope: string; detail?: string };
  const normalizedScope = scope.toLowerCase() as AlertScope;
  return {
    name,
    labels: { alertname: name, environment: env, scope: normalizedScope },
    annotations: detail ? { summary: detail.trim() } : {},
    status: 'firing',
    environment: env,
    scope: normalizedScope,
  };
}

function stringMap(value: unknown, path: string): Record<string, string> {
  if (!isObject(value)) throw new AlertInputError(`${NOT_PAYLOAD}: ${path} must be an object, got ${typeName(value)}`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw new AlertInputError(`${NOT_PAYLOAD}: ${path}.${k} must be a string, got ${typeName(v)}`);
    out[k] = v;
  }
  return out;
}

function optionalStatus(value: unknown, path: string): AlertStatus | undefined {
  if (value === undefined) return undefined;
  if (value === 'firing' || value === 'resolved') return value;
  throw new AlertInputError(`${NOT_PAYLOAD}: ${path} must be "firing" or "resolved", got ${shortJson(value)}`);
}

function optionalString(value: unknown, path: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new AlertInputError(`${NOT_PAYLOAD}: ${path} must be a string, got ${typeName(value)}`);
  return value;
}

function optionalTime(value: unknown, path: string): string | undefined {
  const s = optionalString(value, path);
  if (s !== undefined && !(/^\d{4}-\d{2}-\d{2}T/.test(s) && !Number.isNaN(Date.parse(s)))) {
    throw new AlertInputError(`${NOT_PAYLOAD}: ${path} ${shortJson(s)} is not an RFC 3339 timestamp`);
  }
  return s;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

function parseOrUndefined(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) };
  } catch {
    return undefined;
  }
}

function positionIn(message: string): number | undefined {
  const m = /at position (\d+)/.exec(message);
  return m ? Number(m[1]) : undefined;
}

function firstLine(text: string): string {
  return text.split(/\r?\n/, 1)[0]!;
}

function quote(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
}

function shortJson(value: unknown): string {
  const s = JSON.stringify(value) ?? String(value);
  return s.length > 80 ? `${s.slice(0, 80)}…` : s;
}
