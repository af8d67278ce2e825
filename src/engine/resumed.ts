// The start of a resumed run: what the journal says finished is restored into
// the scope (but not a failed write, nor a failed mitigate or resolve step,
// which run again), the evidence's age is said (or detect and triage are
// measured again), and every write in doubt is named before the walk begins.
import type { StageName } from '../runbook/types.js';
import type { RunCore } from './core.js';
import { formatDuration } from '../shared/duration.js';
import type { EventOf } from './events.js';
import type { ResumeState } from './resume.js';

const RESTORABLE_FAILED_STAGES: StageName[] = ['detect', 'triage', 'communicate'];

export async function startResumed(core: RunCore, resume: ResumeState): Promise<void> {
  const o = core.o;
  for (const [id, f] of resume.finished) {
    if (restorable(core, id, f)) core.scope.setStep(id, { status: f.status, result: f.result });
  }
  core.emit({
    type: 'run-resumed',
    runbook: core.runbookRef,
    hashChanged: !!o.hashChanged,
    options: core.optionsRecord,
    user: core.user,
    restored: [...core.scope.steps.keys()],
    inDoubt: [...resume.inDoubt],
  });
  if (o.hashChanged) core.note(`the runbook changed since this run started (${resume.runbook.hash} → ${o.hash}); steps are matched by id`, 'warn');
  await refreshEvidence(core, resume);
  for (const id of resume.inDoubt) {
    const partWay = resume.partWay.get(id);
    core.note(
      partWay
        ? `write step "${id}" was ${partWay}; it will not run again without a fresh approval, and its plan counts what is left`
        : `write step "${id}" started before the run stopped and never reported back: its outcome is unknown; it will not run again without a fresh approval`,
      'warn',
      id,
    );
  }
}

function restorable(core: RunCore, id: string, f: EventOf<'step-finished'>): boolean {
  if (f.status !== 'failed') return true;
  const loc = core.paths.get(id);
  return f.effect !== 'write' && !!loc && RESTORABLE_FAILED_STAGES.includes(loc.stage);
}

/** Restored detect/triage reads are evidence of a past moment: say how old it
 *  is and, before a mitigation choice, offer to measure again (`--refresh`). */
async function refreshEvidence(core: RunCore, resume: ResumeState): Promise<void> {
  const o = core.o;
  const evidence = [...resume.finished.values()].filter(
    (f) => (f.stage === 'detect' || f.stage === 'triage') && f.effect === 'read' && core.scope.steps.has(f.stepId),
  );
  if (!evidence.length) return;
  const ageMs = core.clock.now() - Math.min(...evidence.map((f) => Date.parse(f.at)));
  const age = formatDuration(Math.max(0, ageMs));
  let refresh = !!o.refresh;
  if (!refresh && resume.option === undefined && o.runbook.stages.mitigate) {
    if (o.prompter.interactive) {
      refresh = await core.ask(o.prompter.confirm(`The evidence from detect and triage was measured ${age} ago. Run detect and triage again before choosing a mitigation?`));
    } else {
      core.note(`the evidence from detect and triage was measured ${age} ago; resume with --refresh to measure again`, 'warn');
    }
  }
  if (!refresh) {
    core.evidenceAge = age;
    return;
  }
  for (const f of evidence) core.refreshing.add(f.stepId);
  core.note(`running detect and triage again: the evidence was measured ${age} ago`);
}
