// Does a canned result (a rehearsal scenario's) have the shape its step type's
// `run` returns? Checked against the type's resultSchema, or for a plain
// `run:` step against RUN_RESULT_SCHEMA, so that a misspelt field fails lint
// instead of silently making a condition false.
//
// `npm run build` precompiles these validators into dist/lint/validate-results.cjs
// (scripts/build-schema.mjs), as it does the input validators: with that file
// fresh, neither the step catalog nor the ajv compiler is loaded. Without it
// (tests from src/, or dist/steps rebuilt by tsc alone) the schemas come from
// the catalog and are compiled on first use.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { ValidateFunction } from 'ajv';
import { dotted, newAjv, schemaHash, schemaProblems } from '../runbook/schema.js';
import type { DocPath } from '../runbook/source.js';
import { stepsHash } from './inputs.js';

/** A plain `run:` step's result as a scenario author writes it. */
export const RUN_RESULT_SCHEMA: Record<string, unknown> = {
  type: 'object',
  additionalProperties: false,
  properties: {
    exit: { type: 'integer', minimum: 0, maximum: 255, default: 0, description: "The command's exit code." },
    stdout: { type: 'string' },
    stderr: { type: 'string' },
  },
};

export interface ResultProblem {
  /** Where in the result, dotted: "partitions[0].lag", "" for the result itself. */
  path: string;
  /** The same place as a document path, relative to the result. */
  at: DocPath;
  /** "unknown property \"totalLagg\" in result; did you mean \"totalLag\"?" */
  message: string;
  /** Point at the key (an unknown property) or the value. */
  on: 'key' | 'value';
}

interface Generated {
  /** stepsHash() of the dist/steps the validators were made from. */
  stepsHash: string;
  run: { hash: string; validate: ValidateFunction };
  types: Record<string, ValidateFunction>;
}

function loadGenerated(): Generated | undefined {
  try {
    return createRequire(import.meta.url)('./validate-results.cjs') as Generated;
  } catch {
    return undefined;
  }
}

const generated = loadGenerated();
const stepsFresh = !!generated?.stepsHash && generated.stepsHash === stepsHash(fileURLToPath(new URL('../steps/', import.meta.url)));
// Only without fresh generated validators: the catalog costs ~60 ms to import.
const catalog = stepsFresh ? undefined : await import('../steps/catalog.js');

/** True when the step types' result validators are the build's (no catalog, no ajv compile). */
export const precompiledResultValidators = stepsFresh;

let ajv: ReturnType<typeof newAjv> | undefined;
function compile(schema: Record<string, unknown>): ValidateFunction | null {
  try {
    return (ajv ??= newAjv()).compile(schema);
  } catch {
    return null;
  }
}

const validators = new Map<string, ValidateFunction | null | undefined>();

/** The validator for a type's results; null when its schema does not compile, undefined for an unknown type. */
function validatorFor(typeName: string): ValidateFunction | null | undefined {
  if (validators.has(typeName)) return validators.get(typeName);
  let v: ValidateFunction | null | undefined;
  if (typeName === 'run') {
    v = generated?.run.hash === schemaHash(JSON.stringify(RUN_RESULT_SCHEMA)) ? generated.run.validate : compile(RUN_RESULT_SCHEMA);
  } else if (stepsFresh) {
    v = Object.hasOwn(generated!.types, typeName) ? generated!.types[typeName] : undefined;
  } else {
    const type = catalog!.getStepType(typeName);
    v = type ? compile(type.resultSchema ?? {}) : undefined;
  }
  validators.set(typeName, v);
  return v;
}

/**
 * What is wrong with `result` as the result of a `typeName` step (a native
 * step type's name, or 'run' for a plain command): one entry per problem,
 * none when it has the shape `run` returns.
 */
export function resultProblems(typeName: string, result: unknown, opts: { partial?: boolean } = {}): ResultProblem[] {
  const validate = validatorFor(typeName);
  if (validate === undefined) return [{ path: '', at: [], message: `unknown step type "${typeName}"`, on: 'value' }];
  if (validate === null || validate(result)) return [];
  // A partial result (a scenario gives what the conditions read) may leave fields out.
  const errors = (validate.errors ?? []).filter((e) => !opts.partial || e.keyword !== 'required');
  return schemaProblems(errors, result, [], ['result']).map((p) => ({ path: dotted(p.at), at: p.at, message: p.message, on: p.on }));
}
