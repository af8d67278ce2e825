// Linting files and directories: YAML syntax, then the schema (runbook or,
// for `kind: process`, the process schema), then — only for schema-valid
// runbooks, whose shape the rules can trust — the semantic rules.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { Diagnostic } from '../runbook/diagnostic.js';
import { loadText } from '../runbook/load.js';
import { runbooksDir } from '../runbook/registry.js';
import { loadCel } from '../runbook/libraries.js';
import { decodeUtf8, locate, locateRange, locateRangeWithin, MAX_SOURCE_BYTES, parseSource, type Range, type SourceFile } from '../runbook/source.js';
import type { Runbook } from '../runbook/types.js';
import { manifestCatalog } from './inputs.js';
import { formatMessage } from './messages.js';
import { buildModel } from './model.js';
import { ID_MATCHES_FILE, idMatchesFile } from './rules/id-matches-file.js';
import { rules as allRules } from './rules/index.js';
import type { Catalog, LintDiagnostic, Report, Rule, RuleContext, RuleVisitor } from './types.js';

export interface FileResult {
  /** As shown: relative to the working directory when inside it. */
  file: string;
  /** The file's text, for showing the lines diagnostics point at ('' when not read). */
  text: string;
  diagnostics: LintDiagnostic[];
  /** A schema-valid runbook's id and where it is, for the check across files (duplicateIds). */
  runbookId?: RunbookId;
}

export interface RunbookId {
  id: string;
  range: Range;
  /** The source line of the id: a worker sends no text back for a file without diagnostics. */
  lineText: string;
}

export interface LintResult {
  files: FileResult[];
  errorCount: number;
  warningCount: number;
}

export interface LintOptions {
  cwd?: string;
  rules?: readonly Rule[];
  /** The step catalog; `undefined` loads it when a runbook has check steps, `null` never does. */
  catalog?: Catalog | null;
  /** Worker threads for many files: a number, or undefined to decide from the work and the CPUs. */
  workers?: number;
}

/** A path that cannot be linted at all (missing, unreadable, nothing in it): a usage error. */
export class LintPathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LintPathError';
  }
}

const YAML_FILE = /\.ya?ml$/i;

function displayName(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

function describeFsError(path: string, e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const why =
    err.code === 'ENOENT' ? 'no such file or directory' : err.code === 'EACCES' || err.code === 'EPERM' ? 'permission denied' : err.code === 'ENOTDIR' ? 'not a directory' : (err.message ?? String(e));
  return `cannot read "${path}": ${why}`;
}

/** Files to lint: each file as given, each directory's *.yaml / *.yml (not recursive). */
export function expandPaths(paths: string[], cwd = process.cwd()): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const add = (file: string) => {
    const key = resolve(cwd, file);
    if (seen.has(key)) return;
    seen.add(key);
    out.push(key);
  };
  for (const p of paths) {
    const abs = resolve(cwd, p);
    let isDir: boolean;
    try {
      isDir = statSync(abs).isDirectory();
    } catch (e) {
      throw new LintPathError(describeFsError(p, e));
    }
    if (!isDir) {
      add(abs);
      continue;
    }
    let names: string[];
    try {
      names = readdirSync(abs);
    } catch (e) {
      throw new LintPathError(describeFsError(p, e));
    }
    const yaml = names.filter((n) => YAML_FILE.test(n) && !n.startsWith('.')).sort();
    const files = yaml.map((n) => join(abs, n)).filter((f) => {
      try {
        return statSync(f).isFile();
      } catch {
        return false;
      }
    });
    if (files.length === 0) throw new LintPathError(`no runbook files (*.yaml, *.yml) in "${p}"`);
    files.forEach(add);
  }
  return out;
}

/** The step types: from the build's manifest when fresh, else the step catalog;
 *  undefined while the step modules cannot load. */
