// `oncall runs` and `oncall log` as real processes, on journals real runs
// wrote: each outcome listed newest first (text and --json), a run whose lock
// a live process holds shown as live (and resume refuses it alike), `log`
// printing exactly what the run's terminal showed, across a resume too,
// secrets still masked, an unknown run id in one line with exit 2, and
// garbage journal lines warned about with file:line without hiding the run.
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { BIN, assertBuilt, FIXTURES, oncall, ROOT, type Result } from '../cli-run/helpers.js';
import { runbook, SCRIPTS, tempDir } from '../engine/helpers.js';

const t = tempDir('oncall-runs-log-');
afterAll(() => t.cleanup());
beforeAll(() => assertBuilt());

const RUN_ID = /\bFIX-\d{3}-\d{8}T\d{6}Z-[0-9a-f]{4}|\bTST-001-\d{8}T\d{6}Z-[0-9a-f]{4}/;
const runbooks = join(t.dir, 'runbooks');
mkdirSync(runbooks);
// A write whose exit code and a resolve check whose exit code the test picks: failed and not-verified runs.
writeFileSync(
  join(runbooks, 'TST-001-test.yaml'),
  runbook({
    params: 'mitigation: { default: "0", pattern: "^[0-9]+$" }\nverified: { default: "0", pattern: "^[0-9]+$" }',
    mitigate: `options:
  - id: fix
    title: Fix it
    recommend: "true"
    steps:
      - { id: fix-it, effect: write, run: "${SCRIPTS}/fail.sh fix \${{ params.mitigation }}" }`,
    resolve: `steps:\n  - { id: healthy, effect: read, run: "${SCRIPTS}/fail.sh unhealthy \${{ params.verified }}" }`,
  }),
);

function envFor(journals: string): Record<string, string | undefined> {
  return { ...process.env, NO_COLOR: '1', ONCALL_STATE_DIR: journals, ONCALL_RUNBOOKS: undefined, ONCALL_TEST_WRITE_LOG: join(t.dir, 'writes.log'), FIXTURE_TOKEN: undefined };
}

/** `oncall --runbooks DIR run ARGS` into `journals`, and the run id it printed. */
async function runOnce(journals: string, args: string[], dir = FIXTURES): Promise<Result & { runId: string }> {
  const r = await oncall(['--runbooks', dir, 'run', ...args], { env: envFor(journals) });
  const runId = RUN_ID.exec(r.stdout)?.[0];
  if (!runId) throw new Error(`no run id in the output of oncall run ${args.join(' ')}:\n${r.stdout}\n${r.stderr}`);
  return { ...r, runId };
}

const runs = (journals: string, ...args: string[]) => oncall(['runs', '--journal-dir', journals, ...args], { env: envFor(journals) });
const log = (journals: string, runId: string) => oncall(['log', runId, '--journal-dir', journals], { env: envFor(journals) });

function spawnRun(journals: string, args: string[]): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, [BIN, '--runbooks', FIXTURES, 'run', ...args], { cwd: ROOT, env: envFor(journals) as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  return { child, output: () => out };
}

