// Redis glob semantics (util.c stringmatchlen): `*`, `?`, `[abc]`, `[^a-z]`,
// and `\` escaping. Used to reason about a pattern before sending it, never
// to filter keys (the server's MATCH does that).

export function globMatch(pattern: string, text: string): boolean {
  return matchFrom(pattern, 0, text, 0);
}

function matchFrom(p: string, pi: number, s: string, si: number): boolean {
  while (pi < p.length) {
    const c = p[pi]!;
    if (c === '*') {
      while (p[pi + 1] === '*') pi++;
      if (pi + 1 === p.length) return true;
      for (let k = si; k <= s.length; k++) if (matchFrom(p, pi + 1, s, k)) return true;
      return false;
    }
    if (si >= s.length) return false;
    if (c === '?') {
      pi++;
      si++;
      continue;
    }
    if (c === '[') {
      const r = matchClass(p, pi + 1, s[si]!);
      if (!r.matched) return false;
      pi = r.next;
      si++;
      continue;
    }
    let lit = c;
    if (c === '\\' && pi + 1 < p.length) lit = p[++pi]!;
    if (lit !== s[si]) return false;
    pi++;
    si++;
  }
  return si === s.length;
}

function matchClass(p: string, pi: number, ch: string): { matched: boolean; next: number } {
  let not = false;
  if (p[pi] === '^') {
    not = true;
    pi++;
  }
  let hit = false;
  while (pi < p.length && p[pi] !== ']') {
    if (p[pi] === '\\' && pi + 1 < p.length) {
      if (p[pi + 1] === ch) hit = true;
      pi += 2;
    } else if (p[pi + 1] === '-' && pi + 2 < p.length && p[pi + 2] !== ']') {
      let lo = p[pi]!;
      let hi = p[pi + 2]!;
      if (lo > hi) [lo, hi] = [hi, lo];
      if (ch >= lo && ch <= hi) hit = true;
      pi += 3;
    } else {
      if (p[pi] === ch) hit = true;
      pi++;
    }
  }
  // An unterminated class ends the pattern, as in Redis.
  return { matched: not ? !hit : hit, next: pi < p.length ? pi + 1 : pi };
}

/** True when the pattern has no literal character: it matches (nearly) every key. */
export function matchesEverything(pattern: string): boolean {
  return /^[*?]*$/.test(pattern);
}

/**
 * True when every key that starts with `prefix` matches `pattern` (keys of at
 * least a few characters after the prefix: "session:?*" counts as covering).
 * A pattern covers all of `prefix…` when it ends in `*` and what comes before
 * that star can match some beginning of "prefix + any characters".
 */
export function coversPrefix(pattern: string, prefix: string): boolean {
  let q = pattern;
  let stars = 0;
  while (q.endsWith('*') && !q.endsWith('\\*')) {
    q = q.slice(0, -1);
    stars++;
  }
  if (stars === 0) return false;
  const wild = (q.match(/\?/g) ?? []).length;
  // U+0001 stands for "any character": it satisfies `?` and `*` but no literal or plain class.
  const probe = prefix + '\u0001'.repeat(wild);
  for (let k = 0; k <= probe.length; k++) if (globMatch(q, probe.slice(0, k))) return true;
  return false;
}
