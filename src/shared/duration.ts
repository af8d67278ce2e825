// Durations as runbooks write them (500ms, 30s, 15m, 2h, 7d), and as every layer
// shows them. This module imports nothing.
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseDuration(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/.exec(text);
  if (!m) throw new Error(`invalid duration "${text}" (use e.g. 500ms, 30s, 15m, 2h)`);
  return Math.round(Number(m[1]) * UNIT_MS[m[2]!]!);
}

/** 4500 → "4.5s", 90000 → "1m30s", 59 → "59ms". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) {
    const s = ms / 1000;
    return `${Number.isInteger(s) ? s : s.toFixed(1)}s`;
  }
  const totalS = Math.round(ms / 1000);
  const h = Math.floor(totalS / 3600);
  const m = Math.floor((totalS % 3600) / 60);
  const s = totalS % 60;
  if (h) return `${h}h${m ? `${m}m` : ''}`;
  return `${m}m${s ? `${s}s` : ''}`;
}

/** Elapsed time on the run clock: "04:12" or "1:04:12". */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = String(m).padStart(2, '0');
  const ss = String(s).padStart(2, '0');
  return h ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}
