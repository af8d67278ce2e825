// The parsing libraries, each loaded on first use so that commands which do
// not need one (`--help`, `list`) never pay for it.
import { createRequire } from 'node:module';

type YamlModule = typeof import('yaml');
type CelModule = typeof import('@marcbachmann/cel-js');

const requireHere = createRequire(import.meta.url);

let yaml: YamlModule | undefined;
let shellParser: unknown;
let cel: CelModule | undefined;

export function yamlLib(): YamlModule {
  return (yaml ??= requireHere('yaml') as YamlModule);
}

/** Loads cel-js (an ES module). Call before celLib() where require(esm) is unavailable. */
export async function loadCel(): Promise<CelModule> {
  return (cel ??= await import('@marcbachmann/cel-js'));
}

export function celLib(): CelModule {
  // Node ≥ 20.19 can require() an ES module; elsewhere loadCel() must have run.
  return (cel ??= requireHere('@marcbachmann/cel-js') as CelModule);
}

/** mvdan/sh's shell parser (the mvdan-sh package, one GopherJS file). */
export function shellParserLib(): unknown {
  return (shellParser ??= requireHere('mvdan-sh'));
}
