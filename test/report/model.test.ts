// The post-mortem model and its Markdown, from journals the engine really
// wrote: a resolved run with an approved write, a run started from an alert,
// an interrupted-then-resumed run, and a run whose resolve was not verified.
import { writeFileSync } from 'node:fs';
import type { EngineEvent } from '../../src/engine/events.js';
import { ScriptedPrompter } from '../../src/engine/prompter.js';
import { resumeStateFrom } from '../../src/engine/resume.js';
import { loadText } from '../../src/runbook/load.js';
import type { Process, Runbook } from '../../src/runbook/types.js';
import { codeSpan, esc, renderMarkdown } from '../../src/report/markdown.js';
import { buildPostMortem } from '../../src/report/model.js';
import { load, run, runbook, SCRIPTS, tempDir } from '../engine/helpers.js';
import { finishedStep, MIN, retime } from './journals.js';

const t = tempDir('oncall-report-');
afterAll(() => t.cleanup());
const env = { ...process.env, ONCALL_TEST_WRITE_LOG: `${t.dir}/writes.log` };

const yaml = (resolveRun = '"true"', detect = '"true"') =>
  runbook({
    detect: `steps:\n  - { id: probe, effect: read, run: ${detect} }`,
    mitigate: `options:
  - id: restart
    title: Restart the pods
    steps:
      - { id: restart-pods, effect: write, run: "${SCRIPTS}/write.sh restart" }`,
    resolve: `steps:\n  - { id: healthy, title: Pods healthy, effect: read, run: ${resolveRun} }`,
    extra: 'prevention:\n  - "Alert on restarts > 3 in 10m."\n  - "Add a readiness probe."',
  });

const processYaml = `kind: process
severities:
  - { level: SEV-4, definition: Cosmetic, response: "Ticket, normal flow" }
escalation: [{ after: 0m, action: On-call investigates }]
postmortem: { within: 48h }
`;
const proc = loadText('process.yaml', processYaml).value as Process;
const rbOf = (y: string): Runbook => load(y).runbook;

/** Mitigation write done at +7m, resolve at +12m. */
const story = (e: EngineEvent): number | undefined => {
  if (e.type === 'run-started') return 0;
  if (finishedStep('restart-pods')(e)) return 7 * MIN;
  if (e.type === 'run-finished') return 12 * MIN;
  return undefined;
};

test('a resolved run with an approved write: timeline, approver, TTM, TTR, verified checks, action items', async () => {
  const r = await run(yaml(), { env, user: 'alice', prompter: new ScriptedPrompter([{ choose: 'restart' }, { confirm: true }]) });
  expect(r.result.outcome).toBe('resolved');
  const pm = buildPostMortem({ events: retime(r.events, story), runbook: rbOf(yaml()), process: proc });
  expect(pm.outcome).toBe('resolved');
  expect(pm.measuredFrom).toBe('run-start');
  expect(pm.detectionGapMs).toBeUndefined();
  expect(pm.timeToMitigationMs).toBe(7 * MIN);
  expect(pm.timeToRecoveryMs).toBe(12 * MIN);
  expect(pm.customerImpact.text).toBe('SEV-4: Cosmetic (response: Ticket, normal flow)');
  expect(pm.option).toEqual({ id: 'restart', title: 'Restart the pods' });
  expect(pm.actionItems).toEqual(['Alert on restarts > 3 in 10m.', 'Add a readiness probe.']);
  expect(pm.verified).toEqual([{ stepId: 'healthy', title: 'Pods healthy', status: 'ok', summary: expect.any(String) }]);
  expect(pm.caveats).toEqual([]);
  expect(pm.rootCause).toBe('Root cause: …');
  const approval = pm.timeline.find((e) => e.kind === 'approval')!;
  expect(approval).toMatchObject({ who: 'alice', text: 'write step restart-pods approved (via prompt)' });
  const write = pm.timeline.find((e) => e.kind === 'write')!;
  expect(write).toMatchObject({ offsetMs: 7 * MIN, at: '2026-12-02T04:05:00.000Z', command: `${SCRIPTS}/write.sh restart` });
  expect(write.text).toMatch(/^write restart-pods: ok — /);
  expect(pm.timeline.map((e) => e.kind)).toEqual(expect.arrayContaining(['run-started', 'stage', 'decision', 'approval', 'write', 'step', 'run-finished']));
  expect(pm.timeline[0]).toMatchObject({ kind: 'run-started', who: 'alice', offsetMs: 0 });

  const md = renderMarkdown(pm);
  expect(md).toContain('- 2026-12-02 03:58:00 UTC (T+0s) run started — alice');
  expect(md).toContain('- 2026-12-02 04:05:00 UTC (T+7m 0s) write restart-pods: ok');
  expect(md).toContain('- Time to mitigation (from run start → last successful mitigation write): 7m 0s');
  expect(md).toContain('- Time to recovery (from run start → resolve verified): 12m 0s');
  expect(md).toContain('- Detection gap (alert start → run start): unknown (the run was not started from an alert)');
  expect(md).toContain('- [ ] Alert on restarts &gt; 3 in 10m.');
  expect(md).toContain('## Root cause\n\nRoot cause: …');
  expect(md).toContain('Post-mortem due: within 48h.');
  for (const h of ['Summary', 'Customer impact', 'Timeline (UTC)', 'Detection and response', 'Verified at resolve', 'Root cause', 'Action items (candidates)']) expect(md).toContain(`\n## ${h}\n`);
});

