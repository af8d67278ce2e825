// The resolved runbook: what the engine will actually execute, with schema
// defaults filled in and the general process (escalation, reminders) merged.
import type { Escalation, Process, Runbook, Stage, Step } from './types.js';

export const DEFAULT_STEP_TIMEOUT = '60s';
export const DEFAULT_STATUS_UPDATE_EVERY = '30m';

export interface ResolvedRunbook extends Runbook {
  escalation: Escalation[];
  reminders: { statusUpdateEvery: string };
}

function resolveStep(step: Step): Step {
  return { ...step, timeout: step.timeout ?? DEFAULT_STEP_TIMEOUT, retries: step.retries ?? 0 };
}

function resolveStage<S extends Stage>(stage: S | undefined): S | undefined {
  if (!stage) return undefined;
  return { ...stage, steps: (stage.steps ?? []).map(resolveStep) };
}

export function resolveRunbook(runbook: Runbook, process?: Process): ResolvedRunbook {
  const { detect, triage, mitigate, communicate, resolve } = runbook.stages;
  return {
    ...runbook,
    stages: {
      detect: resolveStage(detect)!,
      triage: triage && {
        ...resolveStage(triage)!,
        cases: (triage.cases ?? []).map((c) => ({ ...c, steps: (c.steps ?? []).map(resolveStep) })),
      },
      mitigate: mitigate && {
        ...resolveStage(mitigate)!,
        options: mitigate.options.map((o) => ({ ...o, steps: o.steps.map(resolveStep) })),
      },
      communicate: resolveStage(communicate),
      resolve: resolveStage(resolve)!,
    },
    escalation: runbook.escalation ?? process?.escalation ?? [],
    reminders: {
      statusUpdateEvery:
        runbook.reminders?.statusUpdateEvery ?? process?.reminders?.statusUpdateEvery ?? DEFAULT_STATUS_UPDATE_EVERY,
    },
  };
}
