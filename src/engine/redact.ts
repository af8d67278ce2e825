// Secrets are removed by value before any subscriber sees an event: the
// terminal, the --json stream and the journal all receive the same redacted
// copy. Values of secret parameters (and of their environment variables), and
// passwords inside URLs (scheme://user:PASSWORD@host) are replaced by ***.

import { MASK, maskUrl, URL_PASSWORD } from '../shared/mask-url.js';

export { MASK };

export class Redactor {
  private secrets: string[] = [];

  constructor(secrets: Iterable<string> = []) {
    for (const s of secrets) this.add(s);
  }

  /** Registers a secret value and the spellings it travels in: URL-encoded,
   *  JSON-escaped (an error message quoting it), base64 (a Kubernetes secret). */
  add(value: string | undefined | null): void {
    if (value === undefined || value === null) return;
    const s = String(value);
    if (!s || s === MASK) return;
    const variants = new Set([s, JSON.stringify(s).slice(1, -1), JSON.stringify(JSON.stringify(s)).slice(3, -3)]);
    try {
      variants.add(encodeURIComponent(s));
    } catch {
      /* lone surrogates: the raw form is still masked */
    }
    if (s.length >= 4) variants.add(Buffer.from(s, 'utf8').toString('base64').replace(/=+$/, ''));
    for (const v of variants) if (!this.secrets.includes(v)) this.secrets.push(v);
    // Longest first, so a secret that contains another is masked whole.
    this.secrets.sort((a, b) => b.length - a.length);
  }

  /** Registers the password of every URL found in `text`. */
  addUrlPasswords(text: string): void {
    for (const m of text.matchAll(URL_PASSWORD)) {
      this.add(m[2]);
      try {
        this.add(decodeURIComponent(m[2]!));
      } catch {
        /* keep the raw form */
      }
    }
  }

  string(text: string): string {
    let out = text;
    out = maskUrl(out);
    for (const s of this.secrets) if (out.includes(s)) out = out.split(s).join(MASK);
    return out;
  }

  /** A redacted deep copy (plain data only: what events carry). */
  value<T>(value: T): T {
    return this.walk(value, 0) as T;
  }

  private walk(value: unknown, depth: number): unknown {
    if (typeof value === 'string') return this.string(value);
    if (value === null || typeof value !== 'object') return value;
    // Deeper than any real result: the rest is redacted as JSON text, never passed raw.
    if (depth > 64) return this.string(JSON.stringify(value));
    if (Array.isArray(value)) return value.map((v) => this.walk(v, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[this.string(k)] = this.walk(v, depth + 1);
    return out;
  }
}
