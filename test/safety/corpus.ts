// The safety corpora: mutating commands disguised as `effect: read`
// (disguised-writes.yaml) and real read commands that must stay quiet
// (honest-reads.yaml). This module loads and validates both, builds a runbook
// document for one case, says where a case's diagnostic must point, and lints
// a document in-process the way `oncall lint` does (every rule, the step
// catalog). The lint test (lint-corpus.test.ts) and the dry-run harness both
// start here.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { lintTexts, loadCatalog } from '../../src/lint/runner.js';
import type { Catalog } from '../../src/lint/types.js';
import type { Diagnostic } from '../../src/runbook/diagnostic.js';
import { loadText } from '../../src/runbook/load.js';

export const CLASSES = ['shell-construct', 'nested-shell', 'wrapper', 'kubectl-flags', 'redis', 'sql', 'http', 'kafka', 'opaque', 'local-write', 'cloud'] as const;
export type CaseClass = (typeof CLASSES)[number];

/** The rules a disguised write may be expected to trip. */
export const WRITE_RULES = ['mutating-command', 'opaque-command'] as const;
export type WriteRule = (typeof WRITE_RULES)[number];

/** Rules an honest read must not trip at any severity (shell-syntax: no error). */
export const READ_QUIET_RULES = ['mutating-command', 'opaque-command', 'unverified-read', 'no-redis-keys'] as const;
export const READ_NO_ERROR_RULES = ['shell-syntax'] as const;

export interface DisguisedWrite {
  name: string;
  class: CaseClass;
  shell: boolean;
  run: string;
  rule: WriteRule;
  /** The text the diagnostic points at: its first character. */
  at: string;
  /** Which occurrence of `at` in `run` (1-based). */
  nth: number;
  /** argv prefixes (each a list of words) a dry-run must never spawn. */
  spawns: string[][];
  /** Offset of the expected diagnostic in `run`. */
  offset: number;
}

export interface HonestRead {
  name: string;
  shell: boolean;
  run: string;
  /** The bundled runbook step it was copied from (`runbooks/FILE#step-id`). */
  from?: string;
  /** Rule ids this case may still produce (each needs `why`). */
  allow: string[];
  why?: string;
}

/** The name the documents are linted under (starts with their id, so id-matches-file stays quiet). */
export const DOCUMENT_FILE = 'INC-100-safety-corpus.yaml';

/** Every `${{ params.NAME }}` a case uses is declared with this pattern and DEFAULT_VALUE. */
export const PARAM_PATTERN = '^[A-Za-z0-9._:/@-]+$';
export const PARAM_DEFAULT = '1';

const HERE = fileURLToPath(new URL('.', import.meta.url));
export const WRITES_FILE = `${HERE}disguised-writes.yaml`;
export const READS_FILE = `${HERE}honest-reads.yaml`;

// ---------------------------------------------------------------- validation

type Raw = Record<string, unknown>;

const WRITE_KEYS = new Set(['name', 'class', 'shell', 'run', 'rule', 'at', 'nth', 'spawns']);
const READ_KEYS = new Set(['name', 'shell', 'run', 'from', 'allow', 'why']);

/** Offset of the nth (1-based) occurrence of `needle` in `text`, or -1. */
export function nthIndexOf(text: string, needle: string, nth: number): number {
  let at = -1;
  for (let k = 0; k < nth; k++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) return -1;
  }
  return at;
}

/** Problems with a `run` script that would make its block scalar mean something else. */
function runProblems(run: unknown, shell: boolean): string[] {
  if (typeof run !== 'string' || run.trim() === '') return ['run must be a non-empty string'];
  const out: string[] = [];
  if (/^\s/.test(run)) out.push('run must not start with whitespace (its block scalar would take it for indentation)');
  if (/\s$/.test(run)) out.push('run must not end with whitespace');
  if (run.includes('\r')) out.push('run must not contain carriage returns');
  if (run.includes('\t')) out.push('run must not contain tabs');
  if (!shell && run.includes('\n')) out.push('a run without shell: true must be one line');
  return out;
}

function readList(file: string): Raw[] {
  const value: unknown = parse(readFileSync(file, 'utf8'), { prettyErrors: true });
  if (!Array.isArray(value)) throw new Error(`${file}: expected a list of cases`);
  return value.map((v, i) => {
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error(`${file}: item ${i + 1} is not a mapping`);
    return v as Raw;
  });
}

function fail(file: string, problems: string[]): void {
  if (problems.length) throw new Error(`${file} is not a valid corpus:\n  ${problems.join('\n  ')}`);
}

