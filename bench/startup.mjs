// Start-up cost of the light commands, side by side with bare Node (the floor):
//   node -e ''                     the floor
//   node bin/oncall.js --help      target ≤ 1.6 × floor
//   node bin/oncall.js lint DIR    target ≤ 2.5 × floor (the bundled runbooks)
// and, with --installed, the same two commands from the package as users get
// it (`npm pack`, installed into a temp prefix, run from an empty directory):
// target ≤ 1.2 × the checkout.
// Runs are interleaved (floor, help, lint, floor, …) so machine noise hits all
// three alike; medians over RUNS runs each. Prints one JSON object.
// Also reports whether any heavy client (@kubernetes/client-node, ioredis,
// kafkajs) is loaded by these commands: it must not be.
// Usage: node bench/startup.mjs [--runs N] [--installed] [DIR]   (after npm run build)
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const RUNS = runsAt >= 0 ? Number(args.splice(runsAt, 2)[1]) : 15;
const installedAt = args.indexOf('--installed');
const INSTALLED = installedAt >= 0 && args.splice(installedAt, 1).length > 0;
const bundled = fileURLToPath(new URL('../runbooks/', import.meta.url));
const hasRunbooks = existsSync(bundled) && readdirSync(bundled).some((f) => /\.ya?ml$/.test(f));
const dir = args[0] ?? (hasRunbooks ? 'runbooks/' : 'test/fixtures/lint/valid/');
const bin = 'bin/oncall.js';

const commands = {
  floor: ['-e', ''],
  help: [bin, '--help'],
  lint: [bin, 'lint', dir],
};

// The packed package, installed where no checkout is near.
const installDir = INSTALLED ? mkdtempSync(join(tmpdir(), 'oncall-installed-')) : undefined;
const emptyDir = installDir && join(installDir, 'cwd');
if (installDir) {
  execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', installDir], { cwd: root, stdio: 'pipe' });
  const tarball = readdirSync(installDir).find((f) => f.endsWith('.tgz'));
  execFileSync('npm', ['install', '--prefix', installDir, '--no-audit', '--no-fund', '--prefer-offline', '--silent', join(installDir, tarball)], { stdio: 'pipe' });
  execFileSync('mkdir', ['-p', emptyDir]);
  const installedBin = join(installDir, 'node_modules', 'oncall', 'bin', 'oncall.js');
  commands.installedHelp = [installedBin, '--help'];
  commands.installedLint = [installedBin, 'lint'];
}
const cwdOf = (name) => (name.startsWith('installed') ? emptyDir : root);

function once(argv, cwd = root) {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, argv, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  return { ms, status: r.status, stderr: r.stderr.toString() };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

// Warm the file cache once.
for (const [name, argv] of Object.entries(commands)) once(argv, cwdOf(name));
const samples = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
const statuses = {};
for (let i = 0; i < RUNS; i++) {
  for (const [name, argv] of Object.entries(commands)) {
    const r = once(argv, cwdOf(name));
    samples[name].push(r.ms);
    statuses[name] = r.status;
  }
}

// Which heavy clients do these commands load? A resolve hook (ES modules) and a
// Module._load wrapper (CommonJS) record every package on the way in.
const HEAVY = ['@kubernetes/client-node', 'ioredis', 'kafkajs'];
const probeDir = mkdtempSync(join(tmpdir(), 'oncall-bench-'));
const logFile = join(probeDir, 'loaded.log');
writeFileSync(
  join(probeDir, 'hooks.mjs'),
  `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  appendFileSync(${JSON.stringify(logFile)}, r.url + '\\n');
  return r;
}`,
);
writeFileSync(
  join(probeDir, 'register.mjs'),
  `import { register, Module } from 'node:module';
import { appendFileSync } from 'node:fs';
register(${JSON.stringify(pathToFileURL(join(probeDir, 'hooks.mjs')).href)});
const load = Module._load;
Module._load = function (request, parent, isMain) {
  appendFileSync(${JSON.stringify(logFile)}, request + '\\n');
  return load.apply(this, arguments);
};`,
);
function heavyLoaded(argv) {
  writeFileSync(logFile, '');
  spawnSync(process.execPath, ['--import', pathToFileURL(join(probeDir, 'register.mjs')).href, ...argv], { cwd: root, stdio: 'ignore' });
  const loaded = readFileSync(logFile, 'utf8');
  return HEAVY.filter((h) => loaded.includes(`/node_modules/${h}/`) || loaded.split('\n').includes(h));
}
const heavy = { help: heavyLoaded(commands.help), lint: heavyLoaded(commands.lint) };
rmSync(probeDir, { recursive: true, force: true });
if (installDir) rmSync(installDir, { recursive: true, force: true });

const floor = median(samples.floor);
const ms = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, Math.round(median(v) * 10) / 10]));
const ratio = (k) => Math.round((median(samples[k]) / floor) * 100) / 100;
const result = {
  runs: RUNS,
  dir,
  ms,
  ratios: { help: ratio('help'), lint: ratio('lint') },
  targets: { help: 1.6, lint: 2.5 },
  pass: { help: ratio('help') <= 1.6, lint: ratio('lint') <= 2.5 },
  ...(INSTALLED
    ? {
        installed: {
          ratios: { help: ratio('installedHelp'), lint: ratio('installedLint') },
          toCheckout: {
            help: Math.round((median(samples.installedHelp) / median(samples.help)) * 100) / 100,
            lint: Math.round((median(samples.installedLint) / median(samples.lint)) * 100) / 100,
          },
          target: 1.2,
          exitCodes: { help: statuses.installedHelp, lint: statuses.installedLint },
        },
      }
    : {}),
  lintExitCode: statuses.lint,
  heavyModulesLoaded: heavy,
};
console.log(JSON.stringify(result, null, 2));
