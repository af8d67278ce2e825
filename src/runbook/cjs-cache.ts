// Loads the CommonJS files the build generates (dist/lint/bundle.cjs,
// dist/vendor/*.cjs, the schema validators) with V8's code cache, the Node 20
// stand-in for Node 22's module.enableCompileCache(): compiling ~600 KB of
// JavaScript, and then compiling each function on first call, is a third of
// `oncall lint`'s start-up. scripts/build-cache.mjs runs a representative lint
// with ONCALL_CODE_CACHE=record, which writes `<file>.v8cache` next to each
// file after the run (so lazily compiled functions are included). A cache is
// used only when it was made from the file as it is now (same mtime); V8
// itself rejects one made by another V8 version or with other flags, and the
// file then compiles as usual. No cache, no difference but speed.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';

/** `import()` as seen from an ES module; the loaded code calls it instead of import(). */
export type DynamicImport = (specifier: string) => Promise<unknown>;

const loaded = new Map<string, unknown>();
const recorded: Array<{ file: string; mtimeMs: number; script: Script }> = [];
const RECORD = process.env.ONCALL_CODE_CACHE === 'record';
const HEADER = 8;

if (RECORD) {
  process.on('exit', () => {
    for (const r of recorded) {
      const data = r.script.createCachedData();
      const header = Buffer.alloc(HEADER);
      header.writeDoubleLE(r.mtimeMs);
      writeFileSync(`${r.file}.v8cache`, Buffer.concat([header, data]));
    }
  });
}

const dynamicImport: DynamicImport = (specifier) => import(specifier);

/**
 * `require(file)` for a generated CommonJS file, through the code cache when
 * there is a valid one. Throws like require() (ENOENT → code MODULE_NOT_FOUND).
 * The module gets a `__dynamicImport` besides the usual wrapper arguments.
 */
export function loadCjs(fileOrUrl: string | URL): unknown {
  const file = typeof fileOrUrl === 'string' ? fileOrUrl : fileURLToPath(fileOrUrl);
  if (loaded.has(file)) return loaded.get(file);
  let source: string;
  let mtimeMs: number;
  try {
    mtimeMs = statSync(file).mtimeMs;
    source = readFileSync(file, 'utf8');
  } catch (e) {
    const err = new Error(`Cannot find module '${file}'`) as NodeJS.ErrnoException;
    err.code = 'MODULE_NOT_FOUND';
    err.cause = e;
    throw err;
  }
  let cachedData: Buffer | undefined;
  if (!RECORD) {
    try {
      const cache = readFileSync(`${file}.v8cache`);
      if (cache.length > HEADER && cache.readDoubleLE(0) === mtimeMs) cachedData = cache.subarray(HEADER);
    } catch {
      /* no cache */
    }
  }
  const wrapper = `(function (exports, require, module, __filename, __dirname, __dynamicImport) {${source}\n})`;
  const script = new Script(wrapper, { filename: file, cachedData });
  if (cachedData && script.cachedDataRejected && process.env.ONCALL_DEBUG) process.stderr.write(`oncall: code cache of ${file} rejected by V8\n`);
  if (RECORD) recorded.push({ file, mtimeMs, script });
  const fn = script.runInThisContext() as (...args: unknown[]) => void;
  const module = { exports: {} as unknown };
  loaded.set(file, module.exports);
  try {
    fn.call(module.exports, module.exports, createRequire(file), module, file, dirname(file), dynamicImport);
  } catch (e) {
    loaded.delete(file);
    throw e;
  }
  loaded.set(file, module.exports);
  return module.exports;
}
