// Who triages a fingerprint. A claim is taken before a triage is queued and
// held while it runs (with an expiry, so a replica that dies mid-triage lets
// go); a finished triage keeps the fingerprint for the dedupe window, so
// Alertmanager's retries and repeats of the same alert triage nothing new.
// One replica keeps this in memory; several share it through Redis SET NX PX.
import { randomBytes } from 'node:crypto';

export interface Claims {
  /** Claims the shared store could not answer (decided here alone). */
  readonly errors: number;
  /** Known here, without asking anyone: a triage of `fingerprint` runs or ran recently. */
  held(fingerprint: string): boolean;
  /** True: this caller triages `fingerprint`; false: a triage runs or ran recently. */
  claim(fingerprint: string): Promise<boolean>;
  /** The triage finished (either way): keep the fingerprint for the window. */
  finish(fingerprint: string): Promise<void>;
  /** The triage never started (queue full, shutdown): let the next delivery have it. */
  release(fingerprint: string): Promise<void>;
  close(): Promise<void>;
}

export interface ClaimTimes {
  /** How long a running claim lasts before it is presumed dead. */
  runningMs: number;
  /** How long a finished triage keeps its fingerprint. */
  windowMs: number;
}

/** Fingerprints held until a time: what one replica knows without asking anyone. */
class Holds {
  private readonly until = new Map<string, number>();

  constructor(private readonly now: () => number) {}

  held(fp: string): boolean {
    const t = this.until.get(fp);
    return t !== undefined && t > this.now();
  }

  hold(fp: string, forMs: number, from = this.now()): void {
    this.sweep();
    this.until.set(fp, from + forMs);
  }

  drop(fp: string): void {
    this.until.delete(fp);
  }

  /** Expired entries go, so a long-lived receiver does not grow without end. */
  private sweep(): void {
    if (this.until.size < 1024) return;
    const t = this.now();
    for (const [k, v] of this.until) if (v <= t) this.until.delete(k);
  }
}

export class MemoryClaims implements Claims {
  readonly errors = 0;
  private readonly holds: Holds;

  constructor(
    private readonly times: ClaimTimes,
    now: () => number = Date.now,
  ) {
    this.holds = new Holds(now);
  }

  held(fp: string): boolean {
    return this.holds.held(fp);
  }

  async claim(fp: string): Promise<boolean> {
    if (this.holds.held(fp)) return false;
    this.holds.hold(fp, this.times.runningMs);
    return true;
  }

  async finish(fp: string): Promise<void> {
    this.holds.hold(fp, this.times.windowMs);
  }

  async release(fp: string): Promise<void> {
    this.holds.drop(fp);
  }

  async close(): Promise<void> {}
}

// One round trip, atomic: claimed ("OK"); a triage finished elsewhere (the ms
// its window has left: nobody deletes a finished claim, so this replica may
// remember it that long); or one running elsewhere (nil: it may be released).
const CLAIM = `local held = redis.call('GET', KEYS[1])
if not held then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 'OK' end
if string.sub(held, -5) == ':done' then return redis.call('PTTL', KEYS[1]) end
return false`;
// Only the replica that holds the claim may change it: a claim that expired
// and was taken by another replica is not overwritten or deleted.
const FINISH = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('SET', KEYS[1], ARGV[1] .. ':done', 'PX', ARGV[2]) else return nil end`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

interface ClaimScripts {
  claimFingerprint(key: string, value: string, runningMs: number): Promise<string | number | null>;
  finishClaim(key: string, value: string, windowMs: number): Promise<string | null>;
  releaseClaim(key: string, value: string): Promise<number>;
  quit(): Promise<unknown>;
  disconnect(): void;
}

/** Claims shared by replicas through Redis. What this replica knows for certain
 *  (a claim it holds, a window it or another replica finished) it answers
 *  itself: under an alert storm most deliveries repeat fingerprints, and each
 *  round trip to a busy Redis is time the request waits. */
export class RedisClaims implements Claims {
  /** This replica's claims: fingerprint → the value it set. */
  private readonly mine = new Map<string, string>();
  private readonly replica = randomBytes(6).toString('hex');
  private readonly holds = new Holds(Date.now);

  private constructor(
    private readonly redis: ClaimScripts,
    private readonly prefix: string,
    private readonly times: ClaimTimes,
  ) {}

  static async connect(url: string, prefix: string, times: ClaimTimes): Promise<RedisClaims> {
    const { Redis } = await import('ioredis');
    const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2, connectTimeout: 5000, enableOfflineQueue: false });
    redis.on('error', () => undefined); // each command reports its own failure
    // EVALSHA, with ioredis loading a script the server does not have yet.
    redis.defineCommand('claimFingerprint', { numberOfKeys: 1, lua: CLAIM });
    redis.defineCommand('finishClaim', { numberOfKeys: 1, lua: FINISH });
    redis.defineCommand('releaseClaim', { numberOfKeys: 1, lua: RELEASE });
    await redis.connect();
    return new RedisClaims(redis as unknown as ClaimScripts, prefix, times);
  }

  /** Claims Redis could not answer; those were decided by this replica alone. */
  errors = 0;

  held(fp: string): boolean {
    return this.holds.held(fp);
  }

  async claim(fp: string): Promise<boolean> {
    if (this.holds.held(fp)) return false;
    const value = `${this.replica}:${randomBytes(4).toString('hex')}`;
    // Timed from before the request: Redis's expiry starts later, so this one ends first.
    const sentAt = Date.now();
    let answer: string | number | null;
    try {
      answer = await this.redis.claimFingerprint(this.prefix + fp, value, this.times.runningMs);
    } catch {
      // Redis down must not mean no triage at all: this replica decides alone (another
      // replica may triage the same alert: a second post, never a lost alert).
      this.errors++;
      this.holds.hold(fp, this.times.runningMs, sentAt);
      return true;
    }
    if (typeof answer === 'number' && answer > 0) this.holds.hold(fp, answer, sentAt);
    if (answer !== 'OK') return false;
    this.mine.set(fp, value);
    this.holds.hold(fp, this.times.runningMs, sentAt);
    return true;
  }

  async finish(fp: string): Promise<void> {
    const value = this.mine.get(fp);
    this.mine.delete(fp);
    const sentAt = Date.now();
    try {
      // Not ours in Redis (decided here while it was down): the window is this replica's alone.
      if (!value || (await this.redis.finishClaim(this.prefix + fp, value, this.times.windowMs)) === 'OK') this.holds.hold(fp, this.times.windowMs, sentAt);
      else this.holds.drop(fp); // expired and taken by another replica: theirs now
    } catch (e) {
      this.holds.hold(fp, this.times.windowMs, sentAt);
      throw e;
    }
  }

  async release(fp: string): Promise<void> {
    const value = this.mine.get(fp);
    this.mine.delete(fp);
    this.holds.drop(fp);
    if (value) await this.redis.releaseClaim(this.prefix + fp, value);
  }

  async close(): Promise<void> {
    try {
      await this.redis.quit();
    } catch {
      this.redis.disconnect();
    }
  }
}
