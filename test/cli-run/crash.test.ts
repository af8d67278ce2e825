// Crash safety: the run is SIGKILLed at each step in turn (when the journal
// shows that step started), then `oncall resume` finishes it. Every step
// completes exactly once overall and no write runs twice; a write killed
// mid-flight is in doubt and is not re-run without a fresh approval.
// SIGINT ends a run with 130, the journal marks it, and resume continues.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, assertBuilt, FIXTURES, journalEvents, oncall, readLines, ROOT } from './helpers.js';
import { tempDir } from '../engine/helpers.js';

beforeAll(() => assertBuilt());

const STEPS = ['r1', 'r2', 'w1', 'r3', 'w2', 'r4', 'r5'];

interface Scenario {
  dir: string;
  env: Record<string, string | undefined>;
  runs: string;
  log: string;
}

function scenario(): Scenario & { cleanup(): void } {
  const t = tempDir('oncall-crash-');
  const runs = join(t.dir, 'runs');
  const log = join(t.dir, 'writes.log');
  return { dir: t.dir, runs, log, env: { ...process.env, ONCALL_STATE_DIR: runs, ONCALL_TEST_WRITE_LOG: log, NO_COLOR: '1' }, cleanup: t.cleanup };
}

function startRun(s: Scenario, args: string[]): ChildProcess {
  return spawn(process.execPath, [BIN, '--runbooks', FIXTURES, 'run', 'FIX-003', '--set', 'pause=0.3', ...args], { cwd: ROOT, env: s.env as NodeJS.ProcessEnv, stdio: 'ignore' });
}

function journalFile(s: Scenario): string | undefined {
  const f = existsSync(s.runs) ? readdirSync(s.runs).find((n) => n.endsWith('.jsonl')) : undefined;
  return f && join(s.runs, f);
}

async function waitForStart(s: Scenario, stepId: string, child: ChildProcess): Promise<void> {
  const needle = `"type":"step-started","stepId":"${stepId}"`;
  for (let i = 0; i < 3000; i++) {
    const f = journalFile(s);
    if (f && readFileSync(f, 'utf8').includes(needle)) return;
    if (child.exitCode !== null) throw new Error(`run ended before ${stepId} started`);
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`${stepId} never started`);
}

const exited = (child: ChildProcess) => new Promise<number | null>((r) => (child.exitCode !== null ? r(child.exitCode) : child.on('exit', (code) => r(code))));
const runIdOf = (s: Scenario) => journalFile(s)!.split('/').pop()!.replace(/\.jsonl$/, '');
const finishedOk = (s: Scenario) =>
  journalEvents(s.runs)
    .filter((e) => e.type === 'step-finished' && e.status !== 'interrupted')
    .map((e) => e.stepId as string);

describe('SIGKILL at each step, then resume', () => {
  test.concurrent.each(['r1', 'r2', 'r3', 'r4', 'r5'])('killed while %s runs', async (victim) => {
    const s = scenario();
    try {
      const child = startRun(s, ['--approve', 'w1', '--approve', 'w2']);
      await waitForStart(s, victim, child);
      child.kill('SIGKILL');
      await exited(child);
      const resumed = await oncall(['--runbooks', FIXTURES, 'resume', runIdOf(s)], { env: s.env });
      expect(resumed.code).toBe(0);
      expect(readLines(s.log)).toEqual(['w1', 'w2']);
      expect(finishedOk(s).sort()).toEqual([...STEPS].sort());
    } finally {
      s.cleanup();
    }
  });

  test('killed while a write runs: its outcome is unknown, and it is not re-run without a fresh approval', async () => {
    const s = scenario();
    try {
      const child = startRun(s, ['--approve', 'w1', '--approve', 'w2']);
      await waitForStart(s, 'w2', child);
      child.kill('SIGKILL');
      await exited(child);
      // The write's own process outlives oncall (its group is its own); resume
      // would refuse while it runs (concurrency.test.ts): let it end first.
      const orphan = journalEvents(s.runs).find((e) => e.type === 'step-spawned' && e.stepId === 'w2')?.pid as number | undefined;
      for (let i = 0; orphan !== undefined && i < 100; i++) {
        let state = 'gone';
        try {
          const stat = readFileSync(`/proc/${orphan}/stat`, 'utf8');
          state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0]!;
        } catch {
          /* gone */
        }
        if (state === 'gone' || state === 'Z') break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const refused = await oncall(['--runbooks', FIXTURES, 'resume', runIdOf(s)], { env: s.env });
      expect(refused.code).toBe(3);
      expect(refused.stdout).toContain('outcome unknown (started, never finished): w2');
      expect(refused.stdout).toContain('stopped before write step "w2": it ran before the restart without a known good outcome and needs a fresh approval (non-interactive run); approve it with --approve w2');
      // The kill may land before or after the write was spawned (step-started is
      // journaled first): either way it ran at most once, and resume did not run it.
      const log = readLines(s.log);
      expect(log.filter((l) => l === 'w1')).toHaveLength(1);
      expect(log.filter((l) => l === 'w2').length).toBeLessThanOrEqual(1);
      const events = journalEvents(s.runs);
      expect(events.filter((e) => e.type === 'step-started' && e.stepId === 'w2')).toHaveLength(1);
      expect(events.filter((e) => e.type === 'step-started' && e.stepId === 'w1')).toHaveLength(1);
    } finally {
      s.cleanup();
    }
  });
});

/** A fully approved run of FIX-003, its output collected, waiting in its last (slow) read r5. */
async function runUntilLastRead(s: Scenario): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, [BIN, '--runbooks', FIXTURES, 'run', 'FIX-003', '--set', 'pause=0.2', '--set', 'lastPause=2', '--approve', 'w1', '--approve', 'w2'], {
    cwd: ROOT,
    env: s.env as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  await waitForStart(s, 'r5', child);
  return { child, output: () => out };
}

test('SIGINT aborts the running step, journals the interruption, prints the resume command; resume finishes', async () => {
  const s = scenario();
  try {
    const { child, output } = await runUntilLastRead(s);
    const t0 = Date.now();
    child.kill('SIGINT');
    expect(await exited(child)).toBe(130);
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(output()).toContain(`continue with: oncall resume ${runIdOf(s)}`);
    expect(output()).toContain('interrupted (Ctrl-C)');
    const events = journalEvents(s.runs);
    expect(events.filter((e) => e.type === 'step-finished').at(-1)).toMatchObject({ stepId: 'r5', status: 'interrupted' });
    expect(events.at(-1)).toMatchObject({ type: 'run-finished', outcome: 'interrupted', exitCode: 130 });

    const resumed = await oncall(['--runbooks', FIXTURES, 'resume', runIdOf(s)], { env: s.env });
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain('restored from the journal: r1, r2, w1, r3, w2, r4');
    expect(readLines(s.log)).toEqual(['w1', 'w2']);
    expect(finishedOk(s).sort()).toEqual([...STEPS].sort());
  } finally {
    s.cleanup();
  }
});

test('SIGTERM (systemd, CI, timeout) is named as such, not as a Ctrl-C', async () => {
  const s = scenario();
  try {
    const { child, output } = await runUntilLastRead(s);
    child.kill('SIGTERM');
    expect(await exited(child)).toBe(130);
    expect(output()).toContain('interrupted (SIGTERM)');
    expect(output()).not.toContain('Ctrl-C');
  } finally {
    s.cleanup();
  }
});
