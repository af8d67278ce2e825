// A StepContext for driving k8s step types directly in tests.

import type { StepContext } from '../../src/steps/types.js';

export function stepContext(env: Record<string, string | undefined>, timeoutMs = 15_000): StepContext & { lines: string[] } {
  const lines: string[] = [];
  return {
    signal: new AbortController().signal,
    timeoutMs,
    env,
    progress: (message) => lines.push(message),
    lines,
  };
}
