// The engine in-process against fixture scripts and fixture step types:
// stages, failure policy, retries, when/expect/until, timeouts, parallel
// reads, native checks, approvals, options, manual and message steps,
// reminders on a fake clock, interrupts and expression errors.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeClock } from '../../src/engine/clock.js';
import { resumeStateFrom } from '../../src/engine/resume.js';
import { ScriptedPrompter } from '../../src/engine/prompter.js';
import { batches } from '../../src/engine/walk.js';
import { StepError, type StepType } from '../../src/steps/types.js';
import { run, runbook, SCRIPTS, tempDir } from './helpers.js';

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

describe('failure policy', () => {
  test('a failing read in detect is recorded, the run goes on, and conditions needing it are false with a note', async () => {
    const r = await run(
      runbook({
        detect: `steps:
  - { id: broken, effect: read, run: "${SCRIPTS}/fail.sh 'connection refused' 7" }
  - { id: after, effect: read, run: "${SCRIPTS}/ok.sh after", when: "steps.broken.result.json.x > 1" }
  - { id: status, effect: read, run: "${SCRIPTS}/ok.sh status", when: "steps.broken.status == 'failed'" }`,
        resolve: `steps:\n  - { id: fine, effect: read, run: "${SCRIPTS}/ok.sh fine" }`,
      }),
      { env },
    );
    expect(r.result).toMatchObject({ outcome: 'resolved', exitCode: 0 });
    expect(r.step('broken')).toMatchObject({ status: 'failed', reason: 'exit', summary: 'exit 7: error: connection refused' });
    expect(r.step('broken')!.excerpt).toEqual(['error: connection refused']);
    expect(r.step('after')).toMatchObject({ status: 'skipped' });
    expect(r.of('note').map((n) => n.message)).toContainEqual(expect.stringContaining('needs the result of "broken" (failed); treated as false'));
    expect(r.step('status')).toMatchObject({ status: 'ok' });
  });

  test('a failing write stops the run with exit 1; nothing after it runs', async () => {
    const r = await run(
      runbook({
        mitigate: `options:
  - id: only
    title: Only
    steps:
      - { id: bad-write, effect: write, run: "${SCRIPTS}/fail.sh 'forbidden' 1" }
      - { id: never, effect: read, run: "${SCRIPTS}/ok.sh never" }`,
        resolve: `steps:\n  - { id: never2, effect: read, run: "${SCRIPTS}/ok.sh never2" }`,
      }),
      { env, option: 'only', approve: ['bad-write'] },
    );
    expect(r.result).toMatchObject({ outcome: 'failed', exitCode: 1, message: 'write step "bad-write" failed: exit 1: error: forbidden' });
    expect(r.step('never')).toBeUndefined();
    expect(r.step('never2')).toBeUndefined();
  });

  test('a failing resolve step means "not verified" (exit 1), and the other resolve checks still run', async () => {
    const r = await run(
      runbook({
        resolve: `steps:
  - { id: lag-down, effect: read, run: "${SCRIPTS}/json.sh '{\\"lag\\": 5000}'", parse: json, expect: "result.json.lag < 1000" }
  - { id: pods-ok, effect: read, run: "${SCRIPTS}/ok.sh pods" }`,
      }),
      { env },
    );
    expect(r.result).toMatchObject({ outcome: 'not-verified', exitCode: 1, message: 'resolve not verified: lag-down did not pass' });
    expect(r.step('lag-down')).toMatchObject({ status: 'failed', reason: 'expect', summary: 'expect failed: result.json.lag < 1000 (result.json.lag = 5000)' });
    expect(r.step('pods-ok')).toMatchObject({ status: 'ok' });
  });
});

