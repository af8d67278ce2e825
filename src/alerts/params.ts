// Parameter values an alert supplies. A param with `fromLabel: L` takes the
// alert's label L (or the name another exporter gives L, labels.ts); a param
// named `environment` or `env` takes the environment of an alert title, and
// one named `scope` its scope (centralized|regional),
// unless its own label already gave it a value. Alert labels are untrusted
// (whoever can fire an alert writes them), so each value passes the same
// check as a `--set` value (src/engine/params.ts), and a value that fails it
// is left out and reported, never used.
import { ParamError, resolveParams } from '../engine/params.js';
import type { Runbook } from '../runbook/types.js';
import { findLabel } from './labels.js';
import type { IncomingAlert } from './payload.js';

export const ENVIRONMENT_PARAMS: readonly string[] = ['environment', 'env'];
export const SCOPE_PARAMS: readonly string[] = ['scope'];

export interface RejectedValue {
  param: string;
  /** "label group", "title environment" */
  source: string;
  reason: string;
}

export interface AlertParams {
  /** As `--set` would give them: name → text. */
  values: Record<string, string>;
  /** name → where the value came from: "label group", "title environment". */
  sources: Record<string, string>;
  rejected: RejectedValue[];
}

// Newlines and escape sequences have no place in a parameter and would
// garble the terminal the command is printed on.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

export function paramsFromAlert(runbook: Runbook, alert: IncomingAlert): AlertParams {
  const values: Record<string, string> = {};
  const sources: Record<string, string> = {};
  const rejected: RejectedValue[] = [];
  for (const [name, param] of Object.entries(runbook.params ?? {})) {
    const offered = offeredValue(name, param.fromLabel, alert);
    if (!offered) continue;
    const problem = invalidReason(runbook, name, offered.value);
    if (problem) rejected.push({ param: name, source: offered.source, reason: problem });
    else {
      values[name] = offered.value;
      sources[name] = offered.source;
    }
  }
  return { values, sources, rejected };
}

function offeredValue(name: string, fromLabel: string | undefined, alert: IncomingAlert): { value: string; source: string } | undefined {
  const found = fromLabel ? findLabel(alert.labels, fromLabel) : undefined;
  if (found) return { value: found.value, source: `label ${found.label}` };
  if (alert.environment !== undefined && ENVIRONMENT_PARAMS.includes(name)) return { value: alert.environment, source: 'title environment' };
  if (alert.scope !== undefined && SCOPE_PARAMS.includes(name)) return { value: alert.scope, source: 'title scope' };
  return undefined;
}

/** The --set check, on this one parameter alone (other params' required-ness is not the alert's business). */
function invalidReason(runbook: Runbook, name: string, value: string): string | undefined {
  if (CONTROL.test(value)) return `invalid value for parameter "${name}": contains control characters (got ${JSON.stringify(value.slice(0, 80))})`;
  const param = runbook.params![name]!;
  try {
    resolveParams({ ...runbook, params: { [name]: { ...param, required: false } } }, new Map([[name, value]]), {});
    return undefined;
  } catch (e) {
    if (e instanceof ParamError) return e.message;
    throw e;
  }
}
