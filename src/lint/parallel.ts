// Many files: split them between this thread and worker threads (Node
// parses YAML on one core per thread). Files are dealt by size, largest
// first, to the least loaded share; a worker's share counts its start-up.
// Any failure to start or run a worker falls back to linting here.
import { Worker } from 'node:worker_threads';
import { statSync } from 'node:fs';
import { combine, lintEntries, LintPathError, type FileEntry, type FileResult, type LintResult } from './runner.js';

/** What a worker posts back. */
export type WorkerReply = { ok: true; files: FileResult[] } | { ok: false; message: string; pathError: boolean };

/** A worker needs ~100 ms to load the linter; about what this thread lints in that time. */
const WORKER_HEAD_START_BYTES = 256 * 1024;

function share(entries: FileEntry[], workers: number): FileEntry[][] {
  const sized = entries.map((e) => {
    let size = 0;
    try {
      size = statSync(e.abs).size;
    } catch {
      /* reported when read */
    }
    return { e, size };
  });
  sized.sort((a, b) => b.size - a.size);
  const buckets = Array.from({ length: workers + 1 }, (_, i) => ({ load: i === 0 ? 0 : WORKER_HEAD_START_BYTES, items: [] as FileEntry[] }));
  for (const { e, size } of sized) {
    let best = buckets[0]!;
    for (const b of buckets) if (b.load < best.load) best = b;
    best.items.push(e);
    best.load += size + 512;
  }
  return buckets.map((b) => b.items);
}

function runWorker(entries: FileEntry[]): Promise<FileResult[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./worker.js', import.meta.url), {
      workerData: { entries },
      // A larger young generation: parsing allocates many short-lived objects.
      resourceLimits: { maxYoungGenerationSizeMb: 64 },
    });
    let settled = false;
    worker.once('message', (reply: WorkerReply) => {
      settled = true;
      if (reply.ok) resolve(reply.files);
      else reject(reply.pathError ? new LintPathError(reply.message) : new Error(reply.message));
      void worker.terminate();
    });
    worker.once('error', (e) => {
      if (!settled) reject(e);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`lint worker exited with code ${code}`));
    });
  });
}

/** Lints `entries` on this thread and `workers` worker threads; undefined when workers cannot run. */
export async function lintInParallel(entries: FileEntry[], workers: number): Promise<LintResult | undefined> {
  const [mine = [], ...theirs] = share(entries, workers);
  const started = theirs.filter((b) => b.length).map((b) => ({ entries: b, result: runWorker(b) }));
  // Avoid unhandled rejections while this thread is busy with its own share.
  started.forEach((s) => s.result.catch(() => undefined));
  const files: FileResult[] = (await lintEntries(mine)).files;
  for (const s of started) {
    try {
      files.push(...(await s.result));
    } catch (e) {
      if (e instanceof LintPathError) throw e;
      // The worker could not run (no compiled worker, resource limits…): do its share here.
      if (process.env.ONCALL_DEBUG) process.stderr.write(`oncall: lint worker failed (${(e as Error).message}); linting its files here\n`);
      files.push(...(await lintEntries(s.entries)).files);
    }
  }
  return combine(files);
}