export function loadDisguisedWrites(file = WRITES_FILE): DisguisedWrite[] {
  const problems: string[] = [];
  const names = new Set<string>();
  const out: DisguisedWrite[] = [];
  readList(file).forEach((raw, i) => {
    const label = typeof raw.name === 'string' ? `"${raw.name}"` : `item ${i + 1}`;
    const say = (m: string) => problems.push(`${label}: ${m}`);
    for (const k of Object.keys(raw)) if (!WRITE_KEYS.has(k)) say(`unknown key "${k}"`);
    if (typeof raw.name !== 'string' || raw.name.trim() === '') say('name must be a non-empty string');
    else if (names.has(raw.name)) say('name is not unique');
    else names.add(raw.name);
    if (!CLASSES.includes(raw.class as CaseClass)) say(`class ${JSON.stringify(raw.class)} is not one of ${CLASSES.join(', ')}`);
    if (raw.shell !== undefined && typeof raw.shell !== 'boolean') say('shell must be a boolean');
    const shell = raw.shell === true;
    runProblems(raw.run, shell).forEach(say);
    if (!WRITE_RULES.includes(raw.rule as WriteRule)) say(`rule ${JSON.stringify(raw.rule)} is not one of ${WRITE_RULES.join(', ')}`);
    const nth = raw.nth ?? 1;
    if (typeof nth !== 'number' || !Number.isInteger(nth) || nth < 1) say('nth must be a positive integer');
    let offset = -1;
    if (typeof raw.at !== 'string' || raw.at === '') say('at must be a non-empty string');
    else if (typeof raw.run === 'string' && typeof nth === 'number') {
      offset = nthIndexOf(raw.run, raw.at, nth);
      if (offset < 0) say(`at ${JSON.stringify(raw.at)} does not occur ${nth} time(s) in run`);
      else if (/\s/.test(raw.at[0]!)) say('at must start with the character pointed at, not whitespace');
    }
    let spawns: string[][] = [];
    if (raw.spawns !== undefined) {
      if (!Array.isArray(raw.spawns) || raw.spawns.some((s) => typeof s !== 'string' || s.trim() === '')) say('spawns must be a list of non-empty strings');
      else spawns = (raw.spawns as string[]).map((s) => s.trim().split(/\s+/));
    }
    out.push({ name: String(raw.name), class: raw.class as CaseClass, shell, run: String(raw.run), rule: raw.rule as WriteRule, at: String(raw.at), nth: Number(nth), spawns, offset });
  });
  const counts = new Map<string, number>();
  for (const c of out) counts.set(c.class, (counts.get(c.class) ?? 0) + 1);
  for (const k of CLASSES) if (!counts.get(k)) problems.push(`class "${k}" has no case`);
  fail(file, problems);
  return out;
}

