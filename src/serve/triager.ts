// Where triages run. Inline, on the receiver's own event loop (a library
// caller, the in-process tests), or in triage processes, one per --concurrency
// slot, which is what `oncall serve` uses. A triage does synchronous work — the
// journal's fdatasync per event, fork+exec of kubectl from a process of a few
// hundred MB, YAML and shell parsing — that held the receiver's event loop for
// up to 380 ms at a time under bench/serve.mjs's alert storm, and every request
// behind it (p99 1 s). Worker threads were not enough: a fork from any thread
// stalls the whole process's memory, and on two cores the triages starved the
// receiver of CPU. So triages get processes of their own, at a lower CPU
// priority (nice 10, which the commands they start inherit): the receiver only
// parses, claims and queues, and answers first.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { IncomingAlert } from '../alerts/payload.js';
import { triageAlert, type RunningTriage, type TriageSetup, type TriageTarget } from './triage.js';
import { emptyVerdict, type Verdict } from './verdict.js';

export interface Triager {
  /** Starts now what the first triage would otherwise wait for. */
  warm(): Promise<void>;
  /** Never rejects: what went wrong is the verdict's `problem`. */
  triage(alert: IncomingAlert, fingerprint: string, target: TriageTarget): Promise<Verdict>;
  /** Interrupts every running triage; their journals end `interrupted`. */
  interrupt(cause: string): void;
  close(): Promise<void>;
}

export class InlineTriager implements Triager {
  private readonly running = new Set<RunningTriage>();

  constructor(private readonly setup: TriageSetup) {}

  async warm(): Promise<void> {}

  async triage(alert: IncomingAlert, fingerprint: string, target: TriageTarget): Promise<Verdict> {
    const running: RunningTriage = {};
    this.running.add(running);
    try {
      return await triageAlert(this.setup, alert, fingerprint, target, running);
    } finally {
      this.running.delete(running);
    }
  }

  interrupt(cause: string): void {
    for (const t of this.running) t.engine?.interrupt(cause);
  }

  async close(): Promise<void> {}
}

/** Receiver → triage process. */
export type ToTriage = { type: 'triage'; id: number; alert: IncomingAlert; fingerprint: string; target: TriageTarget } | { type: 'interrupt'; cause: string };
/** Triage process → receiver. */
export type FromTriage = { type: 'ready' } | { type: 'verdict'; id: number; verdict: Verdict };

/** How much lower than the receiver a triage process (and what it starts) runs. */
export const TRIAGE_NICENESS = 10;

interface Job {
  id: number;
  alert: IncomingAlert;
  fingerprint: string;
  target: TriageTarget;
  done: (v: Verdict) => void;
}

interface Slot {
  child: ChildProcess;
  ready: boolean;
  job?: Job;
}

function problemVerdict(alert: IncomingAlert, fingerprint: string, target: TriageTarget, problem: string): Verdict {
  return { ...emptyVerdict(alert.name, fingerprint), runbook: target.runbook, command: target.command, problem };
}

/** One triage at a time per process; a process that dies fails its triage (the verdict says so) and is replaced. */
export class ProcessTriager implements Triager {
  private readonly slots = new Set<Slot>();
  private readonly idle: Slot[] = [];
  private readonly waiting: Array<(slot: Slot | undefined) => void> = [];
  private nextId = 0;
  private closed = false;

  constructor(
    private readonly setup: TriageSetup,
    private readonly size: number,
    private readonly script: string = fileURLToPath(new URL('./triage-process.js', import.meta.url)),
  ) {}

  /** Resolves once every process has loaded and linted the runbooks; rejects when one cannot start. */
  async warm(): Promise<void> {
    const starting: Array<Promise<void>> = [];
    while (this.slots.size < this.size) starting.push(this.start());
    await Promise.all(starting);
  }

  async triage(alert: IncomingAlert, fingerprint: string, target: TriageTarget): Promise<Verdict> {
    if (this.slots.size < this.size && !this.closed) this.start().catch(() => undefined);
    const slot = this.idle.pop() ?? (this.closed ? undefined : await new Promise<Slot | undefined>((r) => this.waiting.push(r)));
    if (!slot) return problemVerdict(alert, fingerprint, target, 'the receiver is stopping');
    return new Promise<Verdict>((done) => {
      slot.job = { id: ++this.nextId, alert, fingerprint, target, done };
      slot.child.send({ type: 'triage', id: slot.job.id, alert, fingerprint, target } satisfies ToTriage);
    });
  }

  interrupt(cause: string): void {
    for (const slot of this.slots) if (slot.job) slot.child.send({ type: 'interrupt', cause } satisfies ToTriage);
  }

  /** Asks each process to exit (it has no triage left: the queue drained first), and waits for it. */
  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.waiting.splice(0)) w(undefined);
    await Promise.all(
      [...this.slots].map(
        (s) =>
          new Promise<void>((resolve) => {
            if (s.child.exitCode !== null || s.child.signalCode !== null) return resolve();
            s.child.once('exit', () => resolve());
            s.child.disconnect();
          }),
      ),
    );
  }

  private start(): Promise<void> {
    // The receiver's own flags (e.g. --cpu-prof) are not passed on; stdout stays the receiver's log;
    // a session of its own, so a terminal's Ctrl-C reaches the receiver, which stops the triages in order.
    const child = fork(this.script, [JSON.stringify(this.setup), String(TRIAGE_NICENESS)], { serialization: 'advanced', execArgv: [], detached: true, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    const slot: Slot = { child, ready: false };
    this.slots.add(slot);
    let failure: string | undefined;
    return new Promise<void>((resolve, reject) => {
      child.on('message', (m: FromTriage) => {
        if (m.type === 'ready') {
          slot.ready = true;
          resolve();
          this.release(slot);
        } else if (m.type === 'verdict' && slot.job?.id === m.id) {
          const job = slot.job;
          slot.job = undefined;
          job.done(m.verdict);
          this.release(slot);
        }
      });
      child.on('error', (e) => (failure = e.message.split('\n')[0]));
      child.on('exit', (code, signal) => {
        const why = failure ?? (signal ? `signal ${signal}` : `exit code ${code}`);
        this.slots.delete(slot);
        const at = this.idle.indexOf(slot);
        if (at >= 0) this.idle.splice(at, 1);
        if (slot.job) slot.job.done(problemVerdict(slot.job.alert, slot.job.fingerprint, slot.job.target, `the triage process stopped (${why})`));
        if (!slot.ready) reject(new Error(`a triage process did not start: ${why}`));
        // Replaced only when it had worked: one that cannot start would be restarted forever.
        else if (!this.closed) this.start().catch(() => undefined);
      });
    });
  }

  private release(slot: Slot): void {
    const next = this.waiting.shift();
    if (next) next(slot);
    else this.idle.push(slot);
  }
}
