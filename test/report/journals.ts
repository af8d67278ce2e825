// Real journals for report tests: the engine runs in-process, then the
// events' `at` times are set to a known story so the numbers are exact.
import type { EngineEvent } from '../../src/engine/events.js';

export const T0 = Date.parse('2026-12-02T03:58:00.000Z');
export const MIN = 60_000;

/** Gives every event a time: `pick` decides for the events it knows (ms after
 *  T0), the rest keep their order, one second after the previous event. */
export function retime(events: EngineEvent[], pick: (e: EngineEvent) => number | undefined): EngineEvent[] {
  let last = T0 - 1000;
  return events.map((e) => {
    const chosen = pick(e);
    const t = chosen !== undefined ? T0 + chosen : last + 1000;
    last = t;
    const at = new Date(t).toISOString();
    return { ...e, at, ...(e.type === 'run-started' ? { startedAt: at } : {}) } as EngineEvent;
  });
}

export const finishedStep = (id: string) => (e: EngineEvent) => e.type === 'step-finished' && e.stepId === id;
