// The post-mortem draft as Markdown. Everything from the journal (command
// output, alert labels, summaries) is untrusted: inline text is escaped so it
// cannot open HTML, links or code spans, and output goes in fenced blocks
// whose fence is longer than any backtick run inside.
import { utc, type PostMortem, type TimelineEntry } from './model.js';

export function renderMarkdown(pm: PostMortem): string {
  const out: string[] = [];
  const line = (s = ''): void => void out.push(s);
  line(`# Post-mortem draft: ${esc(pm.runbook.title)} (${esc(pm.runbook.id)})`);
  line();
  line(`Run ${esc(pm.runId)} · started ${wallClock(pm.startedAt)} by ${esc(pm.startedBy)} · outcome: **${esc(pm.outcome ?? 'unknown')}**`);
  if (pm.caveats.length) {
    line();
    for (const c of pm.caveats) line(`> **Note:** ${esc(c)}`);
  }
  line();
  line('## Summary');
  line();
  line(esc(pm.summary));
  if (pm.outcomeMessage) line(`Last result: ${esc(pm.outcomeMessage)}.`);
  line();
  line('## Customer impact');
  line();
  line(`- Severity: ${esc(pm.customerImpact.text)}`);
  if (pm.alert) line(`- Alert: ${esc(pm.alert.name)}${labels(pm.alert.labels)}`);
  line('- Affected customers, orders, money: _to be filled in_');
  line();
  line('## Timeline (UTC)');
  line();
  for (const e of pm.timeline) timelineEntry(out, e, pm.startedAt);
  line();
  line('## Detection and response');
  line();
  const from = pm.measuredFrom === 'alert' ? 'from alert start' : 'from run start';
  // A rehearsal changes nothing, so it mitigates and recovers nothing either.
  const rehearsal = 'not measured (a dry run changes nothing)';
  line(`- Detection gap (alert start → run start): ${pm.detectionGapMs !== undefined ? duration(pm.detectionGapMs) : 'unknown (the run was not started from an alert)'}`);
  line(`- Time to mitigation (${from} → last successful mitigation write): ${pm.timeToMitigationMs !== undefined ? duration(pm.timeToMitigationMs) : pm.dryRun ? rehearsal : 'none (no mitigation write succeeded)'}`);
  line(`- Time to recovery (${from} → resolve verified): ${pm.timeToRecoveryMs !== undefined ? duration(pm.timeToRecoveryMs) : pm.dryRun ? rehearsal : pm.verified.length ? 'not recovered (resolve was not verified)' : 'not recovered (resolve never ran)'}`);
  line();
  line('## Verified at resolve');
  line();
  if (!pm.verified.length) line('- nothing: no resolve check ran');
  for (const v of pm.verified) line(`- ${v.status === 'ok' ? '✔' : '✘'} ${esc(v.stepId)}${v.title ? ` (${esc(v.title)})` : ''}: ${esc(v.status)} — ${esc(v.summary)}`);
  line();
  line('## Root cause');
  line();
  line(esc(pm.rootCause));
  line();
  line('## What went well');
  line();
  line('- …');
  line();
  line('## What went wrong');
  line();
  line('- …');
  line();
  line('## Action items (candidates)');
  line();
  if (!pm.actionItems.length) line('- none from the runbook');
  for (const a of pm.actionItems) line(`- [ ] ${esc(a)}`);
  if (pm.postmortem?.within || pm.postmortem?.required) {
    line();
    line(`Post-mortem due: ${esc([pm.postmortem.required, pm.postmortem.within && `within ${pm.postmortem.within}`].filter(Boolean).join('; '))}.`);
  }
  return `${out.join('\n')}\n`;
}

function timelineEntry(out: string[], e: TimelineEntry, startedAt: string): void {
  const who = e.who ? ` — ${esc(e.who)}` : '';
  const mark = e.resumed ? ' _(resumed)_' : '';
  out.push(`- ${wallClock(e.at)} (${signed(shownOffset(e.at, startedAt))}) ${esc(e.text)}${who}${mark}`);
  if (e.command) out.push(`  - command: ${codeSpan(e.command)}`);
  if (e.output?.length) {
    out.push('');
    for (const l of fenced(e.output.join('\n'))) out.push(`  ${l}`);
    out.push('');
  }
}

/** `2026-12-02 03:58:00 UTC` */
export const wallClock = utc;

/** The offset as the two wall-clock times shown read (whole seconds), so
 *  `06:26:07 (T+0s)` is never followed by `06:26:07 (T+1s)`. */
function shownOffset(at: string, startedAt: string): number {
  return (Math.floor(Date.parse(at) / 1000) - Math.floor(Date.parse(startedAt) / 1000)) * 1000;
}

/** 4m 12s, 1h 3m 0s, 45s. */
export function duration(ms: number): string {
  const total = Math.round(Math.abs(ms) / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const text = h ? `${h}h ${m}m ${s}s` : m ? `${m}m ${s}s` : `${s}s`;
  return ms < 0 ? `-${text}` : text;
}

function signed(ms: number): string {
  return ms < 0 ? `T${duration(ms)}` : `T+${duration(ms)}`;
}

function labels(l: Record<string, string>): string {
  const pairs = Object.entries(l ?? {}).filter(([k]) => k !== 'alertname');
  return pairs.length ? ` (${pairs.map(([k, v]) => `${esc(k)}=${esc(v)}`).join(', ')})` : '';
}

/** Inline text that must stay text: no HTML, links, emphasis or code spans,
 *  and no line breaks that could start a block of its own. */
export function esc(text: string): string {
  return String(text)
    .replace(/\r?\n|\r/g, ' ')
    .replace(/[\\`*_[\]~]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    // Bare URLs become links in GFM; an escaped colon keeps them text.
    .replace(/:\/\//g, '\\://')
    .replace(/\bwww\./gi, (w) => `${w.slice(0, 3)}\\.`);
}

/** A code span whose delimiter is longer than any backtick run inside. */
export function codeSpan(text: string): string {
  const flat = String(text).replace(/\r?\n|\r/g, ' ');
  const ticks = '`'.repeat(longestRun(flat) + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') || flat.startsWith(' ') ? ' ' : '';
  return `${ticks}${pad}${flat}${pad}${ticks}`;
}

export function fenced(text: string): string[] {
  const fence = '`'.repeat(Math.max(3, longestRun(text) + 1));
  return [`${fence}text`, ...text.split(/\r?\n/), fence];
}

function longestRun(text: string): number {
  let best = 0;
  for (const m of text.matchAll(/`+/g)) best = Math.max(best, m[0].length);
  return best;
}