/** Waits until the (one) FIX-003 journal in `journals` records `needle`; returns its run id. */
async function waitForJournal(journals: string, needle: string, child: ChildProcess): Promise<string> {
  for (let i = 0; i < 1000; i++) {
    const name = existsSync(journals) ? readdirSync(journals).find((n) => n.startsWith('FIX-003-') && n.endsWith('.jsonl')) : undefined;
    if (name && readFileSync(join(journals, name), 'utf8').includes(needle)) return name.replace(/\.jsonl$/, '');
    if (child.exitCode !== null) throw new Error(`the run ended before its journal had ${needle}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`the journal never had ${needle}`);
}

/** A killed oncall leaves its step's process group running (that is what resume guards against): end it. */
function killStepGroups(journals: string): void {
  for (const name of readdirSync(journals).filter((n) => n.endsWith('.jsonl'))) {
    for (const line of readFileSync(join(journals, name), 'utf8').split('\n')) {
      const pid = line.includes('"type":"step-spawned"') ? (JSON.parse(line) as { pid: number }).pid : undefined;
      try {
        if (pid) process.kill(-pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  }
}

const exited = (child: ChildProcess) => new Promise<number | null>((r) => (child.exitCode !== null || child.signalCode !== null ? r(child.exitCode) : child.on('exit', (code) => r(code))));

/* eslint-disable @typescript-eslint/no-explicit-any */
const parse = (r: Result): any[] => JSON.parse(r.stdout);

describe('no journals', () => {
  test('a missing directory and an empty one: said so, exit 0; --json prints []', async () => {
    const missing = join(t.dir, 'never-made');
    const text = await runs(missing);
    expect([text.code, text.stderr, text.stdout]).toEqual([0, '', `no runs in ${missing} (use --journal-dir or ONCALL_STATE_DIR)\n`]);
    const empty = join(t.dir, 'empty');
    mkdirSync(empty);
    writeFileSync(join(empty, '.fingerprint-key'), 'x'.repeat(32));
    const json = await runs(empty, '--json');
    expect([json.code, json.stderr]).toEqual([0, '']);
    expect(parse(json)).toEqual([]);
  });
});

describe('every outcome, newest first; log prints what the terminal showed', () => {
  const journals = join(t.dir, 'outcomes');
  const ran: Array<Result & { runId: string; outcome: string; stage: string; resumable: boolean }> = [];

  beforeAll(async () => {
    const seq: Array<[string[], string, string, boolean, string?]> = [
      [['FIX-001', '--approve', 'scale-consumers'], 'resolved', 'resolve', false],
      [['FIX-001'], 'stopped', 'mitigate', true],
      [['FIX-001', '--dry-run'], 'rehearsed', 'resolve', false],
      [['TST-001', '--approve', 'fix-it', '--set', 'mitigation=1'], 'failed', 'mitigate', true, runbooks],
      [['TST-001', '--approve', 'fix-it', '--set', 'verified=1'], 'not-verified', 'resolve', true, runbooks],
    ];
    for (const [args, outcome, stage, resumable, dir] of seq) ran.push({ ...(await runOnce(journals, args, dir)), outcome, stage, resumable });
    // Interrupted: Ctrl-C while the first read runs.
    const { child, output } = spawnRun(journals, ['FIX-003', '--set', 'pause=5']);
    const runId = await waitForJournal(journals, '"type":"step-started"', child);
    child.kill('SIGINT');
    expect(await exited(child)).toBe(130);
    ran.push({ code: 130, signal: null, stdout: output(), stderr: '', runId, outcome: 'interrupted', stage: 'detect', resumable: true });
    expect(ran.map((r) => r.code)).toEqual([0, 3, 0, 1, 1, 130]);
  });

  test('runs --json: one entry per run, newest first, with the stage reached, the outcome and resumability', async () => {
    const r = await runs(journals, '--json');
    expect([r.code, r.stderr]).toEqual([0, '']);
    const rows = parse(r);
    const expected = [...ran].reverse();
    expect(rows.map((row) => row.runId)).toEqual(expected.map((x) => x.runId));
    rows.forEach((row, i) => {
      const x = expected[i]!;
      expect(row).toMatchObject({ runbook: x.runId.slice(0, 7), stage: x.stage, outcome: x.outcome, ended: true, exitCode: x.code, resumable: x.resumable, live: false, resumes: 0, journal: join(journals, `${x.runId}.jsonl`) });
      expect(Date.parse(row.startedAt)).toBeGreaterThan(Date.now() - 10 * 60_000);
    });
    expect(rows.find((row) => row.outcome === 'rehearsed').dryRun).toBe(true);
    expect(rows.find((row) => row.outcome === 'stopped').dryRun).toBe(false);
    // Wall-clock start times, newest first.
    const starts = rows.map((row) => Date.parse(row.startedAt));
    expect([...starts].sort((a, b) => b - a)).toEqual(starts);
  });

  test('runs: a header and one line per run with the same facts', async () => {
    const r = await runs(journals);
    expect([r.code, r.stderr]).toEqual([0, '']);
    const [header, ...lines] = r.stdout.trimEnd().split('\n');
    expect(header!.split(/\s{2,}/)).toEqual(['RUN', 'RUNBOOK', 'STARTED', 'STAGE', 'OUTCOME', 'STATE']);
    expect(lines).toHaveLength(ran.length);
    [...ran].reverse().forEach((x, i) => {
      const cells = lines[i]!.split(/\s{2,}/);
      expect(cells).toEqual([x.runId, x.runId.slice(0, 7), expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/), x.stage, x.outcome.replace('-', ' '), x.resumable ? 'resumable' : '-']);
    });
  });

  test('log prints exactly the lines the run printed, for every outcome', async () => {
    for (const x of ran) {
      const r = await log(journals, x.runId);
      expect([r.code, r.stderr]).toEqual([0, '']);
      expect(r.stdout).toBe(x.stdout);
    }
  });

  test('an unknown or malformed run id: one line, exit 2, nothing on stdout', async () => {
    const unknown = await log(journals, 'FIX-001-20200101T000000Z-ffff');
    expect([unknown.code, unknown.stdout, unknown.stderr]).toEqual([2, '', `oncall: no journal for run FIX-001-20200101T000000Z-ffff in ${journals} (use --journal-dir or ONCALL_STATE_DIR)\n`]);
    const malformed = await log(journals, 'FIX-001');
    expect([malformed.code, malformed.stdout, malformed.stderr]).toEqual([2, '', 'oncall: "FIX-001" is not a run id (they look like INC-007-20261122T041500Z-3f9a)\n']);
  });
});

test('a resumed run: log prints the run and its resume, each as it was shown; runs counts the resume', async () => {
  const journals = join(t.dir, 'resumed');
  const first = await runOnce(journals, ['FIX-001']);
  expect(first.code).toBe(3);
  const resumed = await oncall(['--runbooks', FIXTURES, 'resume', first.runId, '--approve', 'scale-consumers'], { env: envFor(journals) });
  expect(resumed.code).toBe(0);
  const r = await log(journals, first.runId);
  expect([r.code, r.stderr]).toEqual([0, '']);
  expect(r.stdout).toBe(first.stdout + resumed.stdout);
  expect(r.stdout).toContain(`run ${first.runId} (resumed)`);
  expect(parse(await runs(journals, '--json'))).toMatchObject([{ runId: first.runId, outcome: 'resolved', resumes: 1, resumable: false }]);
});

test('secrets stay masked in log', async () => {
  const journals = join(t.dir, 'secrets');
  const token = 'SetTok_a1b2c3d4e5';
  const r = await runOnce(journals, ['FIX-004', '--approve', 'rotate-token', '--set', `token=${token}`]);
  expect(r.code).toBe(0);
  const shown = await log(journals, r.runId);
  expect(shown.stdout).toBe(r.stdout);
  expect(shown.stdout).toContain('token=***');
  expect(shown.stdout).toContain('mysql://admin:***@127.0.0.1:1/app');
  expect(shown.stdout).not.toContain(token);
  expect(shown.stdout).not.toContain('changeme');
});

describe('live runs: the lock resume checks', () => {
  test('a run in progress is live and running, resume refuses it; once killed it is resumable, with no end recorded', async () => {
    const journals = join(t.dir, 'live');
    const { child } = spawnRun(journals, ['FIX-003', '--set', 'pause=30']);
    try {
      const runId = await waitForJournal(journals, '"type":"step-started"', child);
      const r = await runs(journals, '--json');
      expect(parse(r)).toEqual([expect.objectContaining({ runId, outcome: 'running', stage: 'detect', ended: false, live: true, resumable: false, holder: expect.objectContaining({ pid: child.pid, host: hostname() }) })]);
      const text = await runs(journals);
      expect(text.stdout.split('\n')[1]).toMatch(new RegExp(`^${runId}  FIX-003  .* UTC  detect  running  live: pid ${child.pid} on ${hostname().replace(/\./g, '\\.')} since \\S+$`));
      const resume = await oncall(['--runbooks', FIXTURES, 'resume', runId, '--non-interactive'], { env: envFor(journals) });
      expect(resume.code).toBe(2);
      expect(resume.stderr).toContain(`run ${runId} is live in pid ${child.pid}`);

      child.kill('SIGKILL');
      await exited(child);
      const after = parse(await runs(journals, '--json'));
      expect(after).toEqual([expect.objectContaining({ runId, outcome: 'interrupted', ended: false, live: false, resumable: true })]);
      expect(after[0]).not.toHaveProperty('holder');
      expect((await runs(journals)).stdout).toContain('  detect  interrupted (no end recorded)  resumable\n');
    } finally {
      child.kill('SIGKILL');
      killStepGroups(journals);
    }
  });

  test('a finished-looking journal whose lock a live process holds is live; a lock of a dead pid is not', async () => {
    const journals = join(t.dir, 'locks');
    const stopped = await runOnce(journals, ['FIX-001']);
    const holder = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      const lock = join(journals, `${stopped.runId}.jsonl.lock`);
      writeFileSync(lock, JSON.stringify({ runId: stopped.runId, pid: holder.pid, host: hostname(), since: '2026-12-01T00:00:00.000Z' }));
      expect(parse(await runs(journals, '--json'))).toEqual([expect.objectContaining({ outcome: 'running', live: true, resumable: false, holder: { pid: holder.pid, host: hostname(), since: '2026-12-01T00:00:00.000Z' } })]);
      const resume = await oncall(['--runbooks', FIXTURES, 'resume', stopped.runId, '--non-interactive'], { env: envFor(journals) });
      expect(resume.code).toBe(2);
      expect(resume.stderr).toContain(`is live in pid ${holder.pid}`);
      // Beyond pid_max: cannot be running, so resume would take the lock over.
      writeFileSync(lock, JSON.stringify({ runId: stopped.runId, pid: 4194304 + 17, host: hostname(), since: '2026-12-01T00:00:00.000Z' }));
      expect(parse(await runs(journals, '--json'))).toEqual([expect.objectContaining({ outcome: 'stopped', live: false, resumable: true })]);
    } finally {
      holder.kill('SIGKILL');
    }
  });
});

describe('garbage journal lines', () => {
  const journals = join(t.dir, 'damaged');
  let stopped: Result & { runId: string };
  let lostStart: string;

  beforeAll(async () => {
    const source = join(t.dir, 'damaged-source');
    stopped = await runOnce(source, ['FIX-001']);
    const other = await runOnce(source, ['FIX-001', '--dry-run']);
    mkdirSync(journals);
    const lines = readFileSync(join(source, `${stopped.runId}.jsonl`), 'utf8').split('\n');
    // A line that is not JSON, and one that is JSON but no event.
    writeFileSync(join(journals, `${stopped.runId}.jsonl`), [...lines.slice(0, 2), '{not json', ...lines.slice(2, 4), 'null', ...lines.slice(4)].join('\n'));
    // A journal whose first line (run-started) is damaged.
    lostStart = other.runId;
    const otherLines = readFileSync(join(source, `${lostStart}.jsonl`), 'utf8').split('\n');
    writeFileSync(join(journals, `${lostStart}.jsonl`), ['garbage', ...otherLines.slice(1)].join('\n'));
    copyFileSync(join(source, '.fingerprint-key'), join(journals, '.fingerprint-key'));
  });

  test('runs warns once per journal with file:line, and still lists both runs', async () => {
    const r = await runs(journals, '--json');
    expect(r.code).toBe(0);
    const damaged = join(journals, `${stopped.runId}.jsonl`);
    const headless = join(journals, `${lostStart}.jsonl`);
    expect(r.stderr.split('\n').filter(Boolean).sort()).toEqual(
      [
        `oncall: warning: ${damaged}:3: journal line did not parse (and 1 more: line 6); the run is listed from the lines that did`,
        `oncall: warning: ${headless}:1: journal line did not parse; the run is listed from the lines that did`,
      ].sort(),
    );
    const rows = parse(r);
    expect(rows.find((row) => row.runId === stopped.runId)).toMatchObject({ runbook: 'FIX-001', title: 'Fixture consumer lag', outcome: 'stopped', stage: 'mitigate', resumable: true, badLines: [3, 6] });
    // Without its run-started: the runbook and start come from the run id; resume could not take it up.
    const headlessRow = rows.find((row) => row.runId === lostStart);
    expect(headlessRow).toMatchObject({ runbook: 'FIX-001', outcome: 'rehearsed', resumable: false, badLines: [1] });
    expect(headlessRow.startedAt.slice(0, 19).replace(/[-:]/g, '')).toBe(lostStart.split('-')[2]!.slice(0, 15));
    const text = await runs(journals);
    expect(text.stdout).toContain(stopped.runId);
    expect(text.stdout).toContain(lostStart);
  });

  test('log warns with file:line and shows every line that parsed', async () => {
    const r = await log(journals, stopped.runId);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`oncall: warning: ${join(journals, `${stopped.runId}.jsonl`)}:3: journal line did not parse and is not shown (and 1 more: line 6)\n`);
    // Only the journal path differs: the copy is in another directory.
    expect(r.stdout).toBe(stopped.stdout.split(join(t.dir, 'damaged-source')).join(journals));
  });
});
