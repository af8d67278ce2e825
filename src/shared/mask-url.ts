// Passwords inside URLs, masked the one way every layer shows them:
// scheme://user:PASSWORD@host → scheme://user:***@host, ?password=… → ***.
// The text is kept as written otherwise (no URL normalisation). Imports nothing.

export const MASK = '***';

// scheme://user:password@host — the user part may be empty (redis://:pw@h).
export const URL_PASSWORD = /([a-z][a-z0-9+.-]*:\/\/[^\s:@/"'`]*:)([^\s@/"'`]+)@/gi;
// ?password=… in URLs.
const URL_PASSWORD_QUERY = /([?&]password=)[^&\s"'`]+/gi;

/** Every URL password in `text` (a URL or text that holds URLs) masked. */
export function maskUrl(text: string): string {
  if (!text.includes('://') && !/[?&]password=/i.test(text)) return text;
  return text.replace(URL_PASSWORD, `$1${MASK}@`).replace(URL_PASSWORD_QUERY, `$1${MASK}`);
}
