// oncall test [PATH…]: every scenario walked along every option of its
// runbook and held to its expectations (src/rehearse/check.ts). Exit 1 when
// any expectation fails. With no path: every scenario of the runbook directory.
import { statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { runbooksDir } from '../runbook/registry.js';
import { checkScenario, type ScenarioReport } from '../rehearse/check.js';
import { loadScenario, scenarioFiles, scenariosDir } from '../rehearse/scenario.js';
import { sealProcess } from '../rehearse/sealed.js';
import { formatJson, formatJunit, formatText, type TestFormat } from '../rehearse/test-report.js';
import { CliError, EXIT } from './exit-codes.js';

export interface TestOpts {
  runbooks?: string;
  format?: TestFormat;
  out?: string;
}

function filesOf(paths: string[], dir: string): string[] {
  if (!paths.length) return scenarioFiles(scenariosDir(dir));
  return paths.flatMap((p) => {
    let isDir: boolean;
    try {
      isDir = statSync(p).isDirectory();
    } catch (e) {
      throw new CliError(`cannot read "${p}": ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, EXIT.usage);
    }
    return isDir ? scenarioFiles(p) : [resolve(p)];
  });
}

export async function testCommand(paths: string[], opts: TestOpts): Promise<void> {
  const dir = runbooksDir(opts.runbooks);
  const files = filesOf(paths, dir);
  if (!files.length) throw new CliError(`no scenarios (*.yaml) in ${paths.length ? paths.join(', ') : scenariosDir(dir)}`, EXIT.usage);
  sealProcess();
  const t0 = performance.now();
  const reports: ScenarioReport[] = [];
  for (const file of files) {
    let loaded;
    try {
      loaded = loadScenario(file);
    } catch (e) {
      throw new CliError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, EXIT.usage);
    }
    reports.push(await checkScenario(loaded, dir));
  }
  const wallMs = Math.round(performance.now() - t0);
  const shown = (f: string): string => relative(process.cwd(), f) || f;
  const format = opts.format ?? 'text';
  const text = format === 'json' ? formatJson(reports, shown) : format === 'junit' ? formatJunit(reports, shown, wallMs) : formatText(reports, shown, wallMs);
  if (opts.out) {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(opts.out, text);
    if (format !== 'text') process.stdout.write(formatText(reports, shown, wallMs));
  } else {
    process.stdout.write(text);
  }
  process.exitCode = reports.some((r) => r.failures.length) ? EXIT.problems : EXIT.ok;
}
