// A live interactive run whose resolve does not pass: detect and triage are
// read again (never their writes or manual steps), the options not tried yet
// are offered (recommended first on the refreshed evidence) or a stop, and
// resolve runs again. Real commands on files in a temp dir (FIX-008), the
// ScriptedPrompter answering, the journal written and read back.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EngineEvent } from '../../src/engine/events.js';
import { JournalWriter, readJournal } from '../../src/engine/journal.js';
import { ScriptedPrompter, type ScriptedAnswer } from '../../src/engine/prompter.js';
import { makeEngine, tempDir, wrap, type RunOpts } from './helpers.js';

const YAML = readFileSync(new URL('../fixtures/resolve-retry/FIX-008-resolve-retry.yaml', import.meta.url), 'utf8');

let t: ReturnType<typeof tempDir>;
let env: Record<string, string | undefined>;
const file = (name: string): string => join(t.dir, name);
const put = (name: string, value: unknown): void => writeFileSync(file(name), `${JSON.stringify(value)}\n`);
const actions = (): string[] => (existsSync(file('actions.log')) ? readFileSync(file('actions.log'), 'utf8').split('\n').filter(Boolean) : []);

beforeEach(() => {
  t = tempDir('oncall-resolve-retry-');
  env = { ...process.env, FIX_RETRY_DIR: t.dir };
  // Unhealthy, triage says "stuck" (a restart is recommended), the previous release is healthy.
  put('service.json', { healthy: false });
  put('diagnosis.json', { cause: 'stuck' });
  put('previous.json', { healthy: true });
});
afterEach(() => t.cleanup());

async function journaled(opts: RunOpts) {
  const { engine, events } = makeEngine(YAML, { env, ...opts });
  const w = new JournalWriter(file('run.jsonl'), false).open();
  engine.subscribe((e) => w.write(e), { critical: true });
  const result = await engine.run();
  w.close();
  return wrap(result, events, engine);
}

/** Up to the first option: the detect write approved, the page acknowledged, `first` chosen and approved. */
const opening = (first: string): ScriptedAnswer[] => [{ confirm: true }, { manual: 'done' }, { choose: first }, { confirm: true }];

/** Steps that finished, triage cases that matched, option decisions asked and made: the run's trail, in order. */
function trail(events: EngineEvent[]): string[] {
  return events.flatMap((e) => {
    if (e.type === 'step-finished') return [`${e.stage} ${e.stepId} ${e.status}`];
    if (e.type === 'decision-needed') return [`option? ${e.choices.map((c) => `${c.recommended ? '★' : ''}${c.id}`).join(' ')}`];
    if (e.type === 'decision-made' && e.decision === 'option') return [`option! ${e.value} by ${e.by}`];
    if (e.type === 'decision-made' && e.decision === 'triage-case') return [`case ${e.value}`];
    return [];
  });
}

const RETRY_NOTE = 'resolve not verified after option "restart": reading detect and triage again before the next choice';
const chooses = (p: ScriptedPrompter) => p.asked.filter((a) => a.kind === 'choose');

