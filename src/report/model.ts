// The post-mortem draft as data: built from a run's journal events and its
// runbook. `--format json` prints this model; markdown.ts renders it. Facts
// only come from the journal; the root cause is left for a person.
import type { AlertRef, EngineEvent, EventOf, Outcome } from '../engine/events.js';
import { Redactor } from '../engine/redact.js';
import type { Process, Runbook } from '../runbook/types.js';

export type TimelineKind = 'alert' | 'run-started' | 'run-resumed' | 'stage' | 'decision' | 'approval' | 'declined' | 'write' | 'step' | 'reminder' | 'run-finished';

export interface TimelineEntry {
  /** ISO time, UTC. */
  at: string;
  /** Milliseconds after the run started (negative before it: the alert). */
  offsetMs: number;
  kind: TimelineKind;
  text: string;
  /** Who acted: the run's user, the approver. */
  who?: string;
  /** The rendered command or native action of a write (redacted). */
  command?: string;
  /** Lines the step printed that are worth keeping (untrusted text). */
  output?: string[];
  /** This entry belongs to a resumed segment of the run. */
  resumed?: boolean;
}

export interface VerifiedCheck {
  stepId: string;
  title?: string;
  status: string;
  summary: string;
}

export interface PostMortem {
  runId: string;
  runbook: { id: string; title: string; severity: string; file: string };
  /** The run's last outcome; undefined when the journal has no run-finished. */
  outcome?: Outcome;
  outcomeMessage?: string;
  summary: string;
  customerImpact: { severity: string; definition?: string; response?: string; text: string };
  alert?: AlertRef;
  startedAt: string;
  startedBy: string;
  dryRun: boolean;
  option?: { id: string; title?: string };
  /** The options a dry run walked: a rehearsal shows them all and takes none. */
  rehearsedOptions?: string[];
  timeline: TimelineEntry[];
  /** Alert startsAt → run start, when the run answered an alert. */
  detectionGapMs?: number;
  /** Where TTM and TTR are measured from. */
  measuredFrom: 'alert' | 'run-start';
  /** → the last successful mitigation write. */
  timeToMitigationMs?: number;
  /** → resolve verified (outcome resolved). */
  timeToRecoveryMs?: number;
  verified: VerifiedCheck[];
  resumes: number;
  actionItems: string[];
  postmortem?: { within?: string; required?: string; sections?: string[] };
  rootCause: string;
  /** What the reader must know before trusting the numbers (resumed, interrupted, not verified…). */
  caveats: string[];
}

export interface ReportInputs {
  events: EngineEvent[];
  /** The runbook as loaded now; undefined when it could not be found. */
  runbook?: Runbook;
  /** Why the runbook is missing, for the report. */
  runbookMissing?: string;
  process?: Process;
  /** Journal damage to mention (bad line numbers, a torn last line). */
  badLines?: number[];
  torn?: boolean;
}

export class ReportError extends Error {}

export const ROOT_CAUSE_PLACEHOLDER = 'Root cause: …';

