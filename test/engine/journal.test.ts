// The journal (append-only JSON lines, torn last line tolerated) and resume
// semantics, in-process: completed steps are restored, not repeated; a write
// that started without finishing needs a fresh approval.
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import type { EngineEvent } from '../../src/engine/events.js';
import { JournalWriter, newRunId, parseJournal, readJournal, RUN_ID, journalDir } from '../../src/engine/journal.js';
import { resumeStateFrom } from '../../src/engine/resume.js';
import { makeEngine, runbook, SCRIPTS, tempDir, wrap } from './helpers.js';

let t: ReturnType<typeof tempDir>;
let env: Record<string, string | undefined>;
let writeLog: string;
beforeEach(() => {
  t = tempDir();
  writeLog = join(t.dir, 'writes.log');
  env = { ...process.env, ONCALL_TEST_WRITE_LOG: writeLog, T: t.dir };
});
afterEach(() => t.cleanup());
const writes = (): string[] => (existsSync(writeLog) ? readFileSync(writeLog, 'utf8').trim().split('\n').filter(Boolean) : []);

describe('journal files', () => {
  test('run ids look like INC-007-20261122T041500Z-3f9a', () => {
    const id = newRunId('INC-007', Date.UTC(2026, 10, 22, 4, 15, 0));
    expect(id).toMatch(/^INC-007-20261122T041500Z-[0-9a-f]{4}$/);
    expect(RUN_ID.test(id)).toBe(true);
    expect(RUN_ID.test('../../etc/passwd')).toBe(false);
  });

  test('the journal directory: --journal-dir, ONCALL_STATE_DIR, XDG_STATE_HOME, ~/.local/state', () => {
    expect(journalDir('/x/flag', { ONCALL_STATE_DIR: '/x/env' })).toBe('/x/flag');
    expect(journalDir(undefined, { ONCALL_STATE_DIR: '/x/env', XDG_STATE_HOME: '/x/xdg' })).toBe('/x/env');
    expect(journalDir(undefined, { XDG_STATE_HOME: '/x/xdg' })).toBe('/x/xdg/oncall/runs');
    expect(journalDir(undefined, { HOME: '/home/op' })).toBe('/home/op/.local/state/oncall/runs');
  });

  test('a torn last line (killed mid-write) is ignored, and the next writer starts a fresh line', () => {
    const file = join(t.dir, 'j.jsonl');
    const w = new JournalWriter(file).open();
    w.write({ type: 'note', level: 'info', message: 'one', runId: 'r', seq: 1, at: '', elapsedMs: 0 } as EngineEvent);
    w.close();
    appendFileSync(file, '{"type":"note","mess');
    const torn = readJournal(file);
    expect(torn).toMatchObject({ torn: true, bad: 0 });
    expect(torn.events).toHaveLength(1);
    const w2 = new JournalWriter(file).open();
    w2.write({ type: 'note', level: 'info', message: 'two', runId: 'r', seq: 2, at: '', elapsedMs: 0 } as EngineEvent);
    w2.close();
    const after = readJournal(file);
    expect(after.events.map((e) => (e as { message: string }).message)).toEqual(['one', 'two']);
    expect(after).toMatchObject({ torn: false, bad: 1 });
    expect(parseJournal('')).toEqual({ events: [], torn: false, bad: 0, badLines: [] });
  });
});

const yaml = runbook({
  detect: `steps:\n  - { id: r1, effect: read, run: "${SCRIPTS}/ok.sh r1" }`,
  mitigate: `options:
  - id: fix
    title: Fix
    recommend: "true"
    steps:
      - { id: w1, effect: write, run: "${SCRIPTS}/write.sh w1" }
      - { id: r2, effect: read, run: "${SCRIPTS}/ok.sh r2" }
      - { id: w2, effect: write, run: "${SCRIPTS}/write.sh w2" }
      - { id: r3, effect: read, run: "${SCRIPTS}/ok.sh r3" }`,
  resolve: `steps:\n  - { id: done, effect: read, run: "${SCRIPTS}/ok.sh done" }`,
});

async function journaled(file: string, opts: Parameters<typeof makeEngine>[1]) {
  const { engine, events } = makeEngine(yaml, opts);
  const w = new JournalWriter(file, false).open();
  engine.subscribe((e) => w.write(e), { critical: true });
  const result = await engine.run();
  w.close();
  return wrap(result, events, engine);
}

const started = (events: EngineEvent[]) => events.filter((e) => e.type === 'step-started').map((e) => (e as { stepId: string }).stepId);

describe('resume', () => {
  test('continues after the last completed step; completed writes never run again', async () => {
    const file = join(t.dir, 'run.jsonl');
    const first = await journaled(file, { env, approve: ['w1'] });
    expect(first.result.exitCode).toBe(3);
    expect(writes()).toEqual(['w1']);

    const state = resumeStateFrom(readJournal(file));
    expect([...state.finished.keys()]).toEqual(['r1', 'w1', 'r2']);
    expect(state.option).toBe('fix');
    const second = await journaled(file, { env, approve: ['w1', 'w2'], resume: state });
    expect(second.result.exitCode).toBe(0);
    expect(started(second.events)).toEqual(['w2', 'r3', 'done']);
    expect(second.of('run-resumed')[0]).toMatchObject({ restored: ['r1', 'w1', 'r2'], inDoubt: [] });
    expect(writes()).toEqual(['w1', 'w2']);
    // Each step finished exactly once over the whole journal.
    const finished = readJournal(file).events.filter((e) => e.type === 'step-finished').map((e) => (e as { stepId: string }).stepId);
    expect(finished.sort()).toEqual(['done', 'r1', 'r2', 'r3', 'w1', 'w2']);
  });

  test('a write that started and never finished is not re-run without a fresh approval', async () => {
    const file = join(t.dir, 'run.jsonl');
    await journaled(file, { env, approve: ['w1', 'w2'] });
    expect(writes()).toEqual(['w1', 'w2']);
    // Cut the journal right after w2 started, mid-line, as a SIGKILL would.
    const lines = readFileSync(file, 'utf8').split('\n');
    const cut = lines.findIndex((l) => l.includes('"step-started"') && l.includes('"w2"'));
    writeFileSync(file, `${lines.slice(0, cut + 1).join('\n')}\n${lines[cut + 1]!.slice(0, 25)}`);

    const state = resumeStateFrom(readJournal(file));
    expect([...state.inDoubt]).toEqual(['w2']);
    expect(state.torn).toBe(true);
    const refused = await journaled(file, { env, approve: ['w1', 'w2'], resume: state });
    expect(refused.result.exitCode).toBe(3);
    expect(refused.result.message).toMatch(/^stopped before write step "w2": it ran before the restart without a known good outcome and needs a fresh approval/);
    expect(refused.of('approval-needed')[0]).toMatchObject({ stepId: 'w2', inDoubt: true, warnings: [expect.stringMatching(/outcome is unknown/)] });
    expect(writes()).toEqual(['w1', 'w2']);

    const again = await journaled(file, { env, approve: ['w1', 'w2'], resumeApprove: ['w2'], resume: resumeStateFrom(readJournal(file)) });
    expect(again.result.exitCode).toBe(0);
    expect(started(again.events)).toEqual(['w2', 'r3', 'done']);
    expect(writes()).toEqual(['w1', 'w2', 'w2']);
  });
});
