// The terminal subscriber: one line per thing that happened, each prefixed
// with the time elapsed since the run started, so the operator always knows
// how long the incident has been running. Events arrive already redacted.
import { escapeControlsDeep } from './control-chars.js';
import { Chalk, type ChalkInstance } from 'chalk';
import { formatDuration, formatElapsed } from '../shared/duration.js';
import type { EngineEvent, EventOf } from '../engine/events.js';
import { peerHeadline } from '../engine/peer.js';

/** A check's input as the operator reads it: "namespace=smp-prod replicas=6", unknown values as "?". */
export function formatValues(input: Record<string, unknown>, unknown: readonly string[] = []): string {
  return Object.entries(input)
    .map(([k, v]) => {
      if (unknown.includes(k)) return `${k}=?`;
      const text = typeof v === 'string' ? (v === '' || /[\s"]/.test(v) ? JSON.stringify(v) : v) : JSON.stringify(v);
      return `${k}=${text}`;
    })
    .join(' ');
}

export interface TerminalOptions {
  write: (text: string) => void;
  color: boolean;
  /** Where the journal is, printed at the start and the end. */
  journalFile?: string;
}

const STAGE_TITLE: Record<string, string> = {
  detect: 'Detect',
  triage: 'Triage',
  mitigate: 'Mitigate',
  communicate: 'Communicate',
  resolve: 'Resolve',
};

export class TerminalRenderer {
  private readonly c: ChalkInstance;
  private dryRun = false;
  /** Peers a rehearsal has already named (the first step that needed one says so, the others point at it). */
  private readonly peersShown = new Set<string>();
  private lastPeer: string | undefined;

  constructor(private readonly opts: TerminalOptions) {
    this.c = new Chalk({ level: opts.color ? 1 : 0 });
  }

  readonly subscriber = (e: EngineEvent): void => {
    // Runbook text and command output may carry escape sequences: shown, not obeyed.
    const text = this.render(escapeControlsDeep(e));
    if (text !== undefined) this.opts.write(text);
  };

  private time(e: EngineEvent): string {
    return this.c.dim(`[${formatElapsed(e.elapsedMs)}]`);
  }

  private line(e: EngineEvent, text: string): string {
    return `${this.time(e)} ${text}\n`;
  }

  private indent(lines: string[], pad = '          '): string {
    return lines.map((l) => `${pad}${l}\n`).join('');
  }

  render(e: EngineEvent): string | undefined {
    const c = this.c;
    switch (e.type) {
      case 'run-started':
      case 'run-resumed': {
        this.dryRun = e.options.dryRun;
        const rb = e.runbook;
        const mode = e.options.dryRun ? c.cyan.bold(' DRY-RUN: reads run, writes are only shown') : '';
        const head = `${c.bold(`${rb.id} · ${rb.title}`)}  ${rb.severity}${mode}`;
        const lines = [head, c.dim(`run ${e.runId}${e.type === 'run-resumed' ? ' (resumed)' : ''}${this.opts.journalFile ? `  journal ${this.opts.journalFile}` : ''}`)];
        if (e.type === 'run-started') {
          const params = Object.entries(e.params).map(([k, v]) => `${k}=${String(v)}`);
          if (params.length) lines.push(c.dim(`params: ${params.join(' ')}`));
        } else {
          if (e.restored.length) lines.push(c.dim(`restored from the journal: ${e.restored.join(', ')}`));
          if (e.inDoubt.length) lines.push(c.yellow(`outcome unknown (started, never finished): ${e.inDoubt.join(', ')}`));
        }
        return `${lines.join('\n')}\n`;
      }
      case 'stage-started': {
        const notes = (e.notes ?? []).map((n) => c.dim(`· ${n}`));
        return `\n${this.line(e, `${c.bold.underline(STAGE_TITLE[e.stage] ?? e.stage)}${e.timebox ? c.dim(`  timebox ${e.timebox}`) : ''}`)}${this.indent(notes)}`;
      }
      case 'step-started': {
        if (e.kind === 'message' || e.kind === 'manual') return undefined;
        const what = e.command ?? (e.check ? `${e.check} ${JSON.stringify(e.input ?? {})}` : '');
        const tag = e.effect === 'write' ? c.red('WRITE ') : '';
        // A write's warnings were just shown with its approval.
        const warn = e.effect === 'write' ? [] : (e.warnings ?? []).map((w) => c.yellow(`⚠ ${w}`));
        return this.line(e, `  ${c.dim('…')} ${tag}${c.bold(e.stepId)}${e.title ? ` ${e.title}` : ''}  ${c.dim(what)}`) + this.indent(warn);
      }
      case 'step-progress':
        return this.line(e, `    ${c.dim(`↻ ${e.stepId}: ${e.message}`)}`);
      case 'step-finished': {
        const text = this.finished(e);
        if (!(e.peer && this.dryRun && e.status === 'failed')) this.lastPeer = undefined;
        return text;
      }
      case 'approval-needed': {
        const head = `  ${c.red.bold(e.highRisk ? 'HIGH-RISK WRITE' : 'WRITE')} ${c.bold(e.stepId)}${e.title ? ` ${e.title}` : ''}${e.inDoubt ? c.yellow.bold('  (outcome of the earlier attempt unknown)') : ''}`;
        const lines = [`will run: ${c.bold(e.action)}`];
        if (e.target) lines.push(`target:   ${c.bold(e.target)}`);
        if (e.plan && e.plan.summary !== `would run: ${e.action}`) lines.push(`plan:     ${e.plan.summary}`, ...(e.plan.details ?? []).map((d) => `          ${d}`));
        if (e.planError) lines.push(c.yellow(`plan unavailable: ${e.planError}`));
        for (const w of e.warnings) lines.push(c.yellow(`⚠ ${w}`));
        if (e.highRisk && e.confirmText) lines.push(`to confirm, type: ${c.bold(e.confirmText)}`);
        return this.line(e, head) + this.indent(lines, '            ');
      }
      case 'approval-given':
        return this.line(e, `  ${c.green('✔')} approved ${c.bold(e.stepId)} by ${e.approver}${e.via === 'flag' ? ' (--approve)' : e.via === 'typed' ? ' (typed confirmation)' : ''}`);
      case 'approval-declined':
        return this.line(e, `  ${c.red('✘')} ${c.bold(e.stepId)} ${e.reason === 'not-approved' ? `not approved${e.hint ? `: run again with ${c.bold(e.hint)}` : ''}` : e.reason === 'typed-mismatch' ? 'not confirmed (typed text did not match)' : `declined by ${e.approver}`}`);
      case 'decision-needed': {
        const lines = [c.bold(e.question)];
        for (const ch of e.choices) {
          const mark = ch.recommended ? c.green('★ recommended') : ch.lastResort ? c.red('last resort') : c.dim('·');
          lines.push(`  ${mark} ${c.bold(ch.id)}: ${ch.title}`);
          if (ch.recommended && ch.evidence) lines.push(`      evidence: ${ch.evidence}`);
          if (ch.recommended && ch.values) lines.push(c.dim(`      because ${ch.recommend}: ${Object.entries(ch.values).map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join(', ')}`));
        }
        if (!e.choices.some((ch) => ch.recommended)) lines.push(c.dim('  (no option is recommended by the evidence)'));
        return this.indent(lines, '        ');
      }
      case 'decision-made':
        if (e.decision === 'option') return this.line(e, `  → option ${c.bold(e.value)} (${e.by === 'flag' ? '--option' : e.by === 'operator' ? `chosen by ${e.approver ?? 'the operator'}` : e.by})`);
        return undefined;
      case 'reminder':
        return this.line(e, c.magenta.bold(`⏰ ${e.kind === 'escalation' ? `escalate (${e.after}): ` : e.kind === 'timebox' ? 'timebox: ' : 'reminder: '}${e.message}`));
      case 'note': {
        const [first, ...rest] = e.message.split('\n');
        const head = this.line(e, `  ${e.level === 'warn' ? c.yellow(`⚠ ${first}`) : c.dim(first)}`);
        return head + this.indent(rest.map((l) => c.dim(l.trim())), '            ');
      }
      case 'run-finished': {
        const ok = e.exitCode === 0;
        const symbol = ok ? c.green.bold('✔') : e.outcome === 'interrupted' || e.outcome === 'stopped' ? c.yellow.bold('■') : c.red.bold('✘');
        const lines = [`\n${this.line(e, `${symbol} ${c.bold(e.message)}  ${c.dim(`(exit ${e.exitCode}, ${formatDuration(e.elapsedMs)})`)}`)}`];
        if (e.resume) lines.push(this.indent([`continue with: ${c.bold(e.resume)}`]));
        if (this.opts.journalFile) lines.push(this.indent([c.dim(`journal: ${this.opts.journalFile}`)]));
        return lines.join('');
      }
      default:
        return undefined;
    }
  }

  /** A posting message: where it goes, what is sent, and how it went. */
  private post(e: EventOf<'step-finished'>): string[] {
    const c = this.c;
    const p = e.post;
    if (!p && e.status !== 'failed' && e.status !== 'planned') return [];
    const lines = p ? [c.dim(`via ${p.type}: ${p.method} ${p.url}`), ...Object.entries(p.headers ?? {}).map(([k, v]) => c.dim(`${k}: ${v}`)), c.dim(`body: ${JSON.stringify(p.body)}`)] : [];
    if (e.status === 'planned') lines.push(c.cyan(e.planError ? `not sent (dry-run): ${e.planError}` : 'planned, not sent (dry-run)'));
    else if (e.status === 'ok') lines.push(c.green(`✓ ${e.summary}`));
    else if (e.status === 'failed') lines.push(`${c.red(`✗ ${e.summary}`)}${c.dim('  (recorded; the run goes on)')}`);
    else lines.push(c.yellow(e.summary));
    return lines;
  }

  /** The peer's one line, the first time a rehearsal meets it. */
  private peerHead(e: EventOf<'step-finished'>): string {
    if (!e.peer || !this.dryRun || this.peersShown.has(e.peer.key)) return '';
    this.peersShown.add(e.peer.key);
    return this.line(e, `  ${this.c.yellow(`⚠ ${peerHeadline(e.peer)}`)}`);
  }

  private finished(e: EventOf<'step-finished'>): string {
    const c = this.c;
    const dur = e.durationMs ? c.dim(` (${formatDuration(e.durationMs)})`) : '';
    const name = c.bold(e.stepId);
    const tag = e.effect === 'write' ? c.red('WRITE ') : '';
    if (e.kind === 'message' && e.message) {
      const lines = [e.message.text, ...(e.message.translation ? [c.dim(`(${e.message.translation})`)] : [])];
      return this.line(e, `  ${c.blue('✉')} ${name} → ${c.bold(e.message.channel)}`) + this.indent([...lines.flatMap((l) => l.split('\n')), ...this.post(e)], '            ');
    }
    if (e.kind === 'manual') {
      const head = this.line(e, `  ${c.magenta('✋')} ${name} ${c.bold(e.instruction ?? '')}`);
      return head + this.indent([c.dim(e.summary)], '            ');
    }
    switch (e.status) {
      case 'ok':
        return (
          this.line(e, `  ${c.green('✓')} ${tag}${name}  ${e.summary}${dur}${e.attempts > 1 ? c.dim(` after ${e.attempts} attempts`) : ''}`) +
          this.indent((e.excerpt ?? []).map((l) => c.dim(`│ ${l}`)), '            ')
        );
      case 'skipped':
        return this.line(e, `  ${c.dim(`− ${e.stepId}  ${e.summary}`)}`);
      case 'planned': {
        // A write whose target did not answer: its values, and the peer named once above.
        const unavailable = e.peer && this.dryRun ? c.yellow(` (plan unavailable: no ${e.peer.name})`) : '';
        const what = e.command ? `would run: ${c.bold(e.command)}` : e.check ? `would run ${c.bold(`${e.check}${e.input ? `: ${formatValues(e.input, e.unknown)}` : ''}`)}` : undefined;
        const lines = what ? [`${what}${unavailable}`] : [e.summary];
        if (e.target) lines.push(`target:    ${e.target}`);
        if (e.plan && !e.plan.summary.startsWith('would run')) lines.push(`plan:      ${e.plan.summary}`, ...(e.plan.details ?? []).map((d) => `           ${d}`));
        if (e.planError && !unavailable) lines.push(c.yellow(`plan unavailable: ${e.planError}`));
        return this.peerHead(e) + this.line(e, `  ${c.cyan('◇')} ${tag}${name}  ${c.cyan('planned, not run')}`) + this.indent(lines, '            ');
      }
      case 'interrupted':
      case 'stopped':
        return this.line(e, `  ${c.yellow('■')} ${tag}${name}  ${e.summary}${dur}`);
      default: {
        // A rehearsal with no peers says so once per peer, not once per step.
        if (e.peer && this.dryRun && e.status === 'failed') {
          const head = this.peerHead(e);
          const which = head || this.lastPeer === e.peer.key ? 'it' : e.peer.name === 'kubeconfig' ? 'a kubeconfig' : e.peer.name;
          this.lastPeer = e.peer.key;
          return head + this.line(e, `    ${c.dim(`· ${e.stepId} (${e.stage}) needs ${which}`)}`);
        }
        // The summary is the line the journal has; "unreachable: …" reads on its own.
        const text = e.summary.startsWith('unreachable: ') ? `${c.red.bold('unreachable:')} ${e.summary.slice('unreachable: '.length)}` : `${c.red('failed:')} ${e.summary}`;
        const excerpt = (e.excerpt ?? []).map((l) => c.dim(`│ ${l}`));
        const note = !this.dryRun && e.effect !== 'write' && (e.stage === 'detect' || e.stage === 'triage') ? c.dim('  (recorded; the run goes on)') : '';
        return this.line(e, `  ${c.red('✗')} ${tag}${name}  ${text}${dur}${note}`) + this.indent(excerpt, '            ');
      }
    }
  }
}