export async function loadCatalog(): Promise<Catalog | undefined> {
  try {
    const fromManifest = await manifestCatalog();
    if (fromManifest) return fromManifest;
  } catch {
    /* fall back to the catalog */
  }
  try {
    const mod = (await import('../steps/catalog.js')) as Catalog;
    return typeof mod.getStepType === 'function' ? mod : undefined;
  } catch (e) {
    if (process.env.ONCALL_DEBUG) process.stderr.write(`oncall: lint: step catalog unavailable (${(e as Error).message}); check inputs are not verified\n`);
    return undefined;
  }
}

interface Loaded {
  file: string;
  text: string;
  source: SourceFile;
  diagnostics: Diagnostic[];
  runbook?: Runbook;
  /** A schema-valid rehearsal scenario (schemas/scenario.schema.json). */
  scenario?: unknown;
}

function load(file: string, text: string): Loaded {
  const loaded = loadText(file, text);
  const valid = loaded.diagnostics.length === 0;
  return {
    file,
    text,
    source: loaded.source,
    diagnostics: [...loaded.diagnostics],
    runbook: valid && loaded.kind === 'runbook' ? (loaded.value as Runbook) : undefined,
    ...(valid && loaded.kind === 'scenario' ? { scenario: loaded.value } : {}),
  };
}

function hasChecks(runbook: Runbook): boolean {
  const s = runbook.stages;
  const lists = [s.detect?.steps, s.triage?.steps, ...(s.triage?.cases ?? []).map((c) => c.steps), s.mitigate?.steps, ...(s.mitigate?.options ?? []).map((o) => o.steps), s.communicate?.steps, s.resolve?.steps];
  return lists.some((l) => l?.some((step) => step.check !== undefined));
}

/** Runs the rules over one schema-valid runbook. */
export function applyRules(file: string, source: SourceFile, runbook: Runbook, rules: readonly Rule[] = allRules, catalog?: Catalog): LintDiagnostic[] {
  const model = buildModel(runbook);
  const out: LintDiagnostic[] = [];
  const visitors: RuleVisitor[] = rules.map((rule) => {
    const context: RuleContext = {
      file,
      source,
      runbook,
      model,
      catalog,
      position: (path, on = 'value') => locate(source, path, on),
      report(r: Report) {
        const message = messageOf(rule, r);
        const range = r.offset !== undefined ? locateRangeWithin(source, r.path, r.offset, r.length) : locateRange(source, r.path, r.on ?? 'value');
        out.push({
          file,
          ...range,
          path: [...r.path],
          severity: r.severity ?? rule.meta.severity,
          ruleId: rule.meta.id,
          messageId: r.messageId,
          data: r.data ?? {},
          message,
        });
      },
    };
    return rule.create(context);
  });
  // One list of hooks per kind, so the walk does not probe every visitor for every node.
  const hooks = <K extends keyof RuleVisitor>(hook: K) => visitors.map((v) => v[hook]?.bind(v)).filter((f): f is NonNullable<RuleVisitor[K]> => f !== undefined);
  const run = <T>(fns: Array<(node: T) => void>, nodes: readonly T[]) => {
    if (fns.length === 0) return;
    for (const node of nodes) for (const fn of fns) fn(node);
  };
  run(hooks('step'), model.steps);
  run(hooks('triageCase'), model.cases);
  run(hooks('option'), model.options);
  run(hooks('param'), model.params);
  run(hooks('expression'), model.expressions);
  for (const end of hooks('end')) end();
  return out;
}

/** The report's message from its rule's template; an unknown id is a bug in the rule (it throws). */
function messageOf(rule: Rule, r: Report): string {
  const template = (rule.meta.messages as Record<string, string>)[r.messageId];
  if (template === undefined) throw new Error(`rule ${rule.meta.id} has no message "${r.messageId}"`);
  return formatMessage(template, r.data);
}

/** YAML and file problems know only where they start: they cover one character. */
function withEnd(d: Diagnostic): LintDiagnostic {
  return d.endLine !== undefined && d.endColumn !== undefined ? (d as LintDiagnostic) : { ...d, endLine: d.line, endColumn: d.column + 1 };
}

