// --json: one JSON object per line on stdout, one per event (already redacted).
import type { EngineEvent } from '../engine/events.js';

export function jsonLines(write: (text: string) => void): (e: EngineEvent) => void {
  return (e) => write(`${JSON.stringify(e)}\n`);
}