test('wrong option, resolve fails, detect and triage read again, the untried options offered recommended first, the right one resolves', async () => {
  const prompter = new ScriptedPrompter([...opening('restart'), { choose: 'rollback' }, { confirm: true }]);
  const r = await journaled({ prompter });

  expect(r.result).toMatchObject({ outcome: 'resolved', exitCode: 0, message: 'resolved: every resolve check passed' });
  expect(prompter.remaining).toBe(0);
  // The detect write ran once, the rollback after the restart; the state file is healthy now.
  expect(actions()).toEqual(['silence', 'restart', 'rollback']);
  expect(JSON.parse(readFileSync(file('service.json'), 'utf8'))).toEqual({ healthy: true });

  const healthy = r.events.filter((e): e is Extract<EngineEvent, { type: 'step-finished' }> => e.type === 'step-finished' && e.stepId === 'healthy');
  expect(healthy.map((h) => [h.status, h.summary])).toEqual([
    ['failed', 'expect failed: result.json.healthy == true (result.json.healthy = false)'],
    ['ok', 'exit 0, 1 line: {"healthy":true}'],
  ]);
  expect(r.of('note').map((n) => n.message)).toContain(RETRY_NOTE);

  // The journal, read back: the reads again (not silence, not ack), the triage case that matches
  // now (its reads, not those of the case that matched before), the second choice on that evidence.
  const journal = readJournal(file('run.jsonl'));
  expect(journal).toMatchObject({ torn: false, bad: 0 });
  expect(trail(journal.events)).toEqual([
    'detect probe ok',
    'detect silence ok',
    'detect ack ok',
    'triage diagnose ok',
    'case stuck',
    'triage stuck-workers ok',
    'option? ★restart flush rollback',
    'option! restart by operator',
    'mitigate restart-service ok',
    'resolve healthy failed',
    'detect probe ok',
    'triage diagnose ok',
    'case config',
    'triage previous-release ok',
    'option? ★rollback flush',
    'option! rollback by operator',
    'mitigate rollback-release ok',
    'resolve healthy ok',
  ]);
  const retryNote = journal.events.findIndex((e) => e.type === 'note' && e.message === RETRY_NOTE);
  const secondProbe = journal.events.findIndex((e, i) => i > retryNote && e.type === 'step-finished' && e.stepId === 'probe');
  expect(retryNote).toBeGreaterThan(0);
  expect(secondProbe).toBeGreaterThan(retryNote);
  // The refreshed triage read is what recommends the rollback now.
  const diagnoses = journal.events.filter((e): e is Extract<EngineEvent, { type: 'step-finished' }> => e.type === 'step-finished' && e.stepId === 'diagnose');
  expect(diagnoses.map((d) => (d.result as { json?: unknown }).json)).toEqual([{ cause: 'stuck' }, { cause: 'config' }]);

  // What the operator was shown: the retry prompt offers only the untried options, the recommended first, and a stop.
  const [first, retry] = chooses(prompter);
  expect(first!.choices!.map((c) => c.value)).toEqual(['restart', 'flush', 'rollback', '__stop']);
  expect(retry!.message).toBe('Resolve not verified (healthy did not pass) after "restart". Take another option, or stop?');
  expect(retry!.choices).toEqual([
    { value: 'rollback', label: '★ Roll back the release (rollback)', hint: expect.stringContaining('triage found cause config') },
    { value: 'flush', label: 'Flush the cache (flush)' },
    { value: '__stop', label: 'Stop here: the incident is not resolved' },
  ]);
  // Approvals: silence, restart-service, rollback-release, each asked once; the manual step once.
  expect(prompter.asked.filter((a) => a.kind === 'confirm').map((a) => a.message)).toEqual([
    expect.stringContaining('silence'),
    expect.stringContaining('restart-service'),
    expect.stringContaining('rollback-release'),
  ]);
  expect(prompter.asked.filter((a) => a.kind === 'manual')).toHaveLength(1);
});

test('"stop" at the retry prompt ends the run not verified, exit 1, nothing more run', async () => {
  const prompter = new ScriptedPrompter([...opening('restart'), { choose: '__stop' }]);
  const r = await journaled({ prompter });

  expect(r.result).toMatchObject({ outcome: 'not-verified', exitCode: 1, message: 'resolve not verified: healthy did not pass' });
  expect(prompter.remaining).toBe(0);
  expect(actions()).toEqual(['silence', 'restart']);
  const journal = readJournal(file('run.jsonl')).events;
  expect(trail(journal).slice(-6)).toEqual(['resolve healthy failed', 'detect probe ok', 'triage diagnose ok', 'case config', 'triage previous-release ok', 'option? ★rollback flush']);
  expect(journal.filter((e) => e.type === 'decision-made' && e.decision === 'option').map((e) => (e as { value: string }).value)).toEqual(['restart']);
  expect(journal.at(-1)).toMatchObject({ type: 'run-finished', outcome: 'not-verified', exitCode: 1 });
});