describe('step features', () => {
  test('retries: a flaky command succeeds on its third attempt, with progress in between', async () => {
    const r = await run(runbook({ detect: `steps:\n  - { id: flaky, effect: read, retries: 3, run: "${SCRIPTS}/flaky.sh \${{ env.T }}/n 3" }` }), { env });
    expect(r.step('flaky')).toMatchObject({ status: 'ok', attempts: 3 });
    expect(r.of('step-progress').map((p) => p.message)).toEqual([
      'attempt 1/4 failed: exit 1: error: attempt 1, not yet; retrying in 10ms',
      'attempt 2/4 failed: exit 1: error: attempt 2, not yet; retrying in 20ms',
    ]);
  });

  test('retries run out: failed after every attempt', async () => {
    const r = await run(runbook({ detect: `steps:\n  - { id: flaky, effect: read, retries: 1, run: "${SCRIPTS}/flaky.sh \${{ env.T }}/n 5" }` }), { env });
    expect(r.step('flaky')).toMatchObject({ status: 'failed', attempts: 2 });
  });

  test('when false skips; expect quotes the expression and the actual values', async () => {
    const r = await run(
      runbook({
        params: 'lag: { default: 15320 }',
        detect: `steps:
  - { id: skipped, effect: read, run: "${SCRIPTS}/ok.sh x", when: "params.lag < 100" }
  - id: lag
    effect: read
    run: ["${SCRIPTS}/json.sh", '{"totalLag": \${{ params.lag }}, "partitions": [1, 2]}']
    parse: json
    expect: result.json.totalLag < 1000 && size(result.json.partitions) > 0`,
      }),
      { env },
    );
    expect(r.step('skipped')).toMatchObject({ status: 'skipped', summary: 'skipped: when "params.lag < 100" is false' });
    expect(r.step('lag')!.summary).toBe('expect failed: result.json.totalLag < 1000 && size(result.json.partitions) > 0 (result.json.totalLag = 15320, result.json.partitions = [1,2])');
  });

  test('an expression error names the runbook file, line and column', async () => {
    const r = await run(runbook({ detect: `steps:\n  - { id: bad, effect: read, run: "${SCRIPTS}/ok.sh", when: "params.nope == 'x'" }` }), { env });
    const f = r.step('bad')!;
    expect(f).toMatchObject({ status: 'failed', reason: 'expression' });
    expect(f.summary).toMatch(/^inline\.yaml:8:\d+: cannot evaluate "params\.nope == 'x'": no such key: nope$/);
  });

  test('a parameter with no value fails the steps that need it; nothing runs with an empty string', async () => {
    const r = await run(
      runbook({
        params: 'token: { secret: true, env: NO_SUCH_TOKEN_VAR, pattern: "^[a-z]+$" }',
        detect: `steps:\n  - { id: show, effect: read, run: "${SCRIPTS}/ok.sh token=\${{ params.token }}" }`,
        mitigate: `options:\n  - id: rotate\n    title: Rotate\n    recommend: "true"\n    steps:\n      - { id: rotate-token, effect: write, run: "${SCRIPTS}/write.sh rotate \${{ params.token }}" }`,
      }),
      { env, approve: ['rotate-token'], nonInteractive: true },
    );
    expect(r.step('show')).toMatchObject({ status: 'failed', reason: 'expression' });
    expect(r.step('show')!.summary).toMatch(/needs a value for parameter "token" \(none given, no default\)$/);
    expect(r.step('rotate-token')).toMatchObject({ status: 'failed', reason: 'expression' });
    expect(r.result.exitCode).toBe(1);
    expect(writes()).toEqual([]);
  });

  test('until polls on the run clock, with progress, until the condition holds', async () => {
    const clock = new FakeClock();
    const r = await run(
      runbook({
        resolve: `steps:
  - id: lag-down
    effect: read
    run: "${SCRIPTS}/counter.sh \${{ env.T }}/count"
    parse: json
    until: { condition: result.json.n >= 3, every: 30s, timeout: 5m }`,
      }),
      { env, clock },
    );
    expect(r.step('lag-down')).toMatchObject({ status: 'ok', attempts: 3, summary: 'result.json.n >= 3 after 1m (result.json.n = 3)' });
    expect(r.of('step-progress').map((p) => p.message)).toEqual([
      'waiting: result.json.n >= 3 is false (result.json.n = 1); next check in 30s (0ms of 5m)',
      'waiting: result.json.n >= 3 is false (result.json.n = 2); next check in 30s (30s of 5m)',
    ]);
  });

  test('until gives up at its timeout and says what was still false', async () => {
    const r = await run(
      runbook({
        resolve: `steps:
  - id: never
    effect: read
    run: "${SCRIPTS}/counter.sh \${{ env.T }}/count"
    parse: json
    until: { condition: result.json.n > 100, every: 1m, timeout: 3m }`,
      }),
      { env, clock: new FakeClock() },
    );
    expect(r.step('never')).toMatchObject({ status: 'failed', reason: 'until', attempts: 4, summary: 'still not true after 3m: result.json.n > 100 is false (result.json.n = 4)' });
    expect(r.result.exitCode).toBe(1);
  });

  test('a hanging command is killed at the step timeout and reported in words', async () => {
    const r = await run(runbook({ detect: `steps:\n  - { id: hang, effect: read, timeout: 300ms, run: "${SCRIPTS}/hang.sh \${{ env.T }}/pids" }` }), { env });
    expect(r.step('hang')).toMatchObject({ status: 'failed', reason: 'timeout', summary: `timed out after 300ms; killed ${SCRIPTS}/hang.sh and its process group` });
    expect(r.result.exitCode).toBe(0);
  });

  test('the default timeout applies to steps without one', async () => {
    const r = await run(runbook({ detect: `steps:\n  - { id: slow, effect: read, run: "${SCRIPTS}/slow.sh 5" }` }), { env, defaultTimeoutMs: 200 });
    expect(r.step('slow')).toMatchObject({ status: 'failed', reason: 'timeout' });
  });
});