function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return a.line - b.line || a.column - b.column || a.ruleId.localeCompare(b.ruleId) || a.message.localeCompare(b.message);
}

/**
 * Two runbooks linted together with the same id: `show`/`run` would pick one
 * of them. An error on each later file (in file order), pointing at the first.
 */
function duplicateIds(files: FileResult[]): void {
  const first = new Map<string, string>();
  for (const f of files) {
    const r = f.runbookId;
    if (!r) continue;
    const earlier = first.get(r.id);
    if (earlier === undefined) {
      first.set(r.id, f.file);
      continue;
    }
    const data = { id: r.id, file: earlier };
    f.diagnostics.push({
      file: f.file,
      ...r.range,
      path: ['id'],
      severity: 'error',
      ruleId: ID_MATCHES_FILE,
      messageId: 'duplicate',
      data,
      message: formatMessage(idMatchesFile.meta.messages.duplicate, data),
    });
    f.diagnostics.sort(compareDiagnostics);
    // Stripped by a worker (no diagnostics there): enough text for the excerpt.
    if (!f.text) f.text = '\n'.repeat(r.range.line - 1) + r.lineText;
  }
}

/** The checks that need every file: run once on the whole result (not per worker share). */
function acrossFiles(result: LintResult, rules: readonly Rule[]): LintResult {
  if (!rules.some((r) => r.meta.id === ID_MATCHES_FILE)) return result;
  duplicateIds(result.files);
  return combine(result.files);
}

/** Combines per-file results (from the main thread and workers) in file order. */
export function combine(files: FileResult[]): LintResult {
  files.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  let errorCount = 0;
  let warningCount = 0;
  for (const f of files) {
    for (const d of f.diagnostics) {
      if (d.severity === 'error') errorCount++;
      else warningCount++;
    }
  }
  return { files, errorCount, warningCount };
}

function runbookId(l: Loaded): RunbookId | undefined {
  if (typeof l.runbook?.id !== 'string') return undefined;
  const range = locateRange(l.source, ['id'], 'value');
  return { id: l.runbook.id, range, lineText: l.text.split('\n', range.line)[range.line - 1] ?? '' };
}

/**
 * Lints loaded files one at a time, so each parsed document can be dropped
 * before the next (1,000 runbooks would otherwise all stay in memory). The
 * catalog is loaded the first time a runbook has a check step.
 */
class Linter {
  private catalog: Promise<Catalog | undefined> | undefined;
  private celLoaded = false;

  constructor(
    private readonly rules: readonly Rule[],
    catalog: Catalog | null | undefined,
    /** Start loading the catalog now, so its files are read while the first runbooks parse. */
    prefetch = false,
  ) {
    if (catalog !== undefined) this.catalog = Promise.resolve(catalog ?? undefined);
    else if (prefetch) this.catalogPromise();
  }

  private catalogPromise(): Promise<Catalog | undefined> {
    if (!this.catalog) {
      this.catalog = loadCatalog();
      this.catalog.catch(() => undefined);
    }
    return this.catalog;
  }

  async lint(l: Loaded): Promise<FileResult> {
    let diagnostics: Diagnostic[] = l.diagnostics;
    if (l.scenario !== undefined) {
      // Its checks need its runbook: step ids, result shapes, resolve conditions (docs/rehearse.md).
      if (!this.celLoaded) {
        await loadCel();
        this.celLoaded = true;
      }
      const { lintScenarioText } = await import('../rehearse/scenario-lint.js');
      diagnostics = lintScenarioText(l.file, l.source, l.scenario, runbooksDir());
    }
    if (l.runbook) {
      if (!this.celLoaded) {
        await loadCel();
        this.celLoaded = true;
      }
      const catalog = hasChecks(l.runbook) ? await this.catalogPromise() : undefined;
      try {
        diagnostics = applyRules(l.file, l.source, l.runbook, this.rules, catalog);
      } catch (e) {
        // A rule bug must not hide the other files' results, nor print a stack.
        diagnostics = [{ file: l.file, line: 1, column: 1, severity: 'error', ruleId: 'internal', message: `lint crashed on this file: ${(e as Error).message}` }];
        if (process.env.ONCALL_DEBUG) process.stderr.write(`${(e as Error).stack}\n`);
      }
    }
    return { file: l.file, text: l.text, diagnostics: diagnostics.map(withEnd).sort(compareDiagnostics), runbookId: l.runbook ? runbookId(l) : undefined };
  }
}

