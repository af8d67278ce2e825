// The step types as lint needs them: name, effect, and a validator for `with:`.
// `npm run build` writes them to dist/lint/validate-inputs.cjs
// (scripts/build-schema.mjs), so lint does not import the ~30 step modules
// of the catalog: only the module of a type whose effect depends on its
// inputs (http) is loaded, for its effectOf. Without that file, or when
// dist/steps was rebuilt since, lint uses the catalog itself.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ValidateFunction } from 'ajv';
import { newAjv, schemaHash } from '../runbook/schema.js';
import type { Effect, StepType } from '../steps/types.js';
import type { Catalog } from './types.js';

interface ManifestType {
  effect: Effect;
  description: string;
  /** Where a type with an input-dependent effect is defined. */
  dynamic: { module: string; exportName: string } | null;
  /** Each input's declared JSON Schema type. */
  inputTypes?: Record<string, { type: string | string[] }>;
  hash: string;
  validate: ValidateFunction | null;
}

interface Manifest {
  /** stepsHash() of the dist/steps the manifest was made from. */
  stepsHash: string;
  types: Record<string, ManifestType>;
}

/** The content of the compiled step modules: a manifest made from other
 *  contents (tsc rewrote dist/steps without the build script) is stale.
 *  Contents, not mtimes: npm pack, cp and tar change those. */
export function stepsHash(stepsDir: string): string {
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.js') ? [join(dir, e.name)] : []));
  const hash = createHash('sha256');
  for (const file of files(stepsDir).sort()) hash.update(file.slice(stepsDir.length)).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex');
}

function manifest(): Manifest | undefined {
  try {
    const m = createRequire(import.meta.url)('./validate-inputs.cjs') as Manifest;
    if (!m.stepsHash || Object.keys(m.types).length === 0) return undefined;
    if (stepsHash(fileURLToPath(new URL('../steps/', import.meta.url))) !== m.stepsHash) return undefined;
    return m;
  } catch {
    return undefined;
  }
}

/** A catalog from the generated manifest, or undefined when there is none (or it is stale). */
export async function manifestCatalog(): Promise<Catalog | undefined> {
  const m = manifest();
  if (!m) return undefined;
  const types = new Map<string, StepType>();
  const validators = new Map<string, ValidateFunction | null>();
  for (const [name, t] of Object.entries(m.types)) {
    let type: StepType;
    if (t.dynamic) {
      const mod = (await import(new URL(`../${t.dynamic.module}`, import.meta.url).href)) as Record<string, StepType>;
      const real = mod[t.dynamic.exportName];
      if (!real || real.name !== name) return undefined;
      type = real;
    } else {
      // Result shapes are checked by result-shape.ts, from their own generated validators.
      type = { name, description: t.description, effect: t.effect, inputSchema: { properties: t.inputTypes ?? {} }, resultSchema: {}, run: () => Promise.reject(new Error('lint-only step type')) };
    }
    types.set(name, type);
    validators.set(name, t.validate);
  }
  return {
    getStepType: (name) => types.get(name),
    stepTypeNames: () => [...types.keys()].sort(),
    effectOf: (type, input) => type.effectOf?.(input) ?? type.effect,
    validatorFor: (type) => (validators.has(type.name) ? validators.get(type.name)! : inputValidator(type)),
  };
}

const cache = new Map<string, ValidateFunction | null>();

/** A validator compiled from a step type's inputSchema; null when it does not compile. */
export function inputValidator(type: StepType): ValidateFunction | null {
  const key = `${type.name}:${schemaHash(JSON.stringify(type.inputSchema ?? {}))}`;
  let v = cache.get(key);
  if (v !== undefined) return v;
  try {
    v = newAjv().compile(type.inputSchema ?? {});
  } catch {
    v = null;
  }
  cache.set(key, v);
  return v;
}
