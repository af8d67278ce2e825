// A `check:` names a known step type, declares that type's effect, and gives
// it the inputs its schema asks for. Interpolated values (`${{ }}`) are only
// known at run time, so the schema is not applied to them.
import { schemaProblems, suggest } from '../../runbook/schema.js';
import { inputValidator } from '../inputs.js';
import type { Rule } from '../types.js';

const isInterpolated = (v: unknown) => typeof v === 'string' && v.includes('${{');

/** Does the error's instance path run through an interpolated value? */
function throughInterpolation(input: unknown, instancePath: string): boolean {
  let node = input;
  if (isInterpolated(node)) return true;
  for (const seg of instancePath.split('/').slice(1)) {
    node = (node as Record<string, unknown> | undefined)?.[seg.replace(/~1/g, '/').replace(/~0/g, '~')];
    if (isInterpolated(node)) return true;
  }
  return false;
}

export const checkInputs: Rule = {
  meta: { id: 'check-inputs', description: 'check steps name a known type, declare its effect and give valid inputs', severity: 'error' },
  create(context) {
    const catalog = context.catalog;
    return {
      step({ step, path }) {
        if (typeof step.check !== 'string' || !catalog) return;
        const type = catalog.getStepType(step.check);
        if (!type) {
          const names = catalog.stepTypeNames();
          const hint = suggest(step.check, names);
          context.report({
            path: [...path, 'check'],
            message: `unknown check "${step.check}"${hint ? `; did you mean "${hint}"?` : `; known checks: ${names.join(', ')}`}`,
          });
          return;
        }
        const input = (step.with ?? {}) as Record<string, unknown>;
        const dynamic = typeof (type as { effectOf?: unknown }).effectOf === 'function';
        if (step.effect && !(dynamic && Object.values(input).some(isInterpolated))) {
          let expected: string | undefined;
          try {
            expected = catalog.effectOf(type, input);
          } catch {
            expected = undefined;
          }
          if (expected && expected !== step.effect) {
            context.report({
              path: [...path, 'effect'],
              message: `check "${type.name}" ${expected === 'write' ? 'changes the system' : 'only reads'}${dynamic ? ' with these inputs' : ''}, so its effect is ${expected}, not ${step.effect}`,
            });
          }
        }
        const validate = catalog.validatorFor ? catalog.validatorFor(type) : inputValidator(type);
        if (!validate || validate(input)) return;
        const errors = (validate.errors ?? []).filter((e) => !throughInterpolation(input, e.instancePath));
        const base = step.with === undefined ? path : [...path, 'with'];
        for (const p of schemaProblems(errors, input, base, ['with'])) {
          const missing = /^(\S+) is missing required property "(.+)"$/.exec(p.message);
          const message = missing ? `check "${type.name}" needs ${missing[1]}.${missing[2]}` : `check "${type.name}": ${p.message}`;
          context.report({ path: p.at, on: p.on, message });
        }
      },
    };
  },
};