export function buildPostMortem(inp: ReportInputs): PostMortem {
  const events = [...inp.events].sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
  const start = events.find((e): e is EventOf<'run-started'> => e.type === 'run-started');
  if (!start) throw new ReportError('the journal has no run-started entry');
  const t0 = Date.parse(start.at);
  const alertAt = start.alert?.startsAt ? Date.parse(start.alert.startsAt) : NaN;
  const from = Number.isFinite(alertAt) ? alertAt : t0;
  const offset = (iso: string): number => Date.parse(iso) - t0;

  const timeline: TimelineEntry[] = [];
  if (start.alert && Number.isFinite(alertAt)) {
    timeline.push({ at: new Date(alertAt).toISOString(), offsetMs: alertAt - t0, kind: 'alert', text: `alert ${start.alert.name} started firing${labelText(start.alert.labels)}` });
  }
  let resumed = false;
  let resumes = 0;
  let finishedEvent: EventOf<'run-finished'> | undefined;
  let lastMitigation: EventOf<'step-finished'> | undefined;
  let optionId = start.options.option;
  const rehearsedOptions: string[] = [];
  // Stages reached before the latest resume: on resume the engine enters them
  // again to restore their results, which is not news for the timeline.
  const stagesStarted: string[] = [];
  let stagesBeforeResume: string[] = [];
  const caveats: string[] = [];
  const resolveChecks = new Map<string, VerifiedCheck>();
  const push = (e: EngineEvent, entry: Omit<TimelineEntry, 'at' | 'offsetMs' | 'resumed'>): void => {
    timeline.push({ at: e.at, offsetMs: offset(e.at), ...entry, ...(resumed ? { resumed: true } : {}) });
  };

  for (const e of events) {
    switch (e.type) {
      case 'run-started':
        if (e !== start) break;
        push(e, { kind: 'run-started', text: `run started${e.options.dryRun ? ' (dry run)' : ''}`, who: e.user });
        break;
      case 'run-resumed':
        resumed = true;
        resumes++;
        stagesBeforeResume = [...stagesStarted];
        push(e, { kind: 'run-resumed', text: `run resumed${e.hashChanged ? ' (the runbook had changed)' : ''}${e.inDoubt.length ? `; writes in doubt: ${e.inDoubt.join(', ')}` : ''}`, who: e.user });
        if (e.hashChanged) caveats.push(`The runbook changed between the start of the run and its resume at ${utc(e.at)}.`);
        break;
      case 'stage-started': {
        const again = stagesBeforeResume.includes(e.stage);
        if (!stagesStarted.includes(e.stage)) stagesStarted.push(e.stage);
        // Entered again after a resume: the stage that was under way goes on; earlier ones were only restored.
        if (!again) push(e, { kind: 'stage', text: `stage ${e.stage} started` });
        else if (e.stage === stagesBeforeResume.at(-1)) push(e, { kind: 'stage', text: `stage ${e.stage} continued` });
        break;
      }
      case 'decision-made':
        // A rehearsal takes no decision: it walks each option in turn.
        if (e.by === 'rehearsal') {
          rehearsedOptions.push(e.value);
          push(e, { kind: 'decision', text: `rehearsing option ${e.value}` });
          break;
        }
        if (e.decision === 'option') optionId = e.value;
        push(e, { kind: 'decision', text: `decision (${e.decision}${e.stepId ? ` ${e.stepId}` : ''}): ${e.value}, by ${e.by}`, ...(e.approver ? { who: e.approver } : {}) });
        break;
      case 'approval-given':
        push(e, { kind: 'approval', text: `write step ${e.stepId} approved (via ${e.via})`, who: e.approver });
        break;
      case 'approval-declined':
        push(e, { kind: 'declined', text: `write step ${e.stepId} not approved: ${DECLINED[e.reason]}`, who: e.approver });
        break;
      case 'step-finished':
        if (e.stage === 'resolve') resolveChecks.set(e.stepId, { stepId: e.stepId, ...(e.title ? { title: e.title } : {}), status: e.status, summary: e.summary });
        if (e.effect === 'write') {
          // A posted message is a write too, but it mitigates nothing.
          if (e.stage === 'mitigate' && e.status === 'ok' && e.kind !== 'message') lastMitigation = e;
          push(e, { kind: 'write', text: writeText(e), ...commandOf(e), ...outputOf(e) });
        } else if (e.status !== 'ok' || e.kind === 'manual' || e.stage === 'resolve') {
          push(e, { kind: 'step', text: `${e.kind} ${e.stepId}: ${e.status} — ${e.summary}`, ...outputOf(e) });
        }
        break;
      case 'reminder':
        if (e.kind === 'escalation') push(e, { kind: 'reminder', text: `escalation due: ${e.message}` });
        break;
      case 'run-finished':
        finishedEvent = e;
        push(e, { kind: 'run-finished', text: `run finished: ${e.outcome} — ${e.message}` });
        if (e.outcome === 'interrupted' && e !== events.filter((x) => x.type === 'run-finished').pop()) caveats.push(`The run was interrupted at ${utc(e.at)} and resumed later.`);
        break;
      default:
        break;
    }
  }

  const outcome = finishedEvent?.outcome;
  if (resumes) caveats.unshift(`This run was resumed ${resumes === 1 ? 'once' : `${resumes} times`}: its timeline spans ${resumes + 1} sessions.`);
  if (!finishedEvent) caveats.push('The journal ends without run-finished: the process was killed, or the run is still going.');
  else if (outcome === 'interrupted') caveats.push(`The run was interrupted (${finishedEvent.message}) and has not been resumed to the end.`);
  else if (outcome === 'not-verified') caveats.push(`Resolve was NOT verified: ${finishedEvent.message.replace(/^resolve not verified: /, '')}.`);
  else if (outcome === 'failed' || outcome === 'stopped') caveats.push(`The run ended ${outcome}: ${finishedEvent.message}.`);
  if (start.options.dryRun) caveats.push('This was a rehearsal (dry run): no write was done.');
  if (inp.badLines?.length) caveats.push(`Journal line${inp.badLines.length === 1 ? '' : 's'} ${inp.badLines.join(', ')} did not parse and ${inp.badLines.length === 1 ? 'is' : 'are'} missing from this report.`);
  if (inp.torn) caveats.push("The journal's last line was cut off; it is missing from this report.");
  if (!inp.runbook) caveats.push(`The runbook could not be loaded (${inp.runbookMissing ?? 'not found'}): no prevention items.`);

  const rb = start.runbook;
  const option = optionId ? { id: optionId, ...optionTitle(inp.runbook, optionId) } : undefined;
  const severityInfo = inp.process?.severities.find((s) => s.level === rb.severity);
  const customerImpact = {
    severity: rb.severity,
    ...(severityInfo ? { definition: severityInfo.definition, response: severityInfo.response } : {}),
    text: severityInfo ? `${rb.severity}: ${severityInfo.definition} (response: ${severityInfo.response})` : `${rb.severity} (no definition in the process file)`,
  };
  const recovered = outcome === 'resolved' && finishedEvent ? Date.parse(finishedEvent.at) : undefined;
  const pm: { within?: string; required?: string; sections?: string[] } | undefined = inp.runbook?.postmortem ?? inp.process?.postmortem;
  const model: PostMortem = {
    runId: start.runId,
    runbook: { id: rb.id, title: rb.title, severity: rb.severity, file: rb.file },
    ...(outcome ? { outcome, outcomeMessage: finishedEvent!.message } : {}),
    summary: summaryOf(start, outcome, option, rehearsedOptions),
    customerImpact,
    ...(start.alert ? { alert: start.alert } : {}),
    startedAt: start.at,
    startedBy: start.user,
    dryRun: start.options.dryRun,
    ...(option ? { option } : {}),
    ...(rehearsedOptions.length && !option ? { rehearsedOptions } : {}),
    timeline: timeline.sort((a, b) => a.offsetMs - b.offsetMs),
    ...(Number.isFinite(alertAt) ? { detectionGapMs: t0 - alertAt } : {}),
    measuredFrom: Number.isFinite(alertAt) ? 'alert' : 'run-start',
    ...(lastMitigation ? { timeToMitigationMs: Date.parse(lastMitigation.at) - from } : {}),
    ...(recovered !== undefined ? { timeToRecoveryMs: recovered - from } : {}),
    verified: [...resolveChecks.values()],
    resumes,
    actionItems: [...(inp.runbook?.prevention ?? [])],
    ...(pm ? { postmortem: { ...(pm.within ? { within: pm.within } : {}), ...(pm.required ? { required: pm.required } : {}), ...(pm.sections ? { sections: pm.sections } : {}) } } : {}),
    rootCause: ROOT_CAUSE_PLACEHOLDER,
    caveats,
  };
  return redactDefensively(model, start);
}