describe('parallel reads', () => {
  test('independent reads of a stage run side by side (each waits until the others started)', async () => {
    const step = (me: string, others: string[]) => `  - { id: ${me}, effect: read, run: "${SCRIPTS}/barrier.sh \${{ env.T }} ${me} ${others.join(' ')}" }`;
    const r = await run(runbook({ detect: `steps:\n${step('a', ['b', 'c'])}\n${step('b', ['a', 'c'])}\n${step('c', ['a', 'b'])}` }), { env });
    expect(['a', 'b', 'c'].map((id) => r.step(id)!.status)).toEqual(['ok', 'ok', 'ok']);
    expect(r.of('step-started').every((s) => s.parallel)).toBe(true);
  });

  test('finished events keep runbook order whatever order the reads end in', async () => {
    const r = await run(
      runbook({
        detect: `steps:
  - { id: slow, effect: read, run: "${SCRIPTS}/slow.sh 0.3" }
  - { id: fast, effect: read, run: "${SCRIPTS}/ok.sh fast" }`,
      }),
      { env },
    );
    const order = r.events.filter((e) => e.type === 'step-started' || e.type === 'step-finished').map((e) => `${e.type}:${(e as { stepId: string }).stepId}`);
    expect(order).toEqual(['step-started:slow', 'step-started:fast', 'step-finished:slow', 'step-finished:fast']);
  });

  test('a read that uses a sibling result, writes, and manual steps break the batch', () => {
    const s = (id: string, extra: object = {}) => ({ id, effect: 'read' as const, run: 'x', ...extra });
    const steps = [s('a'), s('b'), s('c', { when: 'steps.a.status == "ok"' }), s('d'), { id: 'w', effect: 'write' as const, run: 'x' }, s('e'), { id: 'm', manual: 'do it' }, s('f')];
    const isRead = (st: { effect?: string; run?: unknown }) => st.effect === 'read' && st.run !== undefined;
    expect(batches(steps, isRead).map((b) => b.map((x) => x.id))).toEqual([['a', 'b'], ['c', 'd'], ['w'], ['e'], ['m'], ['f']]);
  });
});

