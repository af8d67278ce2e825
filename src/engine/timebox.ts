// A stage's timebox: one reminder, on the run clock, when the stage runs past
// it. Only the current stage is watched: the next stage (or the end of the
// run) cancels the timer.
import type { StageName } from '../runbook/types.js';
import type { RunCore } from './core.js';
import { parseDuration } from '../shared/duration.js';

export class TimeboxWatch {
  private cancelTimer: (() => void) | undefined;

  constructor(private readonly core: RunCore) {}

  watch(stage: StageName, timebox: string | undefined): void {
    this.cancel();
    if (!timebox) return;
    let ms: number;
    try {
      ms = parseDuration(timebox);
    } catch {
      return; // lint reports it; the run goes on without the reminder
    }
    const core = this.core;
    this.cancelTimer = core.clock.setTimer(ms, () =>
      core.emit({ type: 'reminder', kind: 'timebox', message: `${stage} has run past its ${timebox} timebox`, after: timebox, elapsedMinutes: core.elapsedMinutes() }),
    );
  }

  cancel(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
  }
}
