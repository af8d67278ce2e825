// Where a report's runbook and process come from: the file the journal names,
// else the runbook of that id in the runbooks directory. A runbook that is
// gone still gives a report, just without its prevention items.
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import type { RunbookRef } from '../engine/events.js';
import { asProcess, asRunbook, loadFile } from '../runbook/load.js';
import { findRunbook, processFile } from '../runbook/registry.js';
import type { Process, Runbook } from '../runbook/types.js';

export interface ReportSources {
  runbook?: Runbook;
  runbookMissing?: string;
  process?: Process;
}

export function loadReportSources(ref: RunbookRef, runbooksDir: string): ReportSources {
  const out: ReportSources = {};
  try {
    const file = existsSync(ref.file) ? ref.file : findRunbook(runbooksDir, ref.id).file;
    const loaded = loadFile(file);
    if (loaded.kind === 'runbook' && loaded.value && !loaded.diagnostics.length) out.runbook = asRunbook(loaded);
    else out.runbookMissing = `${file} is not a valid runbook`;
  } catch {
    out.runbookMissing = `runbook ${ref.id} not found at ${ref.file} nor in ${runbooksDir}`;
  }
  // The process file sits beside the runbook, else in the runbooks directory.
  for (const dir of [dirname(ref.file), runbooksDir]) {
    const file = processFile(dir);
    if (!file) continue;
    try {
      const loaded = loadFile(file);
      if (loaded.kind === 'process' && !loaded.diagnostics.length) {
        out.process = asProcess(loaded);
        break;
      }
    } catch {
      /* an unreadable process file only costs the severity's wording */
    }
  }
  return out;
}
