// yaml and cel-js from the single-file bundles scripts/build-vendor.mjs writes
// into dist/vendor/ (Node 20 loads one file far faster than 72 or 14), or
// from node_modules when there is no bundle (tests run from src/, a build
// without the script). Same library either way.
import { createRequire } from 'node:module';
import { loadCjs } from './cjs-cache.js';

type YamlModule = typeof import('yaml');
type CelModule = typeof import('@marcbachmann/cel-js');

const requireHere = createRequire(import.meta.url);

function bundled<T>(name: string): T | undefined {
  try {
    return loadCjs(new URL(`../vendor/${name}.cjs`, import.meta.url)) as T;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw e;
    return undefined;
  }
}

let yaml: YamlModule | undefined;
let shellParser: unknown;
let cel: CelModule | undefined;

export function yamlLib(): YamlModule {
  return (yaml ??= bundled<YamlModule>('yaml') ?? (requireHere('yaml') as YamlModule));
}

/** Loads cel-js (the bundle, else the ES module package). Call before celLib() where require(esm) is unavailable. */
export async function loadCel(): Promise<CelModule> {
  return (cel ??= bundled<CelModule>('cel-js') ?? (await import('@marcbachmann/cel-js')));
}

export function celLib(): CelModule {
  if (!cel) {
    cel = bundled<CelModule>('cel-js');
    // Node ≥ 20.19 can require() an ES module; elsewhere loadCel() must have run.
    cel ??= requireHere('@marcbachmann/cel-js') as CelModule;
  }
  return cel;
}

/** mvdan/sh's shell parser (the mvdan-sh package, one GopherJS file), loaded on first use. */
export function shellParserLib(): unknown {
  return (shellParser ??= bundled<unknown>('mvdan-sh') ?? requireHere('mvdan-sh'));
}
