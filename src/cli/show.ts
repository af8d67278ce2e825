// oncall show <ID> [--json]: stages, steps with their effect, options.
import { Chalk, type ChalkInstance } from 'chalk';
import { Redactor } from '../engine/redact.js';
import { resolveRunbook, type ResolvedRunbook } from '../runbook/resolve.js';
import type { Step } from '../runbook/types.js';
import { loadProcess, loadRunbookById, resolveDir } from './catalog-loader.js';
import { printJson, useColor } from './output.js';

export function showCommand(id: string, opts: { runbooks?: string; json?: boolean; color?: boolean }): void {
  const dir = resolveDir(opts);
  const { runbook, file } = loadRunbookById(dir, id);
  // Secret defaults and URL passwords never reach the screen, text or JSON.
  const redactor = new Redactor(Object.values(runbook.params ?? {}).flatMap((p) => (p.secret && p.default !== undefined ? [String(p.default)] : [])));
  const resolved = redactor.value(resolveRunbook(runbook, loadProcess(dir)));
  if (opts.json) printJson({ file, ...resolved });
  else process.stdout.write(render(resolved, new Chalk({ level: useColor(opts) ? 1 : 0 })));
}

function effectTag(c: ChalkInstance, step: Step): string {
  if (step.message) return c.blue('[message]');
  if (step.manual) return c.magenta('[manual]');
  if (step.effect === 'write') return step.highRisk ? c.red.bold('[WRITE, high risk]') : c.red('[WRITE]');
  return c.green('[read]');
}

function action(step: Step): string {
  if (step.run) return Array.isArray(step.run) ? step.run.join(' ') : step.run;
  if (step.check) return `${step.check} ${JSON.stringify(step.with ?? {})}`;
  if (step.manual) return step.manual;
  if (step.message) return `${step.message.channel}: ${step.message.text}`;
  return '';
}

function renderSteps(c: ChalkInstance, steps: Step[] | undefined, indent: string): string[] {
  const out: string[] = [];
  for (const step of steps ?? []) {
    out.push(`${indent}${c.bold(step.id)} ${effectTag(c, step)} ${step.title ?? ''}`.trimEnd());
    out.push(`${indent}    ${c.dim(action(step).replace(/\s*\n\s*/g, ' '))}`);
    for (const w of step.warnings ?? []) out.push(`${indent}    ${c.yellow(`⚠ ${w}`)}`);
    if (step.when) out.push(`${indent}    when: ${step.when}`);
    if (step.expect) out.push(`${indent}    expect: ${step.expect}`);
    if (step.until) out.push(`${indent}    until: ${step.until.condition} (every ${step.until.every}, up to ${step.until.timeout})`);
    if (step.added) out.push(`${indent}    ${c.dim(`(added: ${step.added})`)}`);
  }
  return out;
}

function render(rb: ResolvedRunbook, c: ChalkInstance): string {
  const out: string[] = [];
  out.push(`${c.bold(`${rb.id} · ${rb.title}`)}  ${rb.severity}${rb.owner ? `  owner: ${rb.owner}` : ''}`);
  if (rb.summary) out.push(rb.summary);
  out.push('', c.bold('Alerts'));
  for (const a of rb.alerts) out.push(`  ${a.alertname}${a.expr ? `: ${a.expr}` : ''}${a.for ? ` for ${a.for}` : ''}`);
  if (rb.symptoms?.length) out.push('', c.bold('Symptoms'), ...rb.symptoms.map((s) => `  - ${s}`));
  const params = Object.entries(rb.params ?? {});
  if (params.length) {
    out.push('', c.bold('Parameters'));
    for (const [name, p] of params) {
      const value = p.secret ? '(secret)' : p.default !== undefined ? `= ${p.default}` : '(required)';
      out.push(`  ${name} ${value}${p.env ? `  env ${p.env}` : ''}${p.fromLabel ? `  label ${p.fromLabel}` : ''}`);
    }
  }
  const { detect, triage, mitigate, communicate, resolve } = rb.stages;
  const stage = (name: string, s: { timebox?: string; notes?: string[]; steps?: Step[] } | undefined): void => {
    if (!s) return;
    out.push('', c.bold(`${name}${s.timebox ? ` (${s.timebox})` : ''}`));
    for (const n of s.notes ?? []) out.push(`  · ${n}`);
    out.push(...renderSteps(c, s.steps, '  '));
  };
  stage('Detect', detect);
  stage('Triage', triage);
  for (const tc of triage?.cases ?? []) {
    out.push(`  case ${c.bold(tc.id)}: ${tc.title}${tc.when ? c.dim(`  when ${tc.when}`) : ''}`);
    for (const n of tc.notes ?? []) out.push(`    · ${n}`);
    out.push(...renderSteps(c, tc.steps, '    '));
  }
  if (mitigate) {
    stage('Mitigate', { ...mitigate, steps: mitigate.steps });
    if (mitigate.choose) out.push(`  ${mitigate.choose}`);
    for (const o of mitigate.options) {
      out.push(`  option ${c.bold(o.id)}: ${o.title}${o.lastResort ? c.red(' (last resort)') : ''}`);
      if (o.recommend) out.push(`    recommended when ${o.recommend}`);
      for (const w of o.warnings ?? []) out.push(`    ${c.yellow(`⚠ ${w}`)}`);
      for (const n of o.notes ?? []) out.push(`    · ${n}`);
      out.push(...renderSteps(c, o.steps, '    '));
    }
  }
  stage('Communicate', communicate);
  stage('Resolve', resolve);
  if (rb.prevention?.length) out.push('', c.bold('Prevention'), ...rb.prevention.map((p) => `  - ${p}`));
  if (rb.postmortem) {
    out.push('', c.bold(`Post-mortem${rb.postmortem.required ? `: ${rb.postmortem.required}` : ''}`));
    for (const s of rb.postmortem.sections ?? []) out.push(`  - ${s}`);
  }
  if (rb.escalation.length) {
    out.push('', c.bold('Escalation'), ...rb.escalation.map((e) => `  ${e.after.padEnd(4)} ${e.action}`));
  }
  return `${out.join('\n')}\n`;
}
