// JSON Schema validation (ajv, draft 2020-12) with errors mapped back to
// the YAML source: `file:line:col: message [schema]`.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Ajv2020Module from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv';

type AjvClass = typeof Ajv2020Module.default;
import type { Diagnostic } from './diagnostic.js';
import { locate, type DocPath, type SourceFile } from './source.js';

// ajv is CommonJS: under NodeNext the class sits on `.default`.
const Ajv2020: AjvClass = (Ajv2020Module as unknown as { default: AjvClass }).default ?? (Ajv2020Module as unknown as AjvClass);

export const SCHEMA_DIR = fileURLToPath(new URL('../../schemas/', import.meta.url));

export type SchemaName = 'runbook' | 'process';
const validators = new Map<SchemaName, ValidateFunction>();

function validatorFor(name: SchemaName): ValidateFunction {
  let v = validators.get(name);
  if (v === undefined) {
    const schema = JSON.parse(readFileSync(`${SCHEMA_DIR}${name}.schema.json`, 'utf8'));
    const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: false });
    v = ajv.compile(schema);
    validators.set(name, v);
  }
  return v;
}

export function validateAgainstSchema(name: SchemaName, value: unknown, source: SourceFile): Diagnostic[] {
  const validate = validatorFor(name);
  if (validate(value)) return [];
  return toDiagnostics(validate.errors ?? [], value, source);
}

function pathOf(instancePath: string): string[] {
  return instancePath === '' ? [] : instancePath.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function typedPath(path: string[], root: unknown): DocPath {
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

function describe(e: ErrorObject, path: DocPath, value: unknown): { message: string; on: 'key' | 'value'; at: DocPath } {
  const where = dotted(path) || 'the document';
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties':
      return { message: `unknown property "${p.additionalProperty}" in ${where}`, on: 'key', at: [...path, String(p.additionalProperty)] };
    case 'required':
      return { message: `${where} is missing required property "${p.missingProperty}"`, on: 'key', at: path };
    case 'dependentRequired':
      return { message: `"${p.property}" needs "${p.missingProperty}" beside it in ${where}`, on: 'key', at: [...path, String(p.property)] };
    case 'enum':
      return { message: `${where} is ${JSON.stringify(value)}; allowed: ${(p.allowedValues as unknown[]).join(', ')}`, on: 'value', at: path };
    case 'const':
      return { message: `${where} must be ${JSON.stringify(p.allowedValue)}`, on: 'value', at: path };
    case 'pattern':
      return { message: `${where} ${JSON.stringify(value)} does not match ${p.pattern}`, on: 'value', at: path };
    case 'type':
      return { message: `${where} must be ${p.type}, got ${Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value}`, on: 'value', at: path };
    case 'propertyNames':
      return { message: `property name "${p.propertyName}" in ${where} is not allowed`, on: 'key', at: [...path, String(p.propertyName)] };
    default:
      return { message: `${where} ${e.message ?? 'is invalid'}`, on: 'value', at: path };
  }
}

function toDiagnostics(errors: ErrorObject[], root: unknown, source: SourceFile): Diagnostic[] {
  // oneOf/anyOf add a summary error beside the branch errors; the branch
  // errors say more, and `propertyNames` repeats itself as `pattern`.
  const useful = errors.filter((e) => e.keyword !== 'oneOf' && e.keyword !== 'anyOf' && e.keyword !== 'if' && !e.propertyName);
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const e of useful.length ? useful : errors) {
    const path = typedPath(pathOf(e.instancePath), root);
    const value = path.reduce<unknown>((node, seg) => (node as Record<string | number, unknown> | undefined)?.[seg], root);
    const { message, on, at } = describe(e, path, value);
    const pos = locate(source, at, on);
    const key = `${pos.line}:${pos.column}:${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ file: source.file, line: pos.line, column: pos.column, severity: 'error', ruleId: 'schema', message });
  }
  return out;
}
