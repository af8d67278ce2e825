// JSON Schema validation (ajv, draft 2020-12) with errors mapped back to
// the YAML source: `file:line:col: message [schema]`.
//
// `npm run build` compiles the schemas ahead of time into
// dist/runbook/validate-<name>.cjs (scripts/build-schema.mjs), so a normal
// start neither loads nor runs the ajv compiler; when that file is missing or
// was built from another version of the schema, ajv compiles it here.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { ErrorObject, Options, ValidateFunction } from 'ajv';
import type { Diagnostic } from './diagnostic.js';
import { locateRange, type DocPath, type SourceFile } from './source.js';

export const SCHEMA_DIR = fileURLToPath(new URL('../../schemas/', import.meta.url));

export type SchemaName = 'runbook' | 'process' | 'scenario';

/** The options both the build script and the runtime fallback compile with. */
export const AJV_OPTIONS: Options = { allErrors: true, strict: false, validateFormats: false, verbose: true };

const requireHere = createRequire(import.meta.url);
const validators = new Map<SchemaName, ValidateFunction>();

/** FNV-1a: tells a generated validator from a stale one without loading crypto. */
export function schemaHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16);
}

export function schemaText(name: SchemaName): string {
  return readFileSync(`${SCHEMA_DIR}${name}.schema.json`, 'utf8');
}

interface Generated {
  hash: string;
  validate: ValidateFunction;
}

function validatorFor(name: SchemaName): ValidateFunction {
  let v = validators.get(name);
  if (v === undefined) {
    const text = schemaText(name);
    v = generated(name, schemaHash(text)) ?? compileSchema(JSON.parse(text));
    validators.set(name, v);
  }
  return v;
}

function generated(name: SchemaName, hash: string): ValidateFunction | undefined {
  try {
    const mod = requireHere(`./validate-${name}.cjs`) as Generated;
    return mod.hash === hash ? mod.validate : undefined;
  } catch {
    return undefined;
  }
}

type AjvClass = new (opts: Options) => { compile(schema: object): ValidateFunction };

/** A fresh ajv (2020-12) instance; loaded on demand because it is only needed without generated code. */
export function newAjv(options: Options = AJV_OPTIONS): InstanceType<AjvClass> {
  const mod = requireHere('ajv/dist/2020.js') as { default?: AjvClass } & AjvClass;
  const Ajv2020 = mod.default ?? mod;
  return new Ajv2020(options);
}

function compileSchema(schema: object): ValidateFunction {
  return newAjv().compile(schema);
}

export function validateAgainstSchema(name: SchemaName, value: unknown, source: SourceFile): Diagnostic[] {
  const validate = validatorFor(name);
  if (validate(value)) return [];
  return schemaDiagnostics(validate.errors ?? [], value, source, 'schema');
}

function pathOf(instancePath: string): string[] {
  return instancePath === '' ? [] : instancePath.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function typedPath(path: string[], root: unknown): Array<string | number> {
  const out: Array<string | number> = [];
  let node = root as Record<string, unknown> | unknown[] | undefined;
  for (const seg of path) {
    if (Array.isArray(node)) {
      out.push(Number(seg));
      node = node[Number(seg)] as typeof node;
    } else {
      out.push(seg);
      node = (node as Record<string, unknown> | undefined)?.[seg] as typeof node;
    }
  }
  return out;
}

/** "stages.detect.steps[0].run", for messages. */
export function dotted(path: DocPath): string {
  return path.reduce<string>((acc, seg) => (typeof seg === 'number' ? `${acc}[${seg}]` : acc ? `${acc}.${seg}` : seg), '');
}

/** JSON Schema type names in the words of YAML. */
const TYPE_WORDS: Record<string, string> = {
  object: 'a mapping',
  array: 'a list',
  string: 'a string',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  null: 'empty',
};

export function kindOfValue(value: unknown): string {
  if (value === null || value === undefined) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'number') return Number.isInteger(value) ? 'a whole number' : 'a number';
  if (typeof value === 'boolean') return `${value}`;
  return `a ${typeof value}`;
}