function summaryOf(start: EventOf<'run-started'>, outcome: Outcome | undefined, option: PostMortem['option'], rehearsed: string[]): string {
  const rb = start.runbook;
  const parts = [`${rb.title} (${rb.id}, ${rb.severity}).`, `Run ${start.runId} was started by ${start.user}${start.alert ? ` for alert ${start.alert.name}` : ''}${start.options.dryRun ? ' as a dry run' : ''}.`];
  if (option) parts.push(`Mitigation: option ${option.id}${option.title ? ` (${option.title})` : ''}.`);
  else if (rehearsed.length) parts.push(`No mitigation was chosen: the rehearsal walked ${rehearsed.length === 1 ? 'option' : 'options'} ${rehearsed.join(', ')}.`);
  parts.push(outcome ? `Outcome: ${outcome}.` : 'Outcome: unknown (the run never finished).');
  return parts.join(' ');
}

/** Why a write did not get its yes, in words. */
const DECLINED: Record<EventOf<'approval-declined'>['reason'], string> = {
  declined: 'declined at the prompt',
  'typed-mismatch': 'the typed text did not match',
  'not-approved': 'no --approve for it in a non-interactive run',
};

/** `2026-12-02 03:58:00 UTC`, as the timeline writes times. */
export function utc(iso: string): string {
  return `${new Date(iso).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

function optionTitle(runbook: Runbook | undefined, id: string): { title?: string } {
  const title = runbook?.stages.mitigate?.options.find((o) => o.id === id)?.title;
  return title ? { title } : {};
}

function labelText(labels: Record<string, string>): string {
  const pairs = Object.entries(labels ?? {}).filter(([k]) => k !== 'alertname');
  return pairs.length ? ` (${pairs.map(([k, v]) => `${k}=${v}`).join(', ')})` : '';
}

/** A write and its result. A planned one (dry run) says what it would change,
 *  or why that is unknown; its summary repeats the command, unrendered where
 *  a value was missing. */
function writeText(e: EventOf<'step-finished'>): string {
  if (e.status !== 'planned') return `write ${e.stepId}: ${e.status} — ${e.summary}`;
  if (e.plan) return `write ${e.stepId}: planned, not run — ${e.plan.summary}`;
  if (e.planError) return `write ${e.stepId}: planned, not run; what it would change is unknown: ${e.planError}`;
  return `write ${e.stepId}: planned, not run`;
}

function commandOf(e: EventOf<'step-finished'>): { command?: string } {
  if (e.command) return { command: e.command };
  if (e.check) return { command: `${e.check}${e.input ? ` ${JSON.stringify(e.input)}` : ''}` };
  return {};
}

function outputOf(e: EventOf<'step-finished'>): { output?: string[] } {
  return e.excerpt?.length ? { output: e.excerpt } : {};
}

/** Journals are written redacted; this masks again what a damaged or
 *  hand-edited journal might still hold: URL passwords anywhere, and any
 *  value the journal records for a parameter it marks secret. */
function redactDefensively(model: PostMortem, start: EventOf<'run-started'>): PostMortem {
  const redactor = new Redactor();
  for (const name of Object.keys(start.secretDigests ?? {})) {
    const v = start.params[name];
    if (typeof v === 'string') redactor.add(v);
  }
  for (const v of Object.values(start.params)) if (typeof v === 'string') redactor.addUrlPasswords(v);
  return redactor.value(model);
}
