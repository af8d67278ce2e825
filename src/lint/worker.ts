// A lint worker thread: lints the files it was given and posts the results.
// Only the text of files with diagnostics travels back (for the excerpts).
import { parentPort, workerData } from 'node:worker_threads';
import { lintEntries } from './runner.js';
import type { WorkerReply } from './parallel.js';
import type { FileEntry } from './runner.js';

const { entries } = workerData as { entries: FileEntry[] };

lintEntries(entries)
  .then((result) => {
    const files = result.files.map((f) => ({ ...f, text: f.diagnostics.length ? f.text : '' }));
    parentPort!.postMessage({ ok: true, files } satisfies WorkerReply);
  })
  .catch((e: unknown) => {
    parentPort!.postMessage({ ok: false, message: (e as Error).message ?? String(e), pathError: (e as Error).name === 'LintPathError' } satisfies WorkerReply);
  });
