// Escalation reminders (runbook `escalation`, else runbooks/process.yaml) and
// the recurring status-update reminder, fired on the run clock.
import type { Escalation } from '../runbook/types.js';
import type { Clock } from './clock.js';
import { formatDuration, parseDuration } from '../shared/duration.js';
import { reminderKey } from './resume.js';

export interface ReminderSpec {
  clock: Clock;
  startedAt: number;
  escalation: Escalation[];
  statusUpdateEvery?: string;
  /** Reminders a resumed run already gave. */
  fired?: Set<string>;
  emit(kind: 'escalation' | 'status-update', message: string, after?: string): void;
}

/** Schedules every reminder; returns a function that cancels them. */
export function scheduleReminders(spec: ReminderSpec): () => void {
  const cancels: Array<() => void> = [];
  const now = spec.clock.now();
  for (const e of spec.escalation) {
    let ms: number;
    try {
      ms = parseDuration(e.after);
    } catch {
      continue;
    }
    if (spec.fired?.has(reminderKey('escalation', e.action, e.after))) continue;
    const delay = spec.startedAt + ms - now;
    // Due already (an "after: 0m" step, or a resumed run): say it now, not after the first step.
    if (delay <= 0) spec.emit('escalation', e.action, e.after);
    else cancels.push(spec.clock.setTimer(delay, () => spec.emit('escalation', e.action, e.after)));
  }
  if (spec.statusUpdateEvery) {
    let every = 0;
    try {
      every = parseDuration(spec.statusUpdateEvery);
    } catch {
      every = 0;
    }
    if (every > 0) {
      let k = Math.floor((now - spec.startedAt) / every) + 1;
      const arm = (): void => {
        const due = spec.startedAt + k * every;
        cancels.push(
          spec.clock.setTimer(Math.max(0, due - spec.clock.now()), () => {
            spec.emit('status-update', `post a status update (every ${formatDuration(every)})`, formatDuration(k * every));
            k++;
            arm();
          }),
        );
      };
      arm();
    }
  }
  return () => cancels.forEach((c) => c());
}
