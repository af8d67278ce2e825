// A triage process of `oncall serve` (see triager.ts): started by the receiver
// with the setup and a niceness as arguments, it lowers its own CPU priority,
// lints the runbooks once, says it is ready, then runs one triage at a time as
// the receiver sends them over IPC and sends back each verdict.
import { readdirSync, readFileSync } from 'node:fs';
import { setPriority } from 'node:os';
import { loadAll } from '../cli/catalog-loader.js';
import { lintOnce, triageAlert, type RunningTriage, type TriageSetup } from './triage.js';
import type { FromTriage, ToTriage } from './triager.js';

/** Linux keeps a nice value per thread: V8's and libuv's threads, started before
 *  this line, would stay at the receiver's priority (GC and compilation compete
 *  with it), so each thread is lowered, not only this one. */
function lowerPriority(niceness: number): void {
  let threads: number[] = [];
  try {
    threads = readdirSync('/proc/self/task').map(Number);
  } catch {
    /* no /proc: this thread, and what it starts from now on */
  }
  for (const tid of threads.length ? threads : [0]) {
    try {
      setPriority(tid, niceness);
    } catch {
      /* not allowed here: same priority, same behaviour */
    }
  }
}

lowerPriority(Number(process.argv[3] ?? 0));
const setup = JSON.parse(process.argv[2]!) as TriageSetup;
let current: RunningTriage | undefined;
let disconnected = false;
const send = (m: FromTriage): void => void (process.connected && process.send!(m));

// The receiver is gone: end the running triage as interrupted, then go.
process.on('disconnect', () => {
  disconnected = true;
  if (current) current.engine?.interrupt('the receiver stopped');
  else process.exit(0);
});

process.on('message', (m: ToTriage) => {
  if (m.type === 'interrupt') {
    current?.engine?.interrupt(m.cause);
    return;
  }
  const running: RunningTriage = {};
  current = running;
  void triageAlert(setup, m.alert, m.fingerprint, m.target, running).then((verdict) => {
    current = undefined;
    send({ type: 'verdict', id: m.id, verdict });
    if (disconnected) process.exit(0);
  });
});

// A runbook failing lint is reported by the receiver's warm-up; here it only must not stop the start.
for (const { file } of loadAll(setup.runbooksDir).runbooks) await lintOnce(file, readFileSync(file, 'utf8')).catch(() => undefined);
send({ type: 'ready' });
