// "500ms", "30s", "15m", "2h", "7d" → milliseconds (the schema's duration pattern).
const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseDuration(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const m = /^([0-9]+)(ms|s|m|h|d)$/.exec(text);
  return m ? Number(m[1]) * UNITS[m[2]!]! : undefined;
}
