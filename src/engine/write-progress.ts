// How far an interrupted or failed write got, in words the operator can act on:
// "interrupted after deleting 715,000 of ~1,285,000 keys". The total is the
// plan's estimate, counted before approval, so it is approximate.
import { fmtInt } from '../shared/format.js';
import type { WorkDone } from '../steps/types.js';

export interface WriteProgress extends WorkDone {
  /** The plan's count, when it had one. */
  total?: number;
}

/** "deleting 715,000 of ~1,285,000 keys" */
export function describeProgress(p: WriteProgress): string {
  const of = p.total !== undefined ? ` of ~${fmtInt(p.total)}` : '';
  return `${p.doing} ${fmtInt(p.done)}${of} ${p.unit}`;
}

/** The step summary once a write stopped part-way. */
export function stoppedPartWay(p: WriteProgress, interrupted: boolean, why: string): string {
  return interrupted ? `interrupted after ${describeProgress(p)}` : `${why} (after ${describeProgress(p)})`;
}
