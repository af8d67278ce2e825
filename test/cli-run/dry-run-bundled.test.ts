// Dry-run of every bundled runbook with every external command recorded:
// reads run for real (against closed ports and an unreachable kubeconfig),
// and no write command is ever spawned: every recorded command is the
// rendered command of a read step. Each rehearsal walks every stage, exit 0.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { displayArgv } from '../../src/engine/render.js';
import { splitCommand } from '../../src/runbook/argv.js';
import { loadFile } from '../../src/runbook/load.js';
import type { Runbook, Step } from '../../src/runbook/types.js';
import { listSteps } from '../../src/engine/walk.js';
import { resolveParams } from '../../src/engine/params.js';
import { Redactor } from '../../src/engine/redact.js';
import { DEFAULT_TOOLS, recordCommands } from '../support/record-commands.js';
import { isWrite, judgeCommand, knownWords } from '../../src/commands/index.js';
import { assertBuilt, oncall, ROOT } from './helpers.js';
import { tempDir } from '../engine/helpers.js';

const RUNBOOKS = join(ROOT, 'runbooks');
const files = readdirSync(RUNBOOKS).filter((f) => /^[A-Z][A-Z0-9]*-\d{3,}.*\.ya?ml$/.test(f)).sort();
const SHELL_WORDS = new Set(['sh', 'bash', 'env', 'if', 'then', 'else', 'fi', 'for', 'do', 'done', 'while', 'echo', 'printf', 'test', '[', 'cd', 'export', 'set', 'true', 'false']);

/** Programs the runbooks call, so each gets a recording shim. */
function programs(steps: Step[]): string[] {
  const out = new Set<string>();
  for (const s of steps) {
    if (s.run === undefined) continue;
    const scripts = s.shell ? (Array.isArray(s.run) ? s.run.join(' ') : s.run).split(/\|\||&&|[|;\n]|\$\(/) : [Array.isArray(s.run) ? s.run.join(' ') : s.run];
    for (const part of scripts) {
      try {
        const first = splitCommand(part.trim())[0];
        if (first && !first.includes('${{') && !SHELL_WORDS.has(first) && /^[\w.+-]+$/.test(first)) out.add(first);
      } catch {
        /* not a command */
      }
    }
  }
  return [...out];
}

beforeAll(() => assertBuilt());

test('the bundled runbooks are here', () => {
  expect(files.map((f) => f.match(/^[A-Z]+-\d{3}/)?.[0])).toEqual(['DRK-001', ...Array.from({ length: 12 }, (_, i) => `INC-${String(i + 1).padStart(3, '0')}`), 'TAL-001']);
});

describe('dry-run of every bundled runbook spawns no write', () => {
  test.concurrent.each(files)('%s', async (file) => {
    const loaded = loadFile(join(RUNBOOKS, file));
    expect(loaded.diagnostics).toEqual([]);
    const runbook = loaded.value as Runbook;
    const steps = listSteps(runbook);
    const rec = recordCommands([...DEFAULT_TOOLS, ...programs(steps.map((s) => s.step))].filter((p) => p !== 'sleep'), ['sleep']);
    const t = tempDir('oncall-dry-');
    try {
      const kubeconfig = join(t.dir, 'kubeconfig');
      writeFileSync(
        kubeconfig,
        [
          'apiVersion: v1',
          'kind: Config',
          'clusters: [{ name: closed, cluster: { server: "https://127.0.0.1:1", insecure-skip-tls-verify: true } }]',
          'contexts: [{ name: closed, context: { cluster: closed, namespace: smp-prod, user: nobody } }]',
          'current-context: closed',
          'users: [{ name: nobody, user: { token: not-a-token } }]',
        ].join('\n'),
      );
      const env = rec.env({
        ...process.env,
        HOME: t.dir,
        KUBECONFIG: kubeconfig,
        REDIS_URL: 'redis://127.0.0.1:1',
        KAFKA_BROKERS: '127.0.0.1:1',
        ONCALL_STEP_TIMEOUT: '3s',
        ONCALL_STATE_DIR: join(t.dir, 'runs'),
        NO_COLOR: '1',
      });
      const r = await oncall(['--runbooks', RUNBOOKS, 'run', runbook.id, '--dry-run', '--json'], { env, cwd: t.dir, timeoutMs: 60_000 });
      const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
      expect(events.at(-1)).toMatchObject({ type: 'run-finished', outcome: 'rehearsed', exitCode: 0 });
      expect(r.code).toBe(0);

      // Every stage the runbook has was walked.
      const stages = Object.keys(runbook.stages);
      expect(events.filter((e) => e.type === 'stage-started').map((e) => e.stage)).toEqual(
        ['detect', 'triage', 'mitigate', 'communicate', 'resolve'].filter((s) => stages.includes(s)),
      );
      // No write step ever started; the rehearsal showed each one (or skipped it by its `when`).
      expect(events.filter((e) => e.type === 'step-started' && e.effect === 'write')).toEqual([]);
      const writeIds = steps.filter((s) => s.step.effect === 'write').map((s) => s.step.id);
      for (const e of events.filter((x) => x.type === 'step-finished' && writeIds.includes(x.stepId))) {
        expect(['planned', 'skipped', 'failed']).toContain(e.status);
      }

      // Every spawned command is a read step's rendered command (both sides redacted alike).
      const redactor = new Redactor(resolveParams(runbook, [], env).secretValues);
      const reads = events.filter((e) => e.type === 'step-started' && e.effect === 'read' && e.kind === 'run').map((e) => e.command as string);
      // Native read checks may shell out themselves (kafka.lag-table runs
      // kubectl exec): such a command counts only if it started while a read
      // check ran and the command model finds no write in it.
      const checkWindows = events
        .filter((e) => e.type === 'step-started' && e.kind === 'check' && e.effect === 'read')
        .map((e) => {
          const end = events.find((f) => f.type === 'step-finished' && f.stepId === e.stepId);
          return [Date.parse(e.at) - 5, Date.parse(end?.at ?? e.at) + 5];
        });
      const unexplained = rec.commands().filter((c) => {
        const argv = c.argv.map((a) => redactor.string(a));
        const shown = displayArgv(argv);
        if (reads.some((cmd) => cmd === shown || argv.every((a) => cmd.replace(/['"]/g, '').includes(a.replace(/['"]/g, ''))))) return false;
        const byCheck = checkWindows.some(([from, to]) => c.at >= from! && c.at <= to!);
        const mutation = judgeCommand(knownWords(c.argv)).filter(isWrite);
        return !(byCheck && mutation.length === 0);
      });
      expect(unexplained).toEqual([]);
      // And whatever was spawned, the command model finds no write in the argv itself.
      const mutating = rec.commands().filter((c) => judgeCommand(knownWords(c.argv)).some(isWrite));
      expect(mutating).toEqual([]);
      // The journal holds the same story.
      const journal = readdirSync(join(t.dir, 'runs')).filter((f) => f.endsWith('.jsonl')).map((f) => readFileSync(join(t.dir, 'runs', f), 'utf8')).join('');
      expect(journal.trim().split('\n').length).toBe(events.length);
    } finally {
      rec.cleanup();
      t.cleanup();
    }
  });
});