test('when every option has been tried, the run ends not verified without another prompt', async () => {
  put('previous.json', { healthy: false }); // the previous release is broken too: nothing heals it
  const prompter = new ScriptedPrompter([...opening('restart'), { choose: 'rollback' }, { confirm: true }, { choose: 'flush' }, { confirm: true }]);
  const r = await journaled({ prompter });

  expect(r.result).toMatchObject({ outcome: 'not-verified', exitCode: 1, message: 'resolve not verified: healthy did not pass' });
  expect(prompter.remaining).toBe(0);
  expect(chooses(prompter).map((c) => c.choices!.map((x) => x.value))).toEqual([
    ['restart', 'flush', 'rollback', '__stop'],
    ['rollback', 'flush', '__stop'],
    ['flush', '__stop'],
  ]);
  expect(chooses(prompter)[2]!.message).toBe('Resolve not verified (healthy did not pass) after "restart", "rollback". Take another option, or stop?');
  expect(actions()).toEqual(['silence', 'restart', 'rollback', 'flush']);
  const journal = readJournal(file('run.jsonl')).events;
  expect(journal.filter((e) => e.type === 'decision-made' && e.decision === 'option').map((e) => (e as { value: string }).value)).toEqual(['restart', 'rollback', 'flush']);
  // Resolve ran three times; the evidence was refreshed twice, not after the last option.
  expect(journal.filter((e) => e.type === 'step-finished' && e.stepId === 'healthy').map((e) => (e as { status: string }).status)).toEqual(['failed', 'failed', 'failed']);
  expect(journal.filter((e) => e.type === 'step-finished' && e.stepId === 'probe')).toHaveLength(3);
  expect(journal.filter((e) => e.type === 'note' && e.message.startsWith('resolve not verified after option'))).toHaveLength(2);
  expect(trail(journal).slice(-3)).toEqual(['option! flush by operator', 'mitigate flush-cache ok', 'resolve healthy failed']);
});

test('declining the retried option\'s write offers what is left (neither tried option), and a stop', async () => {
  const prompter = new ScriptedPrompter([...opening('restart'), { choose: 'rollback' }, { confirm: false }, { choose: '__stop' }]);
  const r = await journaled({ prompter });

  expect(r.result).toMatchObject({ outcome: 'stopped', exitCode: 3 });
  expect(r.result.message).toMatch(/^stopped before write step "rollback-release": declined by /);
  const declined = chooses(prompter)[2]!;
  expect(declined.message).toBe('Declined "rollback-release". Take another option, or stop?');
  expect(declined.choices!.map((c) => c.value)).toEqual(['flush', '__stop']);
  expect(actions()).toEqual(['silence', 'restart']);
});

describe('no retry', () => {
  test('a non-interactive run: resolve not verified is exit 1, detect is not read again', async () => {
    const r = await journaled({ nonInteractive: true, approve: ['silence', 'restart-service'] });
    expect(r.result).toMatchObject({ outcome: 'not-verified', exitCode: 1, message: 'resolve not verified: healthy did not pass' });
    expect(trail(r.events)).toEqual([
      'detect probe ok',
      'detect silence ok',
      'detect ack skipped',
      'triage diagnose ok',
      'case stuck',
      'triage stuck-workers ok',
      'option? ★restart flush rollback',
      'option! restart by auto-selected: recommended',
      'mitigate restart-service ok',
      'resolve healthy failed',
    ]);
    expect(r.of('note').map((n) => n.message)).not.toContain(RETRY_NOTE);
    expect(actions()).toEqual(['silence', 'restart']);
  });

  test('--option in an interactive run: resolve not verified is exit 1, no retry prompt', async () => {
    const prompter = new ScriptedPrompter([{ confirm: true }, { manual: 'done' }, { confirm: true }]);
    const r = await journaled({ prompter, option: 'restart' });
    expect(r.result).toMatchObject({ outcome: 'not-verified', exitCode: 1, message: 'resolve not verified: healthy did not pass' });
    expect(prompter.remaining).toBe(0);
    expect(chooses(prompter)).toEqual([]);
    expect(trail(r.events).slice(-3)).toEqual(['option! restart by flag', 'mitigate restart-service ok', 'resolve healthy failed']);
    expect(r.of('step-finished').filter((e) => e.stepId === 'probe')).toHaveLength(1);
    expect(actions()).toEqual(['silence', 'restart']);
  });
});
