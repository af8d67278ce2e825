// Every disguised write of the corpus, dry-run by the engine itself with lint
// bypassed (the engine is built directly, as no CLI would let this runbook
// through), with every program the script names replaced by a recording shim
// that runs nothing. The engine must judge each rendered command a write and
// only plan it: not one process may be spawned, not even bash.
import { delimiter } from 'node:path';
import { makeEngine } from '../engine/helpers.js';
import { recordCommands, type Recorder } from '../support/record-commands.js';
import { buildDocument, disguisedWrites } from './corpus.js';

/** Every word of the corpus that could name a program, plus the shells the engine spawns. */
const PROGRAMS = [
  ...new Set([
    'bash', 'sh',
    ...disguisedWrites.flatMap((c) => [...c.run.matchAll(/(?:^|[\s;|&(`'"{}$=/])([A-Za-z][\w.+-]*)/g)].map((m) => m[1]!)),
  ]),
].filter((p) => /^[A-Za-z][\w.+-]*$/.test(p));

let rec: Recorder;
beforeAll(() => {
  // All fake: a shim records its argv and exits 0 without running anything.
  rec = recordCommands([], PROGRAMS);
});
afterAll(() => rec.cleanup());

test.each(disguisedWrites.map((c) => [`[${c.class}] ${c.name}`, c] as const))('%s: planned, nothing spawned', async (_label, c) => {
  const before = rec.commands().length;
  // Only the shims on PATH: a program the list missed cannot be found, let alone run.
  const env = { HOME: process.env.HOME, PATH: rec.binDir, KUBECONFIG: '/nonexistent/kubeconfig' };
  const { engine, events } = makeEngine(buildDocument(c).text, { dryRun: true, env });
  const result = await engine.run();
  const finished = events.find((e) => e.type === 'step-finished' && e.stepId === 's') as { status?: string; effect?: string } | undefined;
  const spawned = rec.commands().slice(before);
  expect({ spawned, status: finished?.status, effect: finished?.effect }).toEqual({ spawned: [], status: 'planned', effect: 'write' });
  expect(result.exitCode).not.toBe(3);
  expect(env.PATH.split(delimiter)).toEqual([rec.binDir]);
});
