// `oncall report` as a real process, on a journal the engine really wrote:
// Markdown to stdout, JSON, --out and its refusal to overwrite, an unknown
// run id, damaged journal lines, and secrets that never reach the output.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EngineEvent } from '../../src/engine/events.js';
import { ScriptedPrompter } from '../../src/engine/prompter.js';
import { assertBuilt, oncall } from '../cli-run/helpers.js';
import { run, runbook, SCRIPTS, tempDir } from '../engine/helpers.js';
import { finishedStep, MIN, retime } from './journals.js';

const t = tempDir('oncall-report-cli-');
afterAll(() => t.cleanup());
const journals = join(t.dir, 'runs');
const runbooks = join(t.dir, 'runbooks');
const RUN = 'TST-001-20261122T041500Z-0000';
const env = { ...process.env, NO_COLOR: '1', ONCALL_RUNBOOKS: undefined, ONCALL_STATE_DIR: undefined, ONCALL_TEST_WRITE_LOG: join(t.dir, 'writes.log'), TST_TOKEN: 'tok-very-secret' };

const yaml = runbook({
  params: 'token: { secret: true, env: TST_TOKEN }\nurl: { default: "redis://:urlpass123@127.0.0.1:1/0" }',
  mitigate: `options:
  - id: flush
    title: Flush the cache
    steps:
      - { id: flush-cache, effect: write, run: "${SCRIPTS}/write.sh flush \${{ params.token }} \${{ params.url }}" }`,
  resolve: 'steps:\n  - { id: healthy, effect: read, run: "true" }',
  extra: 'prevention:\n  - "Give cache keys a TTL."',
});

let lines: string[];

beforeAll(async () => {
  assertBuilt();
  const r = await run(yaml, { env, user: 'alice', prompter: new ScriptedPrompter([{ choose: 'flush' }, { confirm: true }]) });
  expect(r.result.outcome).toBe('resolved');
  const events = retime(r.events, (e: EngineEvent) => (e.type === 'run-started' ? 0 : finishedStep('flush-cache')(e) ? 6 * MIN : e.type === 'run-finished' ? 9 * MIN : undefined));
  lines = events.map((e) => JSON.stringify(e));
  // A hand-edited journal may hold what the engine would have masked.
  lines.push(JSON.stringify({ ...events.find((e) => e.type === 'note') ?? events[1], type: 'step-finished', stepId: 'hand', stage: 'detect', kind: 'run', effect: 'read', status: 'failed', summary: 'edited: redis://u:rawpass99@h:6379', durationMs: 1, attempts: 1, seq: 9999 }));
  mkdirSync(journals);
  mkdirSync(runbooks);
  writeFileSync(join(journals, `${RUN}.jsonl`), `${lines.join('\n')}\n`);
  writeFileSync(join(runbooks, 'TST-001-test.yaml'), yaml);
});

const report = (args: string[]) => oncall(['report', RUN, '--journal-dir', journals, '--runbooks', runbooks, ...args], { env, cwd: t.dir });

function noSecrets(text: string): void {
  expect(text).not.toContain('tok-very-secret');
  expect(text).not.toContain('urlpass123');
  expect(text).not.toContain('rawpass99');
}

test('Markdown to stdout: sections, the approved write, the numbers, the runbook prevention items; no secret', async () => {
  const r = await report([]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/^# Post-mortem draft: Test runbook \(TST-001\)\n/);
  expect(r.stdout).toContain('write step flush-cache approved (via prompt) — alice');
  expect(r.stdout).toContain('- command: `test/fixtures/scripts/write.sh flush *** redis://:***@127.0.0.1:1/0`');
  expect(r.stdout).toContain('- Time to mitigation (from run start → last successful mitigation write): 6m 0s');
  expect(r.stdout).toContain('- Time to recovery (from run start → resolve verified): 9m 0s');
  expect(r.stdout).toContain('- [ ] Give cache keys a TTL.');
  expect(r.stdout).toContain('run hand: failed — edited: redis\\://u:\\*\\*\\*@h:6379');
  expect(r.stdout).toContain('Root cause: …');
  noSecrets(r.stdout);
});

test('--format json prints the model', async () => {
  const r = await report(['--format', 'json']);
  expect(r.code).toBe(0);
  const pm = JSON.parse(r.stdout);
  expect(pm).toMatchObject({ runId: RUN, outcome: 'resolved', timeToMitigationMs: 6 * MIN, timeToRecoveryMs: 9 * MIN, measuredFrom: 'run-start', actionItems: ['Give cache keys a TTL.'], rootCause: 'Root cause: …' });
  noSecrets(r.stdout);
});

test('--out writes the file, refuses to overwrite it, and --force does', async () => {
  const out = join(t.dir, 'pm.md');
  const first = await report(['--out', out]);
  expect(first.code).toBe(0);
  expect(first.stdout).toBe('');
  expect(readFileSync(out, 'utf8')).toContain('## Timeline (UTC)');
  writeFileSync(out, 'edited by a person\n');
  const again = await report(['--out', out]);
  expect(again.code).toBe(2);
  expect(again.stderr).toBe(`oncall: ${out} exists; use --force to overwrite it\n`);
  expect(readFileSync(out, 'utf8')).toBe('edited by a person\n');
  const forced = await report(['--out', out, '--force', '--format', 'json']);
  expect(forced.code).toBe(0);
  expect(JSON.parse(readFileSync(out, 'utf8')).runId).toBe(RUN);
});

test('an unknown run id: exit 2, one line', async () => {
  const r = await oncall(['report', 'TST-001-20261122T041500Z-ffff', '--journal-dir', journals], { env, cwd: t.dir });
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toBe(`oncall: no journal for run TST-001-20261122T041500Z-ffff in ${journals} (use --journal-dir or ONCALL_STATE_DIR)\n`);
  const bad = await oncall(['report', 'nope', '--journal-dir', journals], { env, cwd: t.dir });
  expect(bad.code).toBe(2);
  expect(bad.stderr.trim().split('\n')).toHaveLength(1);
});

test('garbage lines: the report still comes, with a warning naming them', async () => {
  const damaged = join(t.dir, 'damaged');
  mkdirSync(damaged);
  const withGarbage = [...lines.slice(0, 3), '{not json', ...lines.slice(3, 5), 'garbage', ...lines.slice(5)];
  writeFileSync(join(damaged, `${RUN}.jsonl`), `${withGarbage.join('\n')}\n`);
  const r = await oncall(['report', RUN, '--journal-dir', damaged, '--runbooks', runbooks], { env, cwd: t.dir });
  expect(r.code).toBe(0);
  expect(r.stderr).toBe('oncall: warning: journal lines 4, 7 did not parse and were left out of the report\n');
  expect(r.stdout).toContain('> **Note:** Journal lines 4, 7 did not parse and are missing from this report.');
});

test('a runbook that is gone: the report says so and has no prevention items', async () => {
  const empty = join(t.dir, 'empty');
  mkdirSync(empty);
  const r = await oncall(['report', RUN, '--journal-dir', journals, '--runbooks', empty], { env, cwd: t.dir });
  expect(r.code).toBe(0);
  expect(r.stdout).toContain(`> **Note:** The runbook could not be loaded (runbook TST-001 not found at inline.yaml nor in ${empty}): no prevention items.`);
  expect(r.stdout).toContain('- none from the runbook');
});
