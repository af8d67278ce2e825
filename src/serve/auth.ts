// The bearer token check, constant-time: both sides are hashed first so the
// comparison never depends on where (or whether) the lengths differ.
import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';

export function bearerMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(.+)$/i.exec(header ?? '');
  const given = createHash('sha256').update(m ? m[1]!.trim() : '').digest();
  const wanted = createHash('sha256').update(token).digest();
  return timingSafeEqual(given, wanted) && !!m;
}

/** Only the loopback interface may go without a token. */
export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}
