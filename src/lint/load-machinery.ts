// The lint machinery (runner, rules, formatters): the one-file bundle the build
// makes (scripts/build-bundle.mjs), loaded through the code cache, unless it is
// missing or older than dist/lint; then the modules themselves.
import { statSync } from 'node:fs';
import { loadCjs } from '../runbook/cjs-cache.js';
import type * as Machinery from './machinery.js';

export type { Machinery };

export async function loadMachinery(): Promise<typeof Machinery> {
  try {
    const bundle = loadCjs(new URL('./bundle.cjs', import.meta.url)) as typeof Machinery & { builtFrom: number };
    if (statSync(new URL('./machinery.js', import.meta.url)).mtimeMs === bundle.builtFrom) return bundle;
  } catch {
    /* no bundle: the modules themselves */
  }
  return import('./machinery.js');
}
