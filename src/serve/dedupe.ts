// Who triages a fingerprint. A claim is taken before a triage is queued and
// held while it runs (with an expiry, so a replica that dies mid-triage lets
// go); a finished triage keeps the fingerprint for the dedupe window, so
// Alertmanager's retries and repeats of the same alert triage nothing new.
// One replica keeps this in memory; several share it through Redis SET NX PX.
import { randomBytes } from 'node:crypto';

export interface Claims {
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

export class MemoryClaims implements Claims {
  private readonly until = new Map<string, number>();

  constructor(
    private readonly times: ClaimTimes,
    private readonly now: () => number = Date.now,
  ) {}

  async claim(fp: string): Promise<boolean> {
    const t = this.now();
    const held = this.until.get(fp);
    if (held !== undefined && held > t) return false;
    this.sweep(t);
    this.until.set(fp, t + this.times.runningMs);
    return true;
  }

  async finish(fp: string): Promise<void> {
    this.until.set(fp, this.now() + this.times.windowMs);
  }

  async release(fp: string): Promise<void> {
    this.until.delete(fp);
  }

  async close(): Promise<void> {}

  /** Expired entries go, so a long-lived receiver does not grow without end. */
  private sweep(t: number): void {
    if (this.until.size < 1024) return;
    for (const [k, v] of this.until) if (v <= t) this.until.delete(k);
  }
}

// Only the replica that holds the claim may change it: a claim that expired
// and was taken by another replica is not overwritten or deleted.
const FINISH = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('SET', KEYS[1], ARGV[1] .. ':done', 'PX', ARGV[2]) else return nil end`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

interface RedisLike {
  set(key: string, value: string, px: 'PX', ms: number, nx: 'NX'): Promise<string | null>;
  eval(script: string, keys: number, ...args: Array<string | number>): Promise<unknown>;
  quit(): Promise<unknown>;
  disconnect(): void;
}

export class RedisClaims implements Claims {
  /** This replica's claims: fingerprint → the value it set. */
  private readonly mine = new Map<string, string>();
  private readonly replica = randomBytes(6).toString('hex');

  private constructor(
    private readonly redis: RedisLike,
    private readonly prefix: string,
    private readonly times: ClaimTimes,
  ) {}

  static async connect(url: string, prefix: string, times: ClaimTimes): Promise<RedisClaims> {
    const { Redis } = await import('ioredis');
    const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2, connectTimeout: 5000, enableOfflineQueue: false });
    redis.on('error', () => undefined); // each command reports its own failure
    await redis.connect();
    return new RedisClaims(redis as unknown as RedisLike, prefix, times);
  }

  async claim(fp: string): Promise<boolean> {
    const value = `${this.replica}:${randomBytes(4).toString('hex')}`;
    const ok = await this.redis.set(this.prefix + fp, value, 'PX', this.times.runningMs, 'NX');
    if (ok !== 'OK') return false;
    this.mine.set(fp, value);
    return true;
  }

  async finish(fp: string): Promise<void> {
    const value = this.mine.get(fp);
    this.mine.delete(fp);
    if (value) await this.redis.eval(FINISH, 1, this.prefix + fp, value, this.times.windowMs);
  }

  async release(fp: string): Promise<void> {
    const value = this.mine.get(fp);
    this.mine.delete(fp);
    if (value) await this.redis.eval(RELEASE, 1, this.prefix + fp, value);
  }

  async close(): Promise<void> {
    try {
      await this.redis.quit();
    } catch {
      this.redis.disconnect();
    }
  }
}
