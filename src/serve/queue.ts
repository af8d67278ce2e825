// A bounded work queue: at most `concurrency` jobs run, at most `capacity`
// wait. `offer` says no at once when it is full, so the HTTP handler can answer
// 503 instead of holding the request.

export type Job = () => Promise<void>;

export interface Reservation {
  /** Takes the job into a reserved place; false once the queue closed (or no place is left). */
  offer(job: Job): boolean;
  /** One reserved place is not needed after all. */
  cancel(): void;
}

export class BoundedQueue {
  private readonly waiting: Job[] = [];
  private active = 0;
  /** Places promised to jobs that are not here yet (see `reserve`). */
  private reserved = 0;
  private idleWaiters: Array<() => void> = [];
  private closed = false;

  constructor(
    private readonly concurrency: number,
    private readonly capacity: number,
  ) {}

  get depth(): number {
    return this.waiting.length;
  }

  get running(): number {
    return this.active;
  }

  /** Room for `n` more jobs (a payload's alerts are taken all or none). */
  hasRoom(n = 1): boolean {
    return !this.closed && this.waiting.length + this.reserved + n <= this.capacity + Math.max(0, this.concurrency - this.active);
  }

  /** False when full or closed: the job was not taken. */
  offer(job: Job): boolean {
    if (!this.hasRoom()) return false;
    this.waiting.push(job);
    this.pump();
    return true;
  }

  /** Holds `n` places for jobs that come later (a request answered before its
   *  claims are back); each is then taken or given back, once. */
  reserve(n: number): Reservation {
    this.reserved += n;
    let left = n;
    const giveBack = (): boolean => {
      if (left === 0) return false;
      left--;
      this.reserved--;
      return true;
    };
    return {
      offer: (job) => giveBack() && this.offer(job),
      cancel: () => void giveBack(),
    };
  }

  /** Takes no more jobs and resolves when every taken job has finished. */
  drain(): Promise<void> {
    this.closed = true;
    if (this.active === 0 && this.waiting.length === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  /** Jobs not started yet, removed (a shutdown that cannot wait for them). */
  takeWaiting(): Job[] {
    return this.waiting.splice(0);
  }

  private pump(): void {
    while (this.active < this.concurrency && this.waiting.length) {
      const job = this.waiting.shift()!;
      this.active++;
      // Started on a later turn, so the request that queued it is answered first.
      void new Promise<void>((r) => setImmediate(r))
        .then(job)
        .catch(() => undefined)
        .finally(() => {
          this.active--;
          this.pump();
          if (this.active === 0 && this.waiting.length === 0) this.idleWaiters.splice(0).forEach((r) => r());
        });
    }
  }
}
