// Awaits a step that must fail: returns its StepError and how long failing took.
import { StepError } from '../../src/steps/types.js';

export async function stepFailure(promise: Promise<unknown>): Promise<{ error: StepError; ms: number }> {
  const started = performance.now();
  const error = await promise.then(
    () => {
      throw new Error('expected the step to fail');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StepError);
  return { error: error as StepError, ms: performance.now() - started };
}
