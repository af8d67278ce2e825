// The triage processes `oncall serve` runs its triages in (src/serve/triager.ts),
// from the built dist: a triage runs there and journals, the process runs at a
// lower CPU priority than the receiver, one killed mid-triage fails that triage
// with a verdict that says so and is replaced, an interrupt ends a running
// triage as interrupted, and close() leaves no process behind.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IncomingAlert } from '../../src/alerts/payload.js';
import { ProcessTriager, TRIAGE_NICENESS } from '../../src/serve/triager.js';
import type { TriageTarget } from '../../src/serve/triage.js';
import { assertBuilt } from '../support/built.js';
import { fixture, journals, ROOT, type Fixture } from './helpers.js';

const SCRIPT = join(ROOT, 'dist', 'serve', 'triage-process.js');
const alert = (fingerprint: string): IncomingAlert => ({ name: 'ServeSlow', labels: { alertname: 'ServeSlow' }, annotations: {}, status: 'firing', fingerprint });
const slow = (delay: string): TriageTarget => ({ runbook: { id: 'SRV-001', title: 'Slow service' }, command: 'oncall run SRV-001', params: { values: { delay }, rejected: [] } });

/** This process's children that run triage-process.js. */
function triagePids(): number[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === process.pid && readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('triage-process');
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** Field 19 of /proc/PID/stat. */
const niceness = (pid: number): number => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
};
const ownNiceness = (): number => niceness(process.pid);

let f: Fixture;
let triager: ProcessTriager | undefined;
beforeAll(() => {
  assertBuilt();
  f = fixture();
});
afterEach(async () => {
  await triager?.close();
  triager = undefined;
});
afterAll(() => f.cleanup());

test('a triage runs in a process of its own, at a lower CPU priority, and is journaled', async () => {
  const state = join(f.dir, 'runs');
  triager = new ProcessTriager({ runbooksDir: f.runbooks, stateDir: state }, 1, SCRIPT);
  await triager.warm();
  const [pid] = triagePids();
  expect(pid).toBeDefined();
  expect(niceness(pid!)).toBe(Math.min(19, ownNiceness() + TRIAGE_NICENESS));
  // Every thread, not only the main one: V8's GC and compiler threads start before the script runs.
  const threads = readdirSync(`/proc/${pid}/task`);
  expect(threads.length).toBeGreaterThan(1);
  expect(threads.map((tid) => niceness(Number(tid)))).toEqual(threads.map(() => Math.min(19, ownNiceness() + TRIAGE_NICENESS)));
  const v = await triager.triage(alert('tp1'), 'tp1', slow('0'));
  expect(v).toMatchObject({ fingerprint: 'tp1', outcome: 'rehearsed', runbook: { id: 'SRV-001' } });
  expect(v.problem).toBeUndefined();
  expect(v.recommended.map((c) => c.id)).toEqual(['restart']);
  expect(journals(state)).toHaveLength(1);
});

test('a process killed mid-triage fails that triage with a verdict saying so; a new one takes the next', async () => {
  triager = new ProcessTriager({ runbooksDir: f.runbooks, stateDir: join(f.dir, 'killed') }, 1, SCRIPT);
  await triager.warm();
  const [first] = triagePids();
  const running = triager.triage(alert('tp2'), 'tp2', slow('5'));
  await new Promise((r) => setTimeout(r, 300));
  process.kill(first!, 'SIGKILL');
  expect(await running).toMatchObject({ fingerprint: 'tp2', runbook: { id: 'SRV-001' }, problem: 'the triage process stopped (signal SIGKILL)' });
  const next = await triager.triage(alert('tp3'), 'tp3', slow('0'));
  expect(next).toMatchObject({ fingerprint: 'tp3', outcome: 'rehearsed' });
  expect(triagePids()).not.toContain(first);
});

test('interrupt ends a running triage as interrupted; close() leaves no triage process', async () => {
  const state = join(f.dir, 'interrupted');
  triager = new ProcessTriager({ runbooksDir: f.runbooks, stateDir: state }, 2, SCRIPT);
  await triager.warm();
  expect(triagePids()).toHaveLength(2);
  const running = triager.triage(alert('tp4'), 'tp4', slow('5'));
  // The engine exists once the journal does: from then on an interrupt reaches it.
  for (let i = 0; i < 100 && !journals(state).some((j) => j.some((e) => e.type === 'step-started')); i++) await new Promise((r) => setTimeout(r, 50));
  triager.interrupt('SIGTERM');
  const v = await running;
  expect(v.outcome).toBe('interrupted');
  expect(journals(state)[0]!.at(-1)).toMatchObject({ type: 'run-finished', outcome: 'interrupted' });
  await triager.close();
  triager = undefined;
  expect(triagePids()).toEqual([]);
});