describe('native steps', () => {
  const calls: string[] = [];
  const types: Record<string, StepType> = {
    'fx.lag': {
      name: 'fx.lag',
      description: 'fixture read',
      effect: 'read',
      inputSchema: {},
      resultSchema: {},
      async run(ctx, input) {
        ctx.progress(`reading ${String(input.group)}`);
        return { ok: true, result: { totalLag: 15000, group: input.group }, summary: 'lag 15000' };
      },
    },
    'fx.down': {
      name: 'fx.down',
      description: 'fixture unreachable peer',
      effect: 'read',
      inputSchema: {},
      resultSchema: {},
      async run() {
        throw new StepError('unreachable: kubernetes API at 127.0.0.1:1 did not answer within 5s', 'unreachable');
      },
    },
    'fx.blind': {
      name: 'fx.blind',
      description: 'could read none of its sources',
      effect: 'read',
      inputSchema: {},
      resultSchema: {},
      async run() {
        throw new StepError('unreadable: could not read the logs of any of the 3 pods (no container)', 'unreadable');
      },
    },
    'fx.hang': {
      name: 'fx.hang',
      description: 'ignores its abort signal',
      effect: 'read',
      inputSchema: {},
      resultSchema: {},
      run: () => new Promise(() => {}),
    },
    'fx.scale': {
      name: 'fx.scale',
      description: 'fixture write',
      effect: 'write',
      inputSchema: {},
      resultSchema: {},
      async run(_ctx, input) {
        calls.push(`scale ${String(input.replicas)}`);
        return { ok: true, result: { replicas: input.replicas }, summary: `scaled to ${String(input.replicas)}` };
      },
      async plan(_ctx, input) {
        return { summary: `would scale dispatch-engine 3 → ${String(input.replicas)}`, target: `kube context prod, namespace ${String(input.namespace)}` };
      },
    },
  };
  const stepTypes = (name: string) => types[name];
  const yaml = runbook({
    params: 'replicas: { default: 5 }',
    detect: `steps:
  - { id: lag, effect: read, check: fx.lag, with: { group: dispatch } }
  - { id: down, effect: read, check: fx.down }
  - { id: hang, effect: read, check: fx.hang, timeout: 200ms }`,
    mitigate: `options:
  - id: scale
    title: Scale
    recommend: steps.lag.result.totalLag > 10000
    steps:
      - { id: scale-up, effect: write, check: fx.scale, with: { namespace: smp-prod, replicas: "\${{ params.replicas }}" } }`,
  });
  beforeEach(() => (calls.length = 0));

  test('reads give typed results; unreachable and hung peers fail clearly within the timeout', async () => {
    const r = await run(yaml, { env, stepTypes, dryRun: true });
    expect(r.step('lag')).toMatchObject({ status: 'ok', summary: 'lag 15000', result: { totalLag: 15000, group: 'dispatch' } });
    expect(r.of('step-progress')).toContainEqual(expect.objectContaining({ stepId: 'lag', message: 'reading dispatch' }));
    expect(r.step('down')).toMatchObject({ status: 'failed', reason: 'unreachable', summary: 'unreachable: kubernetes API at 127.0.0.1:1 did not answer within 5s' });
    expect(r.step('hang')).toMatchObject({ status: 'failed', reason: 'timeout', summary: 'unreachable: fx.hang did not answer within 200ms' });
  });

  test('dry-run: a native write is planned with plan(), never run; the run continues as if it succeeded', async () => {
    const r = await run(yaml, { env, stepTypes, dryRun: true });
    expect(calls).toEqual([]);
    expect(r.step('scale-up')).toMatchObject({ status: 'planned', summary: 'would scale dispatch-engine 3 → 5', plan: { target: 'kube context prod, namespace smp-prod' } });
    expect(r.of('step-started').map((s) => s.stepId)).not.toContain('scale-up');
    expect(r.result).toMatchObject({ outcome: 'rehearsed', exitCode: 0 });
  });

  test('live: the approval shows the native action, target and plan; --approve runs it once', async () => {
    const r = await run(yaml, { env, stepTypes, approve: ['scale-up'] });
    expect(r.of('approval-needed')[0]).toMatchObject({
      stepId: 'scale-up',
      action: 'fx.scale {"namespace":"smp-prod","replicas":5}',
      target: 'kube context prod, namespace smp-prod',
      plan: { summary: 'would scale dispatch-engine 3 → 5' },
    });
    expect(calls).toEqual(['scale 5']);
    expect(r.of('approval-given')[0]).toMatchObject({ stepId: 'scale-up', via: 'flag' });
  });

  test('a check that observed nothing fails as unreadable, and a condition on it is false with a note', async () => {
    const r = await run(
      runbook({
        detect: 'steps:\n  - { id: blind, effect: read, check: fx.blind }',
        triage: 'steps:\n  - { id: after, effect: read, run: "true", when: "steps.blind.result.matches == 0" }',
      }),
      { env, stepTypes },
    );
    expect(r.step('blind')).toMatchObject({ status: 'failed', reason: 'unreadable' });
    expect(r.step('after')).toMatchObject({ status: 'skipped' });
    expect(r.of('note').map((n) => n.message).join('\n')).toMatch(/needs the result of "blind" \(failed\); treated as false/);
  });

  test('an unknown step type fails the step in words', async () => {
    const r = await run(runbook({ detect: 'steps:\n  - { id: x, effect: read, check: nope.nothing }' }), { env, stepTypes });
    expect(r.step('x')).toMatchObject({ status: 'failed', summary: 'unknown step type "nope.nothing"' });
  });
});

