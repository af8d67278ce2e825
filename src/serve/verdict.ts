// What one triage concluded, gathered from the engine's events, and the chat
// message that says it: the recommended option with its evidence, what the
// reads found, and the `oncall run` command that continues for real.
import type { Choice, EngineEvent } from '../engine/events.js';

export interface StepLine {
  stepId: string;
  stage: string;
  status: string;
  summary: string;
}

export interface Verdict {
  alert: string;
  fingerprint: string;
  runbook?: { id: string; title: string };
  runId?: string;
  outcome?: string;
  message?: string;
  recommended: Choice[];
  options: Choice[];
  triageCases: string[];
  steps: StepLine[];
  /** `oncall run … --alert`-free: the runbook id with the alert's values. */
  command?: string;
  /** Why nothing was triaged (no match, a refused label value, a runbook failing lint). */
  problem?: string;
}

/** Folds engine events into a verdict as they arrive. */
export function verdictCollector(v: Verdict): (e: EngineEvent) => void {
  return (e) => {
    if (e.type === 'decision-needed' && e.decision === 'option') {
      v.options = e.choices;
      v.recommended = e.choices.filter((c) => c.recommended);
    } else if (e.type === 'decision-made' && e.decision === 'triage-case') {
      v.triageCases.push(e.value);
    } else if (e.type === 'step-finished') {
      v.steps.push({ stepId: e.stepId, stage: e.stage, status: e.status, summary: e.summary });
    } else if (e.type === 'run-finished') {
      v.outcome = e.outcome;
      v.message = e.message;
    }
  };
}

const MAX_STEPS = 12;

/** Plain text (Slack mrkdwn-safe enough): the headline first, the command last. */
export function verdictText(v: Verdict): string {
  const lines: string[] = [];
  const rb = v.runbook ? `${v.runbook.id} · ${v.runbook.title}` : 'no runbook';
  lines.push(`oncall triage: ${v.alert} (fingerprint ${v.fingerprint}) → ${rb}`);
  if (v.problem) {
    lines.push(`Not triaged: ${v.problem}`);
    if (v.command) lines.push(`Continue with: ${v.command}`);
    return lines.join('\n');
  }
  if (v.recommended.length) {
    for (const c of v.recommended) lines.push(`Recommended: ${c.title} (${c.id})${c.evidence ? ` — ${c.evidence.trim()}` : ''}`);
  } else if (v.options.length) {
    lines.push(`Recommended: none; the evidence recommends no option (options: ${v.options.map((c) => c.id).join(', ')})`);
  }
  if (v.triageCases.length) lines.push(`Triage case: ${v.triageCases.join(', ')}`);
  const reads = v.steps.filter((s) => s.status !== 'planned');
  if (reads.length) {
    lines.push('Evidence:');
    for (const s of reads.slice(0, MAX_STEPS)) lines.push(`• ${s.stepId} [${s.status}]: ${s.summary}`);
    if (reads.length > MAX_STEPS) lines.push(`• … ${reads.length - MAX_STEPS} more in the journal`);
  }
  if (v.outcome && v.outcome !== 'rehearsed') lines.push(`Triage ${v.outcome}: ${v.message ?? ''}`);
  if (v.runId) lines.push(`Journal: ${v.runId} (oncall report ${v.runId})`);
  if (v.command) lines.push(`Continue with: ${v.command}`);
  return lines.join('\n');
}

export function emptyVerdict(alert: string, fingerprint: string): Verdict {
  return { alert, fingerprint, recommended: [], options: [], triageCases: [], steps: [] };
}
