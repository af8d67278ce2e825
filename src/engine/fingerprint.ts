// Fingerprints of secret values for the journal: resume can tell the same
// value from another without the journal holding it. Keyed (HMAC-SHA-256 with
// a random key kept 0600 next to the journals), so a journal alone reveals
// nothing: a plain hash of a short secret is found by trying them all.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { makeDirs } from './journal.js';

const KEY_FILE = '.fingerprint-key';

/** The key of a journal directory, made on first use (0600). */
export function fingerprintKey(dir: string): Buffer {
  const file = join(dir, KEY_FILE);
  try {
    const key = readFileSync(file);
    if (key.length >= 32) return key;
  } catch {
    /* none yet */
  }
  makeDirs(dir);
  const key = randomBytes(32);
  try {
    // wx: two runs starting together keep one key, the one written first.
    const fd = openSync(file, 'wx', 0o600);
    writeSync(fd, key);
    closeSync(fd);
    return key;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(file);
    throw e;
  }
}

export function secretDigest(runId: string, value: string, key: Buffer): string {
  return `hmac-sha256:${createHmac('sha256', key).update(`${runId}\0${value}`).digest('hex')}`;
}

/** Does `value` match a journaled fingerprint (keyed, or the older salted hash)? */
export function digestMatches(digest: string, runId: string, value: string, key: Buffer): boolean {
  if (digest.startsWith('sha256:')) return digest === `sha256:${createHash('sha256').update(`${runId}\0${value}`).digest('hex')}`;
  return digest === secretDigest(runId, value, key);
}
