#!/usr/bin/env node
// Thin entry point: everything lives in the compiled program.
import module, { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';

// Compiled code is kept between runs (parsing the shell parser alone is most of
// `oncall lint`'s start-up): Node's own cache from 22.1, v8-compile-cache on
// Node 20. In the user's cache directory, never a shared /tmp one: a cache
// planted there by another user would run as this one.
try {
  const dir = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'oncall', 'compile-cache');
  if (module.enableCompileCache) module.enableCompileCache(dir);
  else {
    process.env.V8_COMPILE_CACHE_CACHE_DIR = dir;
    createRequire(import.meta.url)('v8-compile-cache');
    delete process.env.V8_COMPILE_CACHE_CACHE_DIR;
  }
} catch {
  /* no cache: slower, same behaviour */
}
import('../dist/cli/main.js').then((m) => m.main(process.argv));
