// `oncall test` on every bundled scenario, as CI runs it (the built CLI, a
// fresh process), against its target: under 3 s in all on this machine. The
// simulated clock never sleeps, so the incident time covered per second of
// wall time is the ratio that says so; the in-process walk of the same
// scenarios, measured in this run beside it, is what the CLI costs on top.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const TARGET_MS = 3000;

function cli() {
  const t0 = performance.now();
  // Exit 1 (a failing scenario) still reports: the figures stand, and failedScenarios says so.
  const out = spawnSync(process.execPath, ['bin/oncall.js', 'test', '--format', 'json'], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { ms: performance.now() - t0, report: JSON.parse(out.stdout) };
}

async function inProcess() {
  const { checkScenario } = await import('../dist/rehearse/check.js');
  const { loadScenario, scenarioFiles, scenariosDir } = await import('../dist/rehearse/scenario.js');
  const dir = `${root}runbooks`;
  const t0 = performance.now();
  for (const file of scenarioFiles(scenariosDir(dir))) await checkScenario(loadScenario(file), dir);
  return performance.now() - t0;
}

const runs = [cli(), cli(), cli()].sort((a, b) => a.ms - b.ms);
const median = runs[1];
const scenarios = median.report.scenarios;
const paths = scenarios.reduce((n, s) => n + s.paths.length, 0);
const simulatedMs = scenarios.reduce((n, s) => n + s.paths.reduce((m, p) => m + p.simulatedMs, 0), 0);
const failed = scenarios.filter((s) => s.failures.length).length;
const warm = await inProcess();
const walked = await inProcess();
console.log(
  JSON.stringify(
    {
      scenarios: scenarios.length,
      paths,
      failedScenarios: failed,
      cliMs: Math.round(median.ms),
      targetMs: TARGET_MS,
      cliVsTarget: +(median.ms / TARGET_MS).toFixed(2),
      meetsTarget: median.ms < TARGET_MS,
      inProcessMs: Math.round(walked),
      inProcessFirstMs: Math.round(warm),
      cliOverInProcess: +(median.ms / walked).toFixed(2),
      simulatedHours: +(simulatedMs / 3_600_000).toFixed(1),
      simulatedPerWallSecond: `${Math.round(simulatedMs / 60_000 / (median.ms / 1000))} incident minutes per second`,
    },
    null,
    2,
  ),
);
