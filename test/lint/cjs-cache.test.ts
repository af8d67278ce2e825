// Generated CommonJS files load through V8's code cache when it matches the
// file, and load normally when it does not (stale, corrupt, or absent).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, utimesSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCjs } from '../../src/runbook/cjs-cache.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'oncall-cjs-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('loads a CommonJS file once, with its own require and __dirname', () => {
  const file = join(dir, 'a.cjs');
  writeFileSync(file, "exports.dir = __dirname; exports.path = require('node:path').basename(__filename); exports.n = (globalThis.__oncallLoads = (globalThis.__oncallLoads ?? 0) + 1);\n");
  const a = loadCjs(file) as { dir: string; path: string; n: number };
  expect(a).toEqual({ dir, path: 'a.cjs', n: 1 });
  expect(loadCjs(file)).toBe(a);
});

test('a missing file throws MODULE_NOT_FOUND', () => {
  expect(() => loadCjs(join(dir, 'missing.cjs'))).toThrow(expect.objectContaining({ code: 'MODULE_NOT_FOUND' }));
});

test('a stale or corrupt cache is ignored', () => {
  const file = join(dir, 'b.cjs');
  writeFileSync(file, 'module.exports = 40 + 2;\n');
  // Recorded for another version of the file (other mtime), then garbage: both ignored.
  const header = Buffer.alloc(8);
  header.writeDoubleLE(12345);
  writeFileSync(`${file}.v8cache`, Buffer.concat([header, Buffer.from('not a code cache')]));
  expect(loadCjs(file)).toBe(42);
  const file2 = join(dir, 'c.cjs');
  writeFileSync(file2, 'module.exports = "c";\n');
  utimesSync(file2, 1_000_000, 1_000_000);
  const h2 = Buffer.alloc(8);
  h2.writeDoubleLE(1_000_000_000);
  writeFileSync(`${file2}.v8cache`, Buffer.concat([h2, Buffer.from('garbage bytes that V8 must reject')]));
  expect(loadCjs(file2)).toBe('c');
});

test('ONCALL_CODE_CACHE=record writes a cache that a later run accepts', () => {
  const file = join(dir, 'd.cjs');
  writeFileSync(file, 'module.exports = function square(x) { return x * x; };\n');
  const loader = new URL('../../dist/runbook/cjs-cache.js', import.meta.url);
  if (!existsSync(loader)) return; // needs the build (npm test builds first)
  const script = `import(${JSON.stringify(loader.href)}).then((m) => { process.stdout.write(String(m.loadCjs(${JSON.stringify(file)})(7))); })`;
  const record = spawnSync(process.execPath, ['-e', script], { env: { ...process.env, ONCALL_CODE_CACHE: 'record' }, encoding: 'utf8' });
  expect(record.stdout).toBe('49');
  expect(existsSync(`${file}.v8cache`)).toBe(true);
  const use = spawnSync(process.execPath, ['-e', script], { env: { ...process.env, ONCALL_CODE_CACHE: '', ONCALL_DEBUG: '1' }, encoding: 'utf8' });
  expect(use.stdout).toBe('49');
  expect(use.stderr).not.toContain('rejected');
});
