// Results as events carry them (terminal, --json, journal): bounded, so a
// step that printed 50 MB does not make a 50 MB journal line. Enough is kept
// to restore conditions on resume: json up to 1 MB, strings head + tail.

const MAX_STRING = 64 * 1024;
const MAX_ARRAY = 2000;
const MAX_JSON = 1024 * 1024;

export function boundString(s: string, max = MAX_STRING): string {
  if (s.length <= max) return s;
  const head = Math.floor(max * 0.75);
  const tail = max - head;
  return `${s.slice(0, head)}\n… [${s.length - max} characters omitted] …\n${s.slice(s.length - tail)}`;
}

function boundValue(v: unknown, depth: number): unknown {
  if (typeof v === 'string') return boundString(v);
  if (typeof v === 'bigint') return Number(v);
  if (v === null || typeof v !== 'object' || depth > 32) return v;
  if (Array.isArray(v)) {
    const arr = v.length > MAX_ARRAY ? [...v.slice(0, MAX_ARRAY - 500), `… [${v.length - MAX_ARRAY} items omitted] …`, ...v.slice(-499)] : v;
    return arr.map((x) => boundValue(x, depth + 1));
  }
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (x !== undefined && typeof x !== 'function') out[k] = boundValue(x, depth + 1);
  return out;
}

/** A bounded, JSON-safe copy of a step result. A `json` field bigger than 1 MB is dropped (jsonOmitted). */
export function boundResult(result: unknown): unknown {
  if (result === undefined) return undefined;
  if (result && typeof result === 'object' && !Array.isArray(result) && 'json' in result) {
    const { json, ...rest } = result as Record<string, unknown>;
    const out = boundValue(rest, 0) as Record<string, unknown>;
    let size = 0;
    try {
      size = JSON.stringify(json)?.length ?? 0;
    } catch {
      size = Infinity;
    }
    if (size <= MAX_JSON) out.json = json;
    else out.jsonOmitted = `json result of ${size} characters not kept`;
    return out;
  }
  return boundValue(result, 0);
}
