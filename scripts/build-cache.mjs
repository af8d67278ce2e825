// Records V8 code caches for the generated CommonJS files (see
// src/runbook/cjs-cache.ts): runs `oncall lint` once over the bundled
// runbooks, plus a file that needs the yaml library, with
// ONCALL_CODE_CACHE=record; each file loaded gets `<file>.v8cache`, made after
// the run so the functions lint calls are compiled in it. Run last in the build.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
for (const dir of ['dist/lint', 'dist/vendor', 'dist/runbook']) {
  for (const f of existsSync(join(root, dir)) ? readdirSync(join(root, dir)) : []) if (f.endsWith('.v8cache')) rmSync(join(root, dir, f));
}
const tmp = mkdtempSync(join(tmpdir(), 'oncall-cache-'));
// An alias is outside the fast YAML subset: this file makes lint load the yaml library.
writeFileSync(join(tmp, 'INC-999-warm-up.yaml'), 'id: INC-999\ntitle: &t Warm-up\nseverity: SEV-4\nalerts: [{ alertname: WarmUp }]\nstages:\n  detect: { steps: [{ id: a, manual: *t }] }\n  resolve: {}\n');
const targets = [join(root, 'runbooks'), tmp].filter((p) => existsSync(p));
const r = spawnSync(process.execPath, [join(root, 'bin/oncall.js'), 'lint', ...targets], {
  cwd: root,
  env: { ...process.env, ONCALL_CODE_CACHE: 'record', NO_COLOR: '1' },
  encoding: 'utf8',
});
rmSync(tmp, { recursive: true, force: true });
const made = ['dist/lint', 'dist/vendor', 'dist/runbook'].flatMap((d) => (existsSync(join(root, d)) ? readdirSync(join(root, d)).filter((f) => f.endsWith('.v8cache')).map((f) => `${d}/${f}`) : []));
if (r.status === 2 || r.error) console.warn(`build-cache: the recording run failed (${r.error?.message ?? r.stderr.trim()}); no code cache`);
console.log(`build-cache: ${made.length} code caches (${made.map((f) => f.split('/').pop().replace('.v8cache', '')).join(', ')})`);
