// Judging a `run:` template before any value is known (lint). Interpolations
// stand for a value of their type: `${{ int(…) }}` for a number, anything
// else for a word that is no verb, so a value in a decisive place (a verb, a
// Redis command) is never taken for a read. The engine judges the rendered
// command again with the real values.
import { SplitError, tokenize } from '../runbook/argv.js';
import { findInterpolations } from '../runbook/interpolation.js';
import { judgeCommand, judgeParsed } from './index.js';
import { placements, prepareScript, PlacementError } from './script-values.js';
import { parseScript, ScriptSyntaxError } from './shell-script.js';
import type { Finding, Word } from './types.js';

/** A stand-in for an interpolation's value at lint time. */
export function standIn(expression: string): string {
  return /^\s*(int|uint|double)\s*\(/.test(expression) ? '0' : 'ONCALL_VALUE';
}

const withStandIns = (text: string): string => {
  let out = text;
  for (const f of findInterpolations(text).reverse()) out = out.slice(0, f.start) + standIn(f.expression) + out.slice(f.end);
  return out;
};

export interface Located {
  /** Element of a `run:` list, when the template is one. */
  part?: number;
  /** Offset in that string. */
  offset: number;
}

export interface TemplateJudgement {
  findings: Array<Located & { finding: Finding }>;
  /** The template cannot be judged (bad quoting, a shell syntax error, a value with no safe place). */
  problem?: Located & { message: string; kind: 'syntax' | 'placement' };
}

export function judgeTemplate(run: string | readonly string[], shell: boolean): TemplateJudgement {
  if (!shell) return judgeArgvTemplate(run);
  const parts = typeof run === 'string' ? [run] : run.map(String);
  const template = parts.join(' ');
  // Offset in the joined template → element and offset in it.
  const locate = (offset: number): Located => {
    if (typeof run === 'string') return { offset };
    let start = 0;
    for (let i = 0; i < parts.length; i++) {
      if (offset <= start + parts[i]!.length) return { part: i, offset: offset - start };
      start += parts[i]!.length + 1;
    }
    return { part: parts.length - 1, offset: 0 };
  };
  const prepared = prepareScript(template);
  const values = prepared.interpolations.map((f) => standIn(f.expression));
  try {
    const parsed = parseScript(prepared.text, (n) => values[n]);
    const findings = judgeParsed(parsed, { placeholderValue: (n) => values[n] }).map((finding) => ({ finding, ...locate(prepared.toTemplate(finding.word.at)) }));
    try {
      placements(prepared, parsed);
    } catch (e) {
      if (!(e instanceof PlacementError)) throw e;
      return { findings, problem: { kind: 'placement', message: e.message, ...locate(e.offset) } };
    }
    return { findings };
  } catch (e) {
    if (e instanceof ScriptSyntaxError) return { findings: [], problem: { kind: 'syntax', message: e.message, ...locate(prepared.toTemplate(e.offset)) } };
    throw e;
  }
}

function judgeArgvTemplate(run: string | readonly string[]): TemplateJudgement {
  let words: Word[];
  if (typeof run === 'string') {
    try {
      words = tokenize(run).map((t) => {
        const value = withStandIns(t.value);
        // A word that is one quoted string: a nested shell's script starts after the quote.
        const raw = run.slice(t.start, t.end);
        const quoted = raw.length >= 2 && (raw[0] === "'" || raw[0] === '"') && raw.endsWith(raw[0]!) && t.value === raw.slice(1, -1);
        return { value, known: true, at: t.start, ...(quoted ? { script: { text: value, at: t.start + 1 } } : {}) };
      });
    } catch (e) {
      if (e instanceof SplitError) return { findings: [], problem: { kind: 'syntax', offset: e.offset, message: e.message } };
      throw e;
    }
  } else {
    words = run.map((v, i) => ({ value: withStandIns(String(v)), known: true, at: 0, part: i }));
  }
  return {
    findings: judgeCommand(words).map((finding) => ({ finding, offset: finding.word.at, ...(finding.word.part !== undefined ? { part: finding.word.part } : {}) })),
  };
}
