// The package as users get it: `npm pack`, installed into a fresh prefix, run
// from a directory that is not the checkout, on this machine's Node and on
// Node 22 (from the `node` package on npm). The test command builds dist/
// first; packing runs no scripts, so what is packed is what was built.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(new URL('../..', import.meta.url).pathname);
const work = mkdtempSync(join(tmpdir(), 'oncall-package-'));
const prefix = join(work, 'prefix');
const elsewhere = join(work, 'elsewhere');
const installedBin = join(prefix, 'node_modules', 'oncall', 'bin', 'oncall.js');
const node22 = join(prefix, 'node_modules', 'node', 'bin', 'node');

beforeAll(() => {
  execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', work], { cwd: ROOT, stdio: 'pipe' });
  const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
  if (!tarball) throw new Error('npm pack wrote no tarball');
  execFileSync('mkdir', ['-p', prefix, elsewhere]);
  // The tarball and Node 22 in one install; the npm cache from `npm ci` makes it quick.
  execFileSync('npm', ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--prefer-offline', '--silent', join(work, tarball), 'node@22'], { stdio: 'pipe', timeout: 240_000 });
}, 300_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

function oncall(node: string, args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ONCALL_STATE_DIR: join(work, 'runs') };
  delete env.ONCALL_RUNBOOKS;
  const r = spawnSync(node, [installedBin, ...args], { cwd: elsewhere, env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
  return { code: r.status, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

// Seed 003's twelve incidents, and the runbooks of seeds 002 (Darklang) and 000 (Talend).
const BUNDLED = ['DRK-001', ...Array.from({ length: 12 }, (_, i) => `INC-${String(i + 1).padStart(3, '0')}`), 'TAL-001'];

const nodes = () => [
  ['this machine', process.execPath],
  ['Node 22', node22],
];

test('the tarball holds the built program, the runbooks and the schemas, and no sources or tests', () => {
  const pkg = join(prefix, 'node_modules', 'oncall');
  expect(existsSync(join(pkg, 'dist', 'cli', 'main.js'))).toBe(true);
  expect(readdirSync(join(pkg, 'runbooks')).filter((f) => /^[A-Z]+-\d{3}-.*\.yaml$/.test(f))).toHaveLength(BUNDLED.length);
  expect(existsSync(join(pkg, 'schemas', 'runbook.schema.json'))).toBe(true);
  expect(existsSync(join(pkg, 'src'))).toBe(false);
  expect(existsSync(join(pkg, 'test'))).toBe(false);
  const v22 = spawnSync(node22, ['--version']).stdout.toString().trim();
  expect(v22).toMatch(/^v22\./);
});

describe.each(nodes())('installed, on %s', (_name, node) => {
  test('--help', () => {
    const r = oncall(node, ['--help']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Usage: oncall/);
  });

  test('lint passes on the bundled runbooks', () => {
    const r = oncall(node, ['lint']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  test('list shows the bundled runbooks', () => {
    const r = oncall(node, ['list', '--json']);
    expect(r.code).toBe(0);
    const ids = (JSON.parse(r.stdout) as Array<{ id: string }>).map((x) => x.id).sort();
    expect(ids).toEqual(BUNDLED);
  });

  test('a dry-run of INC-007 with no peers walks every stage and only shows its writes', () => {
    const r = oncall(node, ['run', 'INC-007', '--dry-run', '--non-interactive', '--set', 'brokers=127.0.0.1:1']);
    expect(r.stderr).not.toMatch(/internal error|at .*\.js:\d+/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/rehearsal complete: every stage walked, \d+ write\(s\) shown and not run/);
  });

  test('a rehearsal of INC-007 from the installed package walks, recommends and scores', () => {
    const r = oncall(node, ['rehearse', 'INC-007']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Rehearsal: INC-007 Consumer lag spike — scenario "/);
    expect(r.stdout).toMatch(/★ recommended /);
    expect(r.stdout).toMatch(/resolved: every resolve check passed/);
    expect(r.stdout).toMatch(/Score\n {2}time to mitigation: /);
  });

  test('oncall test passes on the bundled scenarios of the installed package', () => {
    const r = oncall(node, ['test']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/scenarios: \d+ passed, 0 failed/);
  });
});