test('a run started from an alert: detection gap, and TTM/TTR measured from the alert start', async () => {
  const alert = { name: 'TestAlert', labels: { alertname: 'TestAlert', service: '<img src=x onerror=alert(1)>', note: '[click](https://evil.example)' }, startsAt: '2026-12-02T03:55:00.000Z', fingerprint: 'abc' };
  const r = await run(yaml(), { env, user: 'alice', alert, prompter: new ScriptedPrompter([{ choose: 'restart' }, { confirm: true }]) });
  const pm = buildPostMortem({ events: retime(r.events, story), runbook: rbOf(yaml()), process: proc });
  expect(pm.measuredFrom).toBe('alert');
  expect(pm.detectionGapMs).toBe(3 * MIN);
  expect(pm.timeToMitigationMs).toBe(10 * MIN);
  expect(pm.timeToRecoveryMs).toBe(15 * MIN);
  expect(pm.timeline[0]).toMatchObject({ kind: 'alert', at: '2026-12-02T03:55:00.000Z', offsetMs: -3 * MIN });

  const md = renderMarkdown(pm);
  expect(md).toContain('- Detection gap (alert start → run start): 3m 0s');
  expect(md).toContain('- Time to mitigation (from alert start → last successful mitigation write): 10m 0s');
  expect(md).toContain('- 2026-12-02 03:55:00 UTC (T-3m 0s) alert TestAlert started firing');
  // Untrusted labels stay text: no HTML tag, no link.
  expect(md).not.toContain('<img');
  expect(md).not.toContain('[click](');
  expect(md).toContain('service=&lt;img src=x onerror=alert(1)&gt;');
  expect(md).toContain('note=\\[click\\](https\\://evil.example)');
});

test('an interrupted run, resumed later: one timeline, resumed entries marked, caveats say so', async () => {
  const marker = `${t.dir}/detect-fast`;
  const y = yaml('"true"', `["sh", "-c", "test -f ${marker} || sleep 20"]`);
  const first = await run(y, {
    env,
    user: 'alice',
    onEvent: (e, engine) => {
      if (e.type === 'step-started') setTimeout(() => engine.interrupt(), 100);
    },
  });
  expect(first.result.outcome).toBe('interrupted');
  writeFileSync(marker, '');
  const state = resumeStateFrom({ events: first.events, torn: false, bad: 0 });
  const second = await run(y, { env, user: 'bob', resume: state, prompter: new ScriptedPrompter([{ choose: 'restart' }, { confirm: true }]) });
  expect(second.result.outcome).toBe('resolved');
  const story2 = (e: EngineEvent): number | undefined => {
    if (e.type === 'run-started') return 0;
    if (e.type === 'run-finished' && e.outcome === 'interrupted') return 2 * MIN;
    if (e.type === 'run-resumed') return 30 * MIN;
    if (finishedStep('restart-pods')(e)) return 35 * MIN;
    if (e.type === 'run-finished') return 40 * MIN;
    return undefined;
  };
  const pm = buildPostMortem({ events: retime([...first.events, ...second.events], story2), runbook: rbOf(y), process: proc });
  expect(pm.resumes).toBe(1);
  expect(pm.outcome).toBe('resolved');
  expect(pm.timeToMitigationMs).toBe(35 * MIN);
  expect(pm.timeToRecoveryMs).toBe(40 * MIN);
  expect(pm.caveats).toEqual(['This run was resumed once: its timeline spans 2 sessions.', 'The run was interrupted at 2026-12-02 04:00:00 UTC and resumed later.']);
  const resumedAt = pm.timeline.findIndex((e) => e.kind === 'run-resumed');
  expect(pm.timeline[resumedAt]).toMatchObject({ who: 'bob', offsetMs: 30 * MIN, resumed: true });
  expect(pm.timeline.slice(0, resumedAt).every((e) => !e.resumed)).toBe(true);
  expect(pm.timeline.slice(resumedAt).every((e) => e.resumed)).toBe(true);
  expect(pm.timeline.filter((e) => e.kind === 'run-finished').map((e) => e.text.split(' — ')[0])).toEqual(['run finished: interrupted', 'run finished: resolved']);
  const md = renderMarkdown(pm);
  expect(md).toContain('> **Note:** This run was resumed once: its timeline spans 2 sessions.');
  expect(md).toContain('(T+30m 0s) run resumed — bob _(resumed)_');
});

