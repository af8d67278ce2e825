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

export const checkInputs: Rule<
  'unknownCheck' | 'unknownCheckListed' | 'effectWrite' | 'effectRead' | 'effectWriteWithInputs' | 'effectReadWithInputs' | 'missingInput' | 'invalidInput'
> = {
  meta: {
    id: 'check-inputs',
    description: 'check steps name a known type, declare its effect and give valid inputs',
    severity: 'error',
    messages: {
      unknownCheck: 'unknown check "{{check}}"; did you mean "{{suggestion}}"?',
      unknownCheckListed: 'unknown check "{{check}}"; known checks: {{known}}',
      effectWrite: 'check "{{check}}" changes the system, so its effect is write, not {{declared}}',
      effectRead: 'check "{{check}}" only reads, so its effect is read, not {{declared}}',
      effectWriteWithInputs: 'check "{{check}}" changes the system with these inputs, so its effect is write, not {{declared}}',
      effectReadWithInputs: 'check "{{check}}" only reads with these inputs, so its effect is read, not {{declared}}',
      missingInput: 'check "{{check}}" needs {{input}}',
      // The schema's words (src/runbook/schema.ts), e.g. "with.replicas must be a whole number, got a string".
      invalidInput: 'check "{{check}}": {{problem}}',
    },
  },
  create(context) {
    const catalog = context.catalog;
    return {
      step({ step, path }) {
        if (typeof step.check !== 'string' || !catalog) return;
        const type = catalog.getStepType(step.check);
        if (!type) {
          const names = catalog.stepTypeNames();
          const hint = suggest(step.check, names);
          const at = [...path, 'check'];
          if (hint) context.report({ path: at, messageId: 'unknownCheck', data: { check: step.check, suggestion: hint } });
          else context.report({ path: at, messageId: 'unknownCheckListed', data: { check: step.check, known: names.join(', ') } });
          return;
        }
        const input = (step.with ?? {}) as Record<string, unknown>;
        const dynamic = typeof type.effectOf === 'function';
        if (step.effect && !(dynamic && Object.values(input).some(isInterpolated))) {
          let expected: string | undefined;
          try {
            expected = catalog.effectOf(type, input);
          } catch {
            expected = undefined;
          }
          if (expected && expected !== step.effect) {
            const messageId = expected === 'write' ? (dynamic ? 'effectWriteWithInputs' : 'effectWrite') : dynamic ? 'effectReadWithInputs' : 'effectRead';
            context.report({ path: [...path, 'effect'], messageId, data: { check: type.name, declared: step.effect } });
          }
        }
        const validate = catalog.validatorFor ? catalog.validatorFor(type) : inputValidator(type);
        if (!validate || validate(input)) return;
        const errors = (validate.errors ?? []).filter((e) => !throughInterpolation(input, e.instancePath));
        const base = step.with === undefined ? path : [...path, 'with'];
        for (const p of schemaProblems(errors, input, base, ['with'])) {
          const missing = /^(\S+) is missing required property "(.+)"$/.exec(p.message);
          if (missing) context.report({ path: p.at, on: p.on, messageId: 'missingInput', data: { check: type.name, input: `${missing[1]}.${missing[2]}` } });
          else context.report({ path: p.at, on: p.on, messageId: 'invalidInput', data: { check: type.name, problem: p.message } });
        }
      },
    };
  },
};
