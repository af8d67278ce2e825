// The best path of a scenario: each option it says resolves, walked silently
// on the simulated clock; the fastest recovery is what a score is measured against.
import { PathPrompter } from './path-prompter.js';
import { rehearse } from './rehearsal.js';
import type { BaseSetup } from './setup.js';

export async function bestPath(base: BaseSetup, options: string[]): Promise<{ option: string; ms: number } | undefined> {
  let best: { option: string; ms: number } | undefined;
  for (const option of options) {
    const r = await rehearse({ ...base, option, prompter: new PathPrompter(option) });
    const ms = r.card.timeToRecoveryMs;
    if (ms !== undefined && (!best || ms < best.ms)) best = { option, ms };
  }
  return best;
}
