// Engine benchmarks (run after `npx tsc -p tsconfig.build.json`):
//  1. A detect stage of N independent reads (fixture sleeps of different
//     lengths) takes about the slowest read, not their sum.
//  2. Engine overhead per step: 200 no-op in-process steps through the engine
//     vs a loop calling the same step type directly.
// Prints one JSON object.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Engine, JournalWriter, NonInteractivePrompter, resolveParams } from '../dist/engine/index.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SLOW = join(ROOT, 'test/fixtures/scripts/slow.sh');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function runbookWith(detect, resolve = []) {
  return { id: 'BENCH-001', title: 'bench', severity: 'SEV-4', alerts: [{ alertname: 'Bench' }], stages: { detect: { steps: detect }, resolve: { steps: resolve } } };
}

async function runEngine(runbook, { stepTypes, journal } = {}) {
  const engine = new Engine({
    runId: 'BENCH-001-20261122T041500Z-0000',
    runbook,
    file: 'bench.yaml',
    hash: 'sha256:bench',
    params: resolveParams(runbook, [], {}),
    prompter: new NonInteractivePrompter(),
    stepTypes,
    env: process.env,
  });
  let writer;
  if (journal) {
    writer = new JournalWriter(journal, true).open();
    engine.subscribe((e) => writer.write(e), { critical: true });
  }
  const t0 = performance.now();
  const result = await engine.run();
  const ms = performance.now() - t0;
  writer?.close();
  if (result.exitCode !== 0) throw new Error(`bench run failed: ${result.message}`);
  return ms;
}

// 1. Parallel reads.
const N = 8;
const sleepsMs = Array.from({ length: N }, (_, i) => 100 * (i + 1)); // 100 … 800 ms
const sleeps = sleepsMs.map((ms) => ms / 1000);
const parallel = runbookWith(sleeps.map((s, i) => ({ id: `read-${i}`, effect: 'read', run: [SLOW, String(s)] })));
await runEngine(parallel); // warm-up: execa import, CEL
const stageRuns = [];
for (let i = 0; i < 3; i++) stageRuns.push(await runEngine(parallel));
const stageMs = median(stageRuns);
const slowestMs = Math.max(...sleepsMs);
const sumMs = sleepsMs.reduce((a, b) => a + b, 0);
// The cost of one spawn of the slowest read alone, for an honest baseline.
const alone = median(await (async () => {
  const out = [];
  for (let i = 0; i < 3; i++) out.push(await runEngine(runbookWith([{ id: 'only', effect: 'read', run: [SLOW, String(Math.max(...sleeps))] }])));
  return out;
})());

// 2. Per-step overhead with a no-op in-process step type.
const noop = { name: 'bench.noop', description: 'no-op', effect: 'read', inputSchema: {}, run: async () => ({ ok: true, result: { n: 1 }, summary: 'ok' }) };
const stepTypes = (name) => (name === 'bench.noop' ? noop : undefined);
const STEPS = 200;
const independent = runbookWith(Array.from({ length: STEPS }, (_, i) => ({ id: `s${i}`, effect: 'read', check: 'bench.noop', with: { i } })));
// Chained: each step's `when` reads the previous result (no batching, one CEL evaluation per step).
const chained = runbookWith(
  Array.from({ length: STEPS }, (_, i) => ({ id: `s${i}`, effect: 'read', check: 'bench.noop', with: { i: `\${{ ${i} }}` }, ...(i ? { when: `steps.s${i - 1}.result.n == 1` } : {}) })),
);
const ctx = { signal: new AbortController().signal, timeoutMs: 60000, env: process.env, progress() {} };
async function directLoop() {
  const t0 = performance.now();
  for (let i = 0; i < STEPS; i++) await noop.run(ctx, { i });
  return performance.now() - t0;
}
const tmp = mkdtempSync(join(tmpdir(), 'oncall-bench-'));
const measure = async (fn, reps = 5) => {
  await fn();
  const out = [];
  for (let i = 0; i < reps; i++) out.push(await fn());
  return median(out);
};
const loopMs = await measure(directLoop);
const independentMs = await measure(() => runEngine(independent, { stepTypes }));
const chainedMs = await measure(() => runEngine(chained, { stepTypes }));
let j = 0;
const journaledMs = await measure(() => runEngine(chained, { stepTypes, journal: join(tmp, `run-${j++}.jsonl`) }));
rmSync(tmp, { recursive: true, force: true });

const perStep = (ms) => +((ms - loopMs) / STEPS).toFixed(3);
console.log(
  JSON.stringify(
    {
      parallelReads: {
        n: N,
        sleepsMs,
        slowestMs,
        sumMs,
        slowestAloneThroughEngineMs: +alone.toFixed(1),
        stageMs: +stageMs.toFixed(1),
        overSlowestMs: +(stageMs - slowestMs).toFixed(1),
        ratioToSum: +(stageMs / sumMs).toFixed(3),
        target: 'stageMs ≈ slowestMs + 50',
      },
      overhead: {
        steps: STEPS,
        directLoopMs: +loopMs.toFixed(2),
        engineIndependentMs: +independentMs.toFixed(1),
        engineChainedMs: +chainedMs.toFixed(1),
        engineChainedJournalFsyncMs: +journaledMs.toFixed(1),
        perStepMs: { independent: perStep(independentMs), chained: perStep(chainedMs), chainedWithJournal: perStep(journaledMs) },
        target: 'perStepMs < 5',
      },
    },
    null,
    2,
  ),
);