const twoOptions = (extra = '') =>
  runbook({
    detect: `steps:\n  - { id: probe, effect: read, run: "${SCRIPTS}/ok.sh probe" }`,
    mitigate: `choose: Which one?
options:
  - id: first
    title: First fix
    recommend: steps.probe.status == 'ok'
    evidence: "probe said \${{ steps.probe.result.stdout }}"
    steps:
      - { id: write-first, effect: write, run: "${SCRIPTS}/write.sh first" }${extra}
  - id: second
    title: Second fix
    steps:
      - { id: write-second, effect: write, run: "${SCRIPTS}/write.sh second" }`,
    resolve: `steps:\n  - { id: check, effect: read, run: "${SCRIPTS}/ok.sh check" }`,
  });

describe('approvals', () => {
  test('yes runs the write exactly once; the approval records who and how', async () => {
    const prompter = new ScriptedPrompter([{ choose: 'first' }, { confirm: true }]);
    const r = await run(twoOptions(), { env, prompter, user: 'alice' });
    expect(r.result.exitCode).toBe(0);
    expect(writes()).toEqual(['first']);
    expect(r.of('approval-given')[0]).toMatchObject({ stepId: 'write-first', approver: 'alice', via: 'prompt' });
    expect(prompter.asked[1]).toMatchObject({ kind: 'confirm', message: 'Run write step "write-first"?' });
  });

  test('declining a write offers the other options or stopping; stopping exits 3 and runs nothing', async () => {
    const prompter = new ScriptedPrompter([{ choose: 'first' }, { confirm: false }, { choose: '__stop' }]);
    const r = await run(twoOptions(), { env, prompter });
    expect(r.result).toMatchObject({ outcome: 'stopped', exitCode: 3 });
    expect(writes()).toEqual([]);
    expect(prompter.asked[2]!.choices!.map((c) => c.value)).toEqual(['second', '__stop']);
  });

  test('declining a write, then taking another option, runs only that one', async () => {
    const prompter = new ScriptedPrompter([{ choose: 'first' }, { confirm: false }, { choose: 'second' }, { confirm: true }]);
    const r = await run(twoOptions(), { env, prompter });
    expect(r.result.exitCode).toBe(0);
    expect(writes()).toEqual(['second']);
  });

  test('non-interactive without --approve stops before the write (exit 3) and names the flag', async () => {
    const r = await run(twoOptions(), { env });
    expect(r.result).toMatchObject({ outcome: 'stopped', exitCode: 3 });
    expect(r.result.message).toBe('stopped before write step "write-first": not approved (non-interactive run); approve it with --approve write-first');
    expect(r.of('run-finished')[0]).toMatchObject({ approveHint: '--approve write-first', resume: 'oncall resume TST-001-20261122T041500Z-0000 --approve write-first' });
    expect(r.of('step-started').map((s) => s.stepId)).toEqual(['probe']);
    expect(writes()).toEqual([]);
  });

  test('--approve covers only the step it names', async () => {
    const extra = `\n      - { id: write-more, effect: write, run: "${SCRIPTS}/write.sh more" }`;
    const r = await run(twoOptions(extra), { env, approve: ['write-first'] });
    expect(writes()).toEqual(['first']);
    expect(r.result).toMatchObject({ exitCode: 3, message: expect.stringContaining('--approve write-more') });
  });

  describe('high risk', () => {
    const yaml = runbook({
      params: 'pattern: { default: "cache:wms:*" }',
      mitigate: `options:
  - id: purge
    title: Purge
    steps:
      - { id: purge-keys, effect: write, highRisk: true, confirm: "\${{ params.pattern }}", run: "${SCRIPTS}/write.sh purge \${{ params.pattern }}" }`,
    });

    test('the operator must type the target; wrong text is refused', async () => {
      const prompter = new ScriptedPrompter([{ choose: 'purge' }, { typed: 'y' }]);
      const r = await run(yaml, { env, prompter });
      expect(r.result.exitCode).toBe(3);
      expect(writes()).toEqual([]);
      expect(prompter.asked[1]).toMatchObject({ kind: 'typed', expected: 'cache:wms:*' });
      expect(r.of('approval-declined')[0]).toMatchObject({ reason: 'typed-mismatch' });
    });

    test('typing the target runs it', async () => {
      const prompter = new ScriptedPrompter([{ choose: 'purge' }, { typed: 'cache:wms:*' }]);
      const r = await run(yaml, { env, prompter });
      expect(r.result.exitCode).toBe(0);
      expect(writes()).toEqual(['purge cache:wms:*']);
      expect(r.of('approval-needed')[0]).toMatchObject({ highRisk: true, confirmText: 'cache:wms:*' });
    });
  });
});