function typeWords(types: string[]): string {
  const words = [...new Set(types.map((t) => TYPE_WORDS[t] ?? t))];
  return words.length <= 1 ? (words[0] ?? 'valid') : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

function show(value: unknown): string {
  const s = JSON.stringify(value);
  return s === undefined ? String(value) : s.length > 60 ? `${s.slice(0, 57)}…"` : s;
}

/** Closest allowed names within edit distance 2 (a typo), else none. */
export function suggest(name: string, allowed: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of allowed) {
    const d = distance(name.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function distance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}

interface Described {
  message: string;
  on: 'key' | 'value';
  at: DocPath;
}

function describe(e: ErrorObject, path: DocPath, value: unknown, types: string[] | undefined): Described {
  const where = dotted(path) || 'the document';
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const name = String(p.additionalProperty);
      const allowed = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      const hint = suggest(name, allowed);
      const tail = hint ? `; did you mean "${hint}"?` : allowed.length && allowed.length <= 10 ? `; allowed: ${allowed.join(', ')}` : '';
      return { message: `unknown property "${name}" in ${where}${tail}`, on: 'key', at: [...path, name] };
    }
    case 'required':
      if (path.length === 0 && (value === null || value === undefined)) {
        return { message: 'the document is empty; a runbook needs id, title, severity, alerts and stages', on: 'value', at: path };
      }
      return { message: `${where} is missing required property "${p.missingProperty}"`, on: 'key', at: path };
    case 'dependentRequired':
      return { message: `"${p.property}" needs "${p.missingProperty}" beside it in ${where}`, on: 'key', at: [...path, String(p.property)] };
    case 'enum':
      return { message: `${where} is ${show(value)}; allowed: ${(p.allowedValues as unknown[]).join(', ')}`, on: 'value', at: path };
    case 'const':
      return { message: `${where} must be ${show(p.allowedValue)}`, on: 'value', at: path };
    case 'pattern':
      return { message: `${where} ${show(value)} does not match ${p.pattern}`, on: 'value', at: path };
    case 'type': {
      const wanted = typeWords(types ?? [String(p.type)]);
      if (path.length === 0) {
        if (value === null || value === undefined) {
          return { message: 'the document is empty; a runbook needs id, title, severity, alerts and stages', on: 'value', at: path };
        }
        return { message: `the document must be ${wanted} (id:, title:, stages: …), got ${kindOfValue(value)}`, on: 'value', at: path };
      }
      return { message: `${where} must be ${wanted}, got ${kindOfValue(value)}`, on: 'value', at: path };
    }
    case 'minItems':
      return { message: `${where} needs at least ${p.limit} item${p.limit === 1 ? '' : 's'}`, on: 'value', at: path };
    case 'minLength':
      return { message: `${where} must not be empty`, on: 'value', at: path };
    case 'minimum':
    case 'maximum':
      return { message: `${where} is ${show(value)}; it must be ${p.comparison} ${p.limit}`, on: 'value', at: path };
    case 'propertyNames':
      return { message: `property name "${p.propertyName}" in ${where} is not allowed`, on: 'key', at: [...path, String(p.propertyName)] };
    default:
      return { message: `${where} ${e.message ?? 'is invalid'}`, on: 'value', at: path };
  }
}

export interface SchemaProblem {
  message: string;
  on: 'key' | 'value';
  /** Path in the document (prefix included). */
  at: DocPath;
}

/**
 * ajv errors → messages with the document path to point at. `prefix` is the
 * path of `root` in the document; `label` names `root` in messages (default:
 * the full path), so a step's `with:` reads "with.replicas must be …".
 */
export function schemaProblems(errors: ErrorObject[], root: unknown, prefix: DocPath = [], label: DocPath = prefix): SchemaProblem[] {
  // oneOf/anyOf add a summary error beside the branch errors; the branch
  // errors say more, and `propertyNames` repeats itself as `pattern`.
  const useful = errors.filter((e) => e.keyword !== 'oneOf' && e.keyword !== 'anyOf' && e.keyword !== 'if' && !e.propertyName);
  const chosen = useful.length ? useful : errors;
  // `run: 5` fails both oneOf branches; say "a string or a list" once.
  const typesAt = new Map<string, string[]>();
  for (const e of chosen) {
    if (e.keyword !== 'type') continue;
    const t = (e.params as { type: string | string[] }).type;
    typesAt.set(e.instancePath, [...(typesAt.get(e.instancePath) ?? []), ...(Array.isArray(t) ? t : String(t).split(','))]);
  }
  const seen = new Set<string>();
  const out: SchemaProblem[] = [];
  for (const e of chosen) {
    const path = typedPath(pathOf(e.instancePath), root);
    const value = path.reduce<unknown>((node, seg) => (node as Record<string | number, unknown> | undefined)?.[seg], root);
    const described = describe(e, [...label, ...path], value, typesAt.get(e.instancePath));
    const at = [...prefix, ...described.at.slice(label.length)];
    const key = `${at.join('/')}:${described.on}:${described.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ message: described.message, on: described.on, at });
  }
  return out;
}

/** ajv errors → diagnostics at the offending key or value. */
export function schemaDiagnostics(errors: ErrorObject[], root: unknown, source: SourceFile, ruleId: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const p of schemaProblems(errors, root)) {
    const pos = locateRange(source, p.at, p.on);
    const key = `${pos.line}:${pos.column}:${p.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ file: source.file, line: pos.line, column: pos.column, endLine: pos.endLine, endColumn: pos.endColumn, path: p.at, severity: 'error', ruleId, message: p.message });
  }
  return out;
}