test('a run whose resolve was not verified: no TTR, the failed check is listed with its output fenced', async () => {
  const y = yaml(`"${SCRIPTS}/fail.sh 'still 5xx \`\`\`\` fence' 1"`);
  const r = await run(y, { env, user: 'alice', prompter: new ScriptedPrompter([{ choose: 'restart' }, { confirm: true }]) });
  expect(r.result.outcome).toBe('not-verified');
  const pm = buildPostMortem({ events: retime(r.events, story), runbook: rbOf(y), process: proc });
  expect(pm.timeToMitigationMs).toBe(7 * MIN);
  expect(pm.timeToRecoveryMs).toBeUndefined();
  expect(pm.verified).toEqual([{ stepId: 'healthy', title: 'Pods healthy', status: 'failed', summary: 'exit 1: error: still 5xx ```` fence' }]);
  expect(pm.caveats).toEqual(['Resolve was NOT verified: healthy did not pass.']);
  const md = renderMarkdown(pm);
  expect(md).toContain('- Time to recovery (from run start → resolve verified): not recovered (resolve was not verified)');
  expect(md).toContain('- ✘ healthy (Pods healthy): failed — exit 1: error: still 5xx \\`\\`\\`\\` fence');
  // Output with a four-backtick run sits in a five-backtick fence.
  expect(md).toContain('\n  `````text\n  error: still 5xx ```` fence\n  `````\n');
});

test('a missing runbook still gives a report, without prevention items, saying so', async () => {
  const r = await run(yaml(), { env, user: 'alice', prompter: new ScriptedPrompter([{ choose: 'restart' }, { confirm: true }]) });
  const pm = buildPostMortem({ events: r.events, runbookMissing: 'runbook TST-001 not found' });
  expect(pm.actionItems).toEqual([]);
  expect(pm.caveats).toEqual(['The runbook could not be loaded (runbook TST-001 not found): no prevention items.']);
  expect(pm.customerImpact.text).toBe('SEV-4 (no definition in the process file)');
  expect(renderMarkdown(pm)).toContain('- none from the runbook');
});

test('a hand-edited journal: URL passwords and journaled secret values are masked again', async () => {
  const r = await run(yaml(), { env, user: 'alice', prompter: new ScriptedPrompter([{ choose: 'restart' }, { confirm: true }]) });
  const events = r.events.map((e) =>
    e.type === 'run-started'
      ? ({ ...e, params: { ...e.params, token: 'tok-raw-123' }, secretDigests: { token: 'x' } } as EngineEvent)
      : e.type === 'step-finished' && e.stepId === 'restart-pods'
        ? ({ ...e, summary: 'tok-raw-123 redis://u:rawpass99@h:6379', command: 'redis-cli -u redis://u:rawpass99@h' } as EngineEvent)
        : e,
  );
  const pm = buildPostMortem({ events, runbook: rbOf(yaml()) });
  const all = JSON.stringify(pm) + renderMarkdown(pm);
  expect(all).not.toContain('rawpass99');
  expect(all).not.toContain('tok-raw-123');
  expect(pm.timeline.find((e) => e.kind === 'write')).toMatchObject({ text: 'write restart-pods: ok — *** redis://u:***@h:6379', command: 'redis-cli -u redis://u:***@h' });
});

test('a journal without run-started cannot be reported on', () => {
  expect(() => buildPostMortem({ events: [] })).toThrow('the journal has no run-started entry');
});

test('inline escaping and code spans', () => {
  expect(esc('a <b> [c](d) `e` *f*\nnext')).toBe('a &lt;b&gt; \\[c\\](d) \\`e\\` \\*f\\* next');
  expect(esc('see https://x.io or www.y.io')).toBe('see https\\://x.io or www\\.y.io');
  expect(codeSpan('echo `a` ``b``')).toBe('``` echo `a` ``b`` ```');
  expect(codeSpan('ls -l')).toBe('`ls -l`');
});
