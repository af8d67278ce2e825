// How `${{ }}` values reach a `shell: true` script: never as script text.
// Each interpolation becomes an environment variable (ONCALL_V1, …), and the
// script refers to it in the quoting context where the interpolation stood:
// bare → "${ONCALL_V1}", inside "…" → ${ONCALL_V1}, inside '…' → close the
// quotes, "${ONCALL_V1}", reopen. Where even a variable is unsafe (arithmetic,
// a subscript, a command name, a here-document delimiter) there is no script.
import { findInterpolations, type Interpolation } from '../runbook/interpolation.js';
import { placeholder, type ParsedScript, type Slot } from './shell-script.js';

export interface PreparedScript {
  template: string;
  /** The template with each interpolation replaced by its placeholder. */
  text: string;
  interpolations: Interpolation[];
  /** Offset in `text` → offset in the template. */
  toTemplate(offset: number): number;
}

export const envName = (n: number): string => `ONCALL_V${n + 1}`;

/** A value that cannot be placed, or a reserved name used by the script itself. */
export class PlacementError extends Error {
  constructor(
    message: string,
    /** Offset in the template. */
    readonly offset: number,
  ) {
    super(message);
    this.name = 'PlacementError';
  }
}

export function prepareScript(template: string): PreparedScript {
  const interpolations = findInterpolations(template);
  let text = '';
  let last = 0;
  // [offset in text, offset in template] at each boundary.
  const marks: Array<[number, number]> = [[0, 0]];
  interpolations.forEach((f, n) => {
    text += template.slice(last, f.start);
    marks.push([text.length, f.start]);
    text += placeholder(n);
    marks.push([text.length, f.end]);
    last = f.end;
  });
  text += template.slice(last);
  const toTemplate = (offset: number): number => {
    let k = 0;
    while (k + 1 < marks.length && marks[k + 1]![0] <= offset) k++;
    const [t, s] = marks[k]!;
    // Inside a placeholder: its interpolation's start.
    return k % 2 === 1 ? s : s + (offset - t);
  };
  return { template, text, interpolations, toTemplate };
}

/** Reserved names: a script that sets ONCALL_V1 itself could change what a value means. */
export function reservedNameUse(template: string): number {
  const m = /ONCALL_V\d|__ONCALL\d/.exec(template);
  return m ? m.index : -1;
}

/** Where each value goes, or the first reason it cannot go anywhere. Throws PlacementError. */
export function placements(prepared: PreparedScript, parsed: ParsedScript): Slot[] {
  const reserved = reservedNameUse(prepared.template);
  if (reserved >= 0) throw new PlacementError('names ONCALL_V1, ONCALL_V2, … are reserved for interpolated values', reserved);
  for (const s of parsed.slots) {
    if (s.error) throw new PlacementError(s.error, prepared.toTemplate(s.start));
  }
  return parsed.slots;
}

function reference(slot: Slot): string {
  const name = envName(slot.n);
  switch (slot.quote) {
    case 'bare':
      return `"\${${name}}"`;
    case 'single':
      return `'"\${${name}}"'`;
    case 'comment':
      return name;
    default:
      return `\${${name}}`;
  }
}

/** Shows a value where its reference stands: what the script means, copy-pasteable. */
function shown(slot: Slot, value: string): string {
  const quoted = (v: string) => (v !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`);
  let text: string;
  switch (slot.quote) {
    case 'bare':
      text = quoted(value);
      break;
    case 'single':
      text = `'${quoted(value)}'`;
      break;
    case 'double':
      text = value.replace(/[\\"$`]/g, '\\$&');
      break;
    default:
      text = value;
  }
  // Inside a nested shell's '…' script, each level's quote must be escaped once more.
  for (let k = 0; k < slot.nested; k++) text = text.replace(/'/g, `'\\''`);
  return text;
}

export interface PlacedScript {
  /** The script bash runs: variable references only. */
  script: string;
  /** ONCALL_Vn → value. */
  env: Record<string, string>;
  /** The script with each value shown where it goes (for the screen and the journal). */
  display: string;
}

/**
 * The script and environment for these values (one per placeholder, in order).
 * `masked` values are shown as *** (a password moved where `ps` cannot see it).
 */
export function placeValues(prepared: Pick<PreparedScript, 'text'>, slots: readonly Slot[], values: readonly string[], masked: ReadonlySet<number> = new Set()): PlacedScript {
  let script = '';
  let display = '';
  let last = 0;
  for (const slot of [...slots].sort((a, b) => a.start - b.start)) {
    const between = prepared.text.slice(last, slot.start);
    script += between + reference(slot);
    display += between + shown(slot, masked.has(slot.n) ? '***' : (values[slot.n] ?? ''));
    last = slot.end;
  }
  script += prepared.text.slice(last);
  display += prepared.text.slice(last);
  const env: Record<string, string> = {};
  const count = Math.max(values.length, ...slots.map((s) => s.n + 1));
  for (let n = 0; n < count; n++) env[envName(n)] = values[n] ?? '';
  return { script, env, display };
}