export function loadHonestReads(file = READS_FILE): HonestRead[] {
  const problems: string[] = [];
  const names = new Set<string>();
  const out: HonestRead[] = [];
  const allowed = new Set<string>([...READ_QUIET_RULES, ...READ_NO_ERROR_RULES]);
  readList(file).forEach((raw, i) => {
    const label = typeof raw.name === 'string' ? `"${raw.name}"` : `item ${i + 1}`;
    const say = (m: string) => problems.push(`${label}: ${m}`);
    for (const k of Object.keys(raw)) if (!READ_KEYS.has(k)) say(`unknown key "${k}"`);
    if (typeof raw.name !== 'string' || raw.name.trim() === '') say('name must be a non-empty string');
    else if (names.has(raw.name)) say('name is not unique');
    else names.add(raw.name);
    if (raw.shell !== undefined && typeof raw.shell !== 'boolean') say('shell must be a boolean');
    const shell = raw.shell === true;
    runProblems(raw.run, shell).forEach(say);
    if (raw.from !== undefined && (typeof raw.from !== 'string' || !/^runbooks\/[^#]+\.yaml#\S+$/.test(raw.from))) say('from must look like runbooks/FILE.yaml#step-id');
    let allow: string[] = [];
    if (raw.allow !== undefined) {
      if (!Array.isArray(raw.allow) || raw.allow.some((r) => !allowed.has(r as string))) say(`allow must list rule ids among ${[...allowed].join(', ')}`);
      else allow = raw.allow as string[];
      if (typeof raw.why !== 'string' || raw.why.trim() === '') say('allow needs a why');
    }
    out.push({ name: String(raw.name), shell, run: String(raw.run), from: raw.from as string | undefined, allow, why: raw.why as string | undefined });
  });
  fail(file, problems);
  return out;
}

export const disguisedWrites: DisguisedWrite[] = loadDisguisedWrites();
export const honestReads: HonestRead[] = loadHonestReads();

// ---------------------------------------------------------------- documents

/** The lines every corpus document starts with (as test/lint/helpers.ts HEADER). */
const HEADER = ['id: INC-100', 'title: Safety corpus case', 'severity: SEV-3', 'alerts: [{ alertname: TestAlert }]'];

/** Where each line of `run` starts: its script is indented by this many spaces. */
export const RUN_INDENT = 10;

export interface BuiltDocument {
  file: string;
  text: string;
  /** 1-based line of the script's first line. */
  runLine: number;
  /** 1-based column of the script's first character on each line. */
  runColumn: number;
  /** The params declared (every `${{ params.NAME }}` the script uses). */
  params: string[];
}

/** Names of the params a script's interpolations use, in order of first use. */
export function paramsUsed(run: string): string[] {
  const names = new Set<string>();
  for (const m of run.matchAll(/\$\{\{([\s\S]*?)\}\}/g)) {
    for (const p of m[1]!.matchAll(/\bparams\.([a-z][A-Za-z0-9_]*)/g)) names.add(p[1]!);
  }
  return [...names];
}

/** A runbook whose only detect step is `effect: read` and runs `run` as a `|-` block scalar. */
export function buildDocument(c: { run: string; shell?: boolean }): BuiltDocument {
  const lines = [...HEADER];
  const params = paramsUsed(c.run);
  if (params.length) {
    lines.push('params:');
    for (const p of params) lines.push(`  ${p}:`, `    default: ${JSON.stringify(PARAM_DEFAULT)}`, `    pattern: ${JSON.stringify(PARAM_PATTERN)}`);
  }
  lines.push('stages:', '  detect:', '    steps:', '      - id: s', '        effect: read');
  if (c.shell) lines.push('        shell: true');
  lines.push('        run: |-');
  const runLine = lines.length + 1;
  const pad = ' '.repeat(RUN_INDENT);
  for (const l of c.run.split('\n')) lines.push(l === '' ? '' : pad + l);
  lines.push('  resolve: {}', '');
  return { file: DOCUMENT_FILE, text: lines.join('\n'), runLine, runColumn: RUN_INDENT + 1, params };
}

/** Line and column (1-based) in the built document of offset `offset` of `run`. */
export function positionInDocument(run: string, offset: number, built: BuiltDocument): { line: number; column: number } {
  const before = run.slice(0, offset).split('\n');
  return { line: built.runLine + before.length - 1, column: built.runColumn + before[before.length - 1]!.length };
}

/** Where a disguised write's diagnostic must point. */
export function expectedPosition(c: DisguisedWrite, built = buildDocument(c)): { line: number; column: number } {
  return positionInDocument(c.run, c.offset, built);
}

// ---------------------------------------------------------------- linting

let catalog: Promise<Catalog | null> | undefined;

/** The step catalog, as `oncall lint` loads it (null when it cannot load). */
export function stepCatalog(): Promise<Catalog | null> {
  catalog ??= loadCatalog().then((c) => c ?? null);
  return catalog;
}

/** The document is YAML- and schema-valid (else the rules never ran, and silence would prove nothing). */
export function assertValidDocument(built: BuiltDocument): void {
  const loaded = loadText(built.file, built.text);
  if (loaded.diagnostics.length || loaded.kind !== 'runbook') {
    const shown = loaded.diagnostics.map((d) => `${d.line}:${d.column} ${d.ruleId} ${d.message}`).join('\n');
    throw new Error(`corpus document is not a valid runbook (kind ${String(loaded.kind)}):\n${shown}\n--- document ---\n${built.text}`);
  }
}

/** Lints a built document with every rule and the step catalog. */
export async function lintDocument(built: BuiltDocument): Promise<Diagnostic[]> {
  assertValidDocument(built);
  const result = await lintTexts([{ file: built.file, text: built.text }], { catalog: await stepCatalog() });
  return result.files[0]!.diagnostics;
}

/** Diagnostics as lines, for failure messages. */
export function showDiagnostics(diagnostics: readonly Diagnostic[]): string {
  return diagnostics.length ? diagnostics.map((d) => `  ${d.line}:${d.column} ${d.severity} [${d.ruleId}] ${d.message}`).join('\n') : '  (no diagnostics)';
}

/** The document with line numbers and a caret under a position, for failure messages. */
export function showDocument(built: BuiltDocument, caret?: { line: number; column: number }): string {
  return built.text
    .split('\n')
    .flatMap((l, i) => {
      const row = [`${String(i + 1).padStart(3)} | ${l}`];
      if (caret && caret.line === i + 1) row.push(`    | ${' '.repeat(caret.column - 1)}^ expected here`);
      return row;
    })
    .join('\n');
}
