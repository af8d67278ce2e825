// Golden files must be able to fail: a missing one is a failure, never a new
// baseline. ONCALL_UPDATE_GOLDEN=1 (re)writes them instead of comparing.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const UPDATE_GOLDEN = process.env.ONCALL_UPDATE_GOLDEN === '1';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Compares `actual` with the file at `path`, or writes it under ONCALL_UPDATE_GOLDEN=1. */
export function expectGolden(path: string, actual: string): void {
  if (UPDATE_GOLDEN) {
    writeFileSync(path, actual);
    return;
  }
  if (!existsSync(path)) {
    throw new Error(`golden file ${relative(root, path)} is missing; write it with ONCALL_UPDATE_GOLDEN=1 and review it`);
  }
  expect(actual).toBe(readFileSync(path, 'utf8'));
}