describe('choosing the mitigation', () => {
  test('evidence and the values that made the recommendation true come with the choices', async () => {
    const r = await run(twoOptions(), { env, dryRun: true });
    const needed = r.of('decision-needed')[0]!;
    expect(needed.choices[0]).toMatchObject({ id: 'first', recommended: true, evidence: 'probe said ok: probe\n', values: { 'steps.probe.status': 'ok' } });
    expect(needed.choices[1]).toMatchObject({ id: 'second', recommended: false });
  });

  test('non-interactive live: the top recommended option is auto-selected and journaled as such', async () => {
    const r = await run(twoOptions(), { env, approve: ['write-first'] });
    expect(r.of('decision-made').find((d) => d.decision === 'option')).toMatchObject({ value: 'first', by: 'auto-selected: recommended' });
    expect(writes()).toEqual(['first']);
  });

  test('non-interactive with nothing recommended stops (exit 3) and asks for --option', async () => {
    const yaml = twoOptions().replace("recommend: steps.probe.status == 'ok'", "recommend: steps.probe.status == 'failed'");
    const r = await run(yaml, { env });
    expect(r.result).toMatchObject({ exitCode: 3, message: 'no mitigation option is recommended by the evidence; choose one with --option ID (valid: first, second)' });
  });

  test('--option picks without asking', async () => {
    const r = await run(twoOptions(), { env, option: 'second', approve: ['write-second'] });
    expect(writes()).toEqual(['second']);
    expect(r.of('decision-made')[0]).toMatchObject({ value: 'second', by: 'flag' });
  });

  test('a non-interactive dry-run rehearses every option, so every write is shown', async () => {
    const r = await run(twoOptions(), { env, dryRun: true });
    expect(r.of('decision-made').map((d) => [d.value, d.by])).toEqual([
      ['first', 'rehearsal'],
      ['second', 'rehearsal'],
    ]);
    expect(r.step('write-first')).toMatchObject({ status: 'planned', command: `${SCRIPTS}/write.sh first` });
    expect(r.step('write-second')).toMatchObject({ status: 'planned' });
    expect(writes()).toEqual([]);
    expect(r.result).toMatchObject({ outcome: 'rehearsed', exitCode: 0 });
  });
});

describe('manual and message steps', () => {
  const yaml = runbook({
    params: 'group: { default: dispatch }',
    detect: `steps:\n  - { id: lag, effect: read, run: ["${SCRIPTS}/json.sh", '{"lag": 42}'], parse: json }`,
    communicate: `steps:
  - id: tell
    message: { channel: "#ops", text: "Lag \${{ steps.lag.result.json.lag }} on \${{ params.group }}", translation: "Retard \${{ steps.lag.result.json.lag }}" }
  - id: unknown
    message: { channel: "#ops", text: "value \${{ steps.nothing.result.x }}" }
  - { id: assign, manual: "Ops Lead assigns orders for \${{ params.group }}" }`,
  });

  test('messages render with the run values; a missing value shows as ‹expr?› with a note', async () => {
    const r = await run(yaml, { env });
    expect(r.step('tell')!.message).toEqual({ channel: '#ops', text: 'Lag 42 on dispatch', translation: 'Retard 42' });
    expect(r.step('unknown')!.message!.text).toBe('value ‹steps.nothing.result.x?›');
  });

  test('manual steps ask whether they are done; non-interactive runs skip them with a warning', async () => {
    const ni = await run(yaml, { env });
    expect(ni.step('assign')).toMatchObject({ status: 'skipped', instruction: 'Ops Lead assigns orders for dispatch' });
    const prompter = new ScriptedPrompter([{ manual: 'done' }]);
    const yes = await run(yaml, { env, prompter, user: 'bob' });
    expect(yes.step('assign')).toMatchObject({ status: 'ok', summary: 'done (confirmed by bob)' });
    const stop = await run(yaml, { env, prompter: new ScriptedPrompter([{ manual: 'stop' }]) });
    expect(stop.result.exitCode).toBe(3);
    expect(stop.step('assign')).toMatchObject({ status: 'stopped' });
  });

  test('a run stopped at a manual step asks that step again on resume, and never reports resolved without it', async () => {
    const stop = await run(yaml, { env, prompter: new ScriptedPrompter([{ manual: 'stop' }]), user: 'bob' });
    expect(stop.step('assign')).toMatchObject({ status: 'stopped', summary: 'stopped here by bob' });
    const state = resumeStateFrom({ events: stop.events, torn: false, bad: 0 });
    expect(state.finished.has('assign')).toBe(false);
    const prompter = new ScriptedPrompter([{ manual: 'done' }]);
    const resumed = await run(yaml, { env, prompter, user: 'bob', resume: state });
    expect(prompter.asked.map((a) => a.kind)).toEqual(['manual']);
    expect(resumed.step('assign')).toMatchObject({ status: 'ok' });
    expect(resumed.result.exitCode).toBe(0);
  });
});

