// One live process per run: two resumes of the same run started together do
// the approved write once between them; a lock left by a killed process is
// taken over with a note; a second run of a runbook with a live run is
// refused without --concurrent.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { BIN, assertBuilt, FIXTURES, journalEvents, oncall, readLines } from './helpers.js';
import { tempDir } from '../engine/helpers.js';

let t: ReturnType<typeof tempDir>;
let env: Record<string, string | undefined>;
const log = () => join(t.dir, 'writes.log');
const runs = () => join(t.dir, 'runs');
beforeAll(() => assertBuilt());
beforeEach(() => {
  t = tempDir();
  env = { ...process.env, ONCALL_STATE_DIR: runs(), ONCALL_TEST_WRITE_LOG: log(), NO_COLOR: '1' };
});
afterEach(() => t.cleanup());

/** A FIX-003 run stopped before its first write (exit 3), and its run id. */
async function stoppedRun(): Promise<string> {
  const r = await oncall(['--runbooks', FIXTURES, 'run', 'FIX-003', '--non-interactive', '--set', 'pause=0.1', '--set', 'lastPause=0.1'], { env });
  expect([r.code, r.stderr]).toEqual([3, '']);
  return /oncall resume (\S+)/.exec(r.stdout)![1]!;
}

test('two resumes of one run at once: one performs the writes, the other exits 2 naming the live pid', async () => {
  const runId = await stoppedRun();
  const args = ['--runbooks', FIXTURES, 'resume', runId, '--non-interactive', '--approve', 'w1', '--approve', 'w2'];
  const [a, b] = await Promise.all([oncall(args, { env }), oncall(args, { env })]);
  const codes = [a.code, b.code].sort();
  expect(codes).toEqual([0, 2]);
  const loser = a.code === 2 ? a : b;
  expect(loser.stderr).toMatch(new RegExp(`^oncall: run ${runId} is live in pid \\d+ on ${hostname().replace(/\./g, '\\.')} \\(since [^)]+\\); it must end`));
  expect(readLines(log())).toEqual(['w1', 'w2']);
  const events = journalEvents(runs());
  expect(events.filter((e) => e.type === 'run-resumed')).toHaveLength(1);
  expect(events.filter((e) => e.type === 'run-finished').length).toBe(2);
  const seqs = events.map((e) => e.seq as number);
  expect(new Set(seqs).size).toBe(seqs.length);
});

test('a lock left by a process that is gone is taken over, with a note', async () => {
  const runId = await stoppedRun();
  // A pid that cannot be running: beyond pid_max.
  writeFileSync(join(runs(), `${runId}.jsonl.lock`), JSON.stringify({ runId, pid: 4194304 + 17, host: hostname(), since: '2026-12-01T00:00:00Z' }));
  const r = await oncall(['--runbooks', FIXTURES, 'resume', runId, '--non-interactive', '--approve', 'w1', '--approve', 'w2'], { env });
  expect(r.stderr).toContain(`oncall: note: took over the lock of run ${runId} from pid 4194321`);
  expect(r.code).toBe(0);
  expect(readLines(log())).toEqual(['w1', 'w2']);
});

test('a second run of a runbook with a live run is refused non-interactively unless --concurrent', async () => {
  // A live run: FIX-003 with slow reads, still in its first step.
  const live = spawn(process.execPath, [BIN, '--runbooks', FIXTURES, 'run', 'FIX-003', '--non-interactive', '--set', 'pause=5'], { env, stdio: 'ignore' });
  try {
    await new Promise<void>((done) => {
      const check = setInterval(() => {
        if (journalEvents(runs()).some((e) => e.type === 'step-started')) {
          clearInterval(check);
          done();
        }
      }, 50);
    });
    const refused = await oncall(['--runbooks', FIXTURES, 'run', 'FIX-003', '--non-interactive', '--dry-run'], { env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(new RegExp(`^oncall: FIX-003 already has a live run: FIX-003-\\S+ \\(pid ${live.pid} on [^,]+, started [^,]+, at stage detect\\); resume it, or start another with --concurrent\\n$`));
    const allowed = await oncall(['--runbooks', FIXTURES, 'run', 'FIX-003', '--non-interactive', '--dry-run', '--concurrent', '--set', 'pause=0', '--set', 'lastPause=0'], { env });
    expect(allowed.stderr).toContain('oncall: note: another run of FIX-003 is live');
    expect(allowed.code).toBe(0);
  } finally {
    live.kill('SIGKILL');
  }
});

test('a write that outlives a killed oncall is not started again while it runs', async () => {
  const live = spawn(process.execPath, [BIN, '--runbooks', FIXTURES, 'run', 'FIX-003', '--non-interactive', '--approve', 'w1', '--approve', 'w2', '--set', 'pause=2.5'], { env, stdio: 'ignore' });
  const spawnedW2 = await new Promise<Record<string, unknown>>((done) => {
    const check = setInterval(() => {
      const e = journalEvents(runs()).find((x) => x.type === 'step-spawned' && x.stepId === 'w2');
      if (e) {
        clearInterval(check);
        done(e);
      }
    }, 50);
  });
  // kill -9 oncall itself: the write's process group lives on.
  live.kill('SIGKILL');
  await new Promise((r) => live.once('exit', r));
  const runId = journalEvents(runs()).find((e) => e.type === 'run-started')!.runId as string;
  const refused = await oncall(['--runbooks', FIXTURES, 'resume', runId, '--non-interactive', '--approve', 'w2'], { env });
  expect(refused.code).toBe(3);
  expect(refused.stderr).toContain(`oncall: write step "w2" started by the stopped run is still running (process group ${String(spawnedW2.pid)}: /bin/sh test/fixtures/scripts/slow-write.sh 2.5 w2)`);
  expect(readLines(log())).toEqual(['w1']);
  // The orphan finishes its one write; only then does resume get to the in-doubt question.
  for (let i = 0; i < 100 && readLines(log()).length < 2; i++) await new Promise((r) => setTimeout(r, 100));
  expect(readLines(log())).toEqual(['w1', 'w2']);
  const after = await oncall(['--runbooks', FIXTURES, 'resume', runId, '--non-interactive'], { env });
  expect([after.code, after.stdout, after.stderr]).toEqual([3, expect.anything(), expect.anything()]);
  expect(after.stdout + after.stderr).toMatch(/stopped before write step "w2": it ran before the restart without a known good outcome and needs a fresh approval/);
  expect(readLines(log())).toEqual(['w1', 'w2']);
});
