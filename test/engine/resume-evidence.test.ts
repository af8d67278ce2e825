// Resume shows how old the restored evidence is and, before the mitigation
// choice, offers to measure again; --refresh does it without asking.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EngineEvent } from '../../src/engine/events.js';
import { ScriptedPrompter } from '../../src/engine/prompter.js';
import { resumeStateFrom } from '../../src/engine/resume.js';
import { run, runbook, tempDir } from './helpers.js';

const t = tempDir('oncall-evidence-');
afterAll(() => t.cleanup());
const memoryFile = join(t.dir, 'memory.json');
const env = { ...process.env, MEMORY_FILE: memoryFile };

const yaml = runbook({
  detect: `steps:\n  - { id: memory, effect: read, run: ["cat", "${memoryFile}"], parse: json }`,
  mitigate: `
options:
  - id: grow
    title: Grow maxmemory
    recommend: steps.memory.result.json.percent > 90
    evidence: "memory at \${{ steps.memory.result.json.percent }}%"
    steps:
      - { id: raise, effect: write, run: "true" }`,
});

/** The first run stops at the mitigation choice; its journal is 8 minutes old. */
async function stoppedEightMinutesAgo(): Promise<EngineEvent[]> {
  writeFileSync(memoryFile, '{"percent": 95.44}');
  const first = await run(yaml, { env, prompter: new ScriptedPrompter([{ choose: '__stop' }]) });
  expect(first.result.exitCode).toBe(3);
  const shift = (iso: string) => new Date(Date.parse(iso) - 8 * 60_000).toISOString();
  return first.events.map((e) => ({ ...e, at: shift(e.at), ...('startedAt' in e && e.startedAt ? { startedAt: shift(e.startedAt) } : {}) }) as EngineEvent);
}

const evidenceOf = (events: EngineEvent[]) =>
  events.flatMap((e) => (e.type === 'decision-needed' ? e.choices.filter((c) => c.id === 'grow').map((c) => c.evidence) : []));
const memoryRuns = (events: EngineEvent[]) => events.filter((e) => e.type === 'step-finished' && e.stepId === 'memory').length;

test('non-interactive resume restores the evidence, shows its age and names --refresh', async () => {
  const state = resumeStateFrom({ events: await stoppedEightMinutesAgo(), torn: false, bad: 0 });
  writeFileSync(memoryFile, '{"percent": 61}');
  const resumed = await run(yaml, { env, resume: state });
  expect(memoryRuns(resumed.events)).toBe(0);
  expect(evidenceOf(resumed.events)).toEqual(['memory at 95.44%, measured 8m ago']);
  expect(resumed.of('note').map((n) => n.message)).toContain('the evidence from detect and triage was measured 8m ago; resume with --refresh to measure again');
});

test('--refresh runs detect again: the recommendation follows the new measurement', async () => {
  const state = resumeStateFrom({ events: await stoppedEightMinutesAgo(), torn: false, bad: 0 });
  writeFileSync(memoryFile, '{"percent": 61}');
  const resumed = await run(yaml, { env, resume: state, refresh: true });
  expect(memoryRuns(resumed.events)).toBe(1);
  expect(resumed.step('memory')!.result).toMatchObject({ json: { percent: 61 } });
  // 61% recommends nothing: a non-interactive run then refuses to guess.
  expect(evidenceOf(resumed.events)).toEqual([undefined]);
  expect(resumed.result.message).toMatch(/no mitigation option is recommended/);
});

test('interactively, resume asks before the mitigation choice; yes measures again, no keeps the old evidence with its age', async () => {
  const events = await stoppedEightMinutesAgo();
  writeFileSync(memoryFile, '{"percent": 97}');
  const yes = new ScriptedPrompter([{ confirm: true }, { choose: '__stop' }]);
  const again = await run(yaml, { env, resume: resumeStateFrom({ events, torn: false, bad: 0 }), prompter: yes });
  expect(yes.asked[0]).toMatchObject({ kind: 'confirm' });
  expect(yes.asked[0]!.message).toBe('The evidence from detect and triage was measured 8m ago. Run detect and triage again before choosing a mitigation?');
  expect(memoryRuns(again.events)).toBe(1);
  expect(evidenceOf(again.events)).toEqual(['memory at 97%']);

  const no = new ScriptedPrompter([{ confirm: false }, { choose: '__stop' }]);
  const kept = await run(yaml, { env, resume: resumeStateFrom({ events, torn: false, bad: 0 }), prompter: no });
  expect(memoryRuns(kept.events)).toBe(0);
  expect(evidenceOf(kept.events)).toEqual(['memory at 95.44%, measured 8m ago']);
});