test('escalation and status-update reminders fire on the run clock', async () => {
  const clock = new FakeClock();
  const r = await run(
    runbook({
      resolve: `steps:
  - id: wait
    effect: read
    run: "${SCRIPTS}/counter.sh \${{ env.T }}/c"
    parse: json
    until: { condition: result.json.n >= 8, every: 5m, timeout: 1h }`,
    }),
    { env, clock, escalation: [{ after: '15m', action: 'Page secondary on-call' }, { after: '30m', action: 'Call the engineering manager' }], statusUpdateEvery: '20m' },
  );
  expect(r.of('reminder').map((x) => [x.kind, x.message, x.elapsedMinutes])).toEqual([
    ['escalation', 'Page secondary on-call', 15],
    ['status-update', 'post a status update (every 20m)', 20],
    ['escalation', 'Call the engineering manager', 30],
  ]);
});

test('a stage that runs past its timebox says so once; a stage within its timebox says nothing', async () => {
  const clock = new FakeClock();
  const r = await run(
    runbook({
      detect: `timebox: 5m
steps:
  - id: wait
    effect: read
    run: "${SCRIPTS}/counter.sh \${{ env.T }}/c"
    parse: json
    until: { condition: result.json.n >= 6, every: 5m, timeout: 1h }`,
      triage: 'timebox: 5m\nsteps:\n  - { id: quick, effect: read, run: "true" }',
    }),
    { env, clock },
  );
  expect(r.of('reminder').filter((x) => x.kind === 'timebox').map((x) => [x.message, x.elapsedMinutes])).toEqual([['detect has run past its 5m timebox', 5]]);
});

test('interrupt: the running step is killed, the run ends with 130 and a resume hint', async () => {
  const started = Date.now();
  const r = await run(runbook({ detect: `steps:\n  - { id: slow, effect: read, run: "${SCRIPTS}/slow.sh 20" }` }), {
    env,
    onEvent: (e, engine) => {
      if (e.type === 'step-started') setTimeout(() => engine.interrupt(), 100);
    },
  });
  expect(Date.now() - started).toBeLessThan(10_000);
  expect(r.result).toMatchObject({ outcome: 'interrupted', exitCode: 130 });
  expect(r.step('slow')).toMatchObject({ status: 'interrupted' });
  expect(r.of('run-finished')[0]!.resume).toBe('oncall resume TST-001-20261122T041500Z-0000');
});

test('secret values never reach a subscriber', async () => {
  const yaml = runbook({
    params: 'token: { secret: true, env: TST_TOKEN }\nurl: { default: "redis://:urlpass123@127.0.0.1:1/0" }',
    detect: `steps:\n  - { id: leak, effect: read, run: "${SCRIPTS}/fail.sh 'token \${{ params.token }} url \${{ params.url }}' 1" }`,
  });
  const r = await run(yaml, { env: { ...env, TST_TOKEN: 'tok-very-secret' } });
  const all = JSON.stringify(r.events);
  expect(all).not.toContain('tok-very-secret');
  expect(all).not.toContain('urlpass123');
  expect(r.step('leak')!.summary).toBe('exit 1: error: token *** url redis://:***@127.0.0.1:1/0');
});