/** Lints in-memory texts (tests, editors). */
export async function lintTexts(texts: Array<{ file: string; text: string }>, options: LintOptions = {}): Promise<LintResult> {
  const linter = new Linter(options.rules ?? allRules, options.catalog);
  const files: FileResult[] = [];
  for (const t of texts) files.push(await linter.lint(load(t.file, t.text)));
  return acrossFiles(combine(files), options.rules ?? allRules);
}

export interface FileEntry {
  /** Absolute path. */
  abs: string;
  /** As shown. */
  file: string;
}

function readEntry(entry: FileEntry): Loaded {
  const { abs, file } = entry;
  let text: string;
  try {
    const size = statSync(abs).size;
    if (size > MAX_SOURCE_BYTES) {
      // Not worth reading: say so without loading megabytes.
      const { source } = parseSource(file, '');
      const message = `file is too large for a runbook (${(size / 1024 / 1024).toFixed(1)} MB; the limit is ${MAX_SOURCE_BYTES / 1024 / 1024} MB)`;
      return { file, text: '', source, diagnostics: [{ file, line: 1, column: 1, severity: 'error', ruleId: 'yaml-syntax', message }] };
    }
    const decoded = decodeUtf8(readFileSync(abs));
    if (!('text' in decoded)) {
      const { source } = parseSource(file, '');
      return { file, text: '', source, diagnostics: [{ file, line: decoded.line, column: decoded.column, severity: 'error', ruleId: 'yaml-syntax', message: decoded.message }] };
    }
    text = decoded.text;
  } catch (e) {
    throw new LintPathError(describeFsError(file, e));
  }
  return load(file, text);
}

/** Lints files already expanded (also what each worker thread runs). */
export async function lintEntries(entries: FileEntry[], options: LintOptions = {}): Promise<LintResult> {
  const linter = new Linter(options.rules ?? allRules, options.catalog, entries.length > 0);
  const files: FileResult[] = [];
  for (const entry of entries) files.push(await linter.lint(readEntry(entry)));
  return combine(files);
}

/** Lints files and directories. Throws LintPathError for paths that cannot be read. */
export async function lintPaths(paths: string[], options: LintOptions = {}): Promise<LintResult> {
  const cwd = options.cwd ?? process.cwd();
  const entries = expandPaths(paths, cwd).map((abs) => ({ abs, file: displayName(abs, cwd) }));
  const workers = options.workers ?? (options.rules || options.catalog !== undefined ? 0 : autoWorkers(entries));
  if (workers > 0) {
    const { lintInParallel } = await import('./parallel.js');
    const result = await lintInParallel(entries, workers);
    if (result) return acrossFiles(result, allRules);
  }
  return acrossFiles(await lintEntries(entries, options), options.rules ?? allRules);
}

/**
 * Worker threads pay ~100 ms to start and compete with whatever else runs: on
 * a 2-core machine 1,000 runbooks lint no faster with one (~0.7 s either way),
 * so they are used only with 4+ CPUs and many files. ONCALL_LINT_WORKERS=N forces N.
 */
function autoWorkers(entries: FileEntry[]): number {
  const forced = process.env.ONCALL_LINT_WORKERS;
  if (forced !== undefined && /^[0-9]+$/.test(forced)) return Math.min(Number(forced), 8);
  const cpus = typeof availableParallelism === 'function' ? availableParallelism() : 1;
  if (entries.length < 200 || cpus < 4) return 0;
  return Math.min(cpus - 1, 3);
}
