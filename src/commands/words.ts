// Reading argv words safely: a word whose value is only known at run time
// never matches a verb, and may be a flag unless its known start says not.
import type { Finding, Word } from './types.js';

/** The word's value when it is fully known. */
export const lit = (w: Word | undefined): string | undefined => (w && w.known ? w.value : undefined);

/** Could the shell make this word start with "-"? */
export const mayBeFlag = (w: Word): boolean => (w.known ? w.value.startsWith('-') && w.value.length > 1 : w.value === '' || w.value.startsWith('-'));

export const write = (what: string, word: Word): Finding[] => [{ kind: 'write', what, word }];
export const opaque = (what: string, word: Word): Finding[] => [{ kind: 'opaque', what, word }];

export function programName(word: string): string {
  return word.slice(word.lastIndexOf('/') + 1).replace(/\.sh$/, '');
}

export interface Positional {
  word: Word;
  index: number;
}

/**
 * Splits words into flags and positionals, knowing which flags take a value
 * (`-n ns`, `--context=x`). Returns the positionals, the index of `--`, and
 * the first word whose role cannot be known (an unknown word where a flag may
 * stand), which callers treat as hiding the command.
 */
export function parseArgs(
  words: Word[],
  from: number,
  valueFlags: ReadonlySet<string>,
  opts: { stopAtDoubleDash?: boolean; stopAt?: (p: Positional, count: number) => boolean } = {},
): { positionals: Positional[]; dashDash: number; unknown?: Word } {
  const positionals: Positional[] = [];
  let unknown: Word | undefined;
  for (let i = from; i < words.length; i++) {
    const w = words[i]!;
    if (!w.known) {
      unknown ??= w;
      if (mayBeFlag(w)) continue;
    }
    const v = w.value;
    if (w.known && v === '--' && opts.stopAtDoubleDash !== false) return { positionals, dashDash: i, ...(unknown ? { unknown } : {}) };
    if (w.known && v.startsWith('-') && v.length > 1) {
      if (!v.includes('=') && valueFlags.has(v)) i++;
      continue;
    }
    const p = { word: w, index: i };
    positionals.push(p);
    if (opts.stopAt?.(p, positionals.length)) break;
  }
  return { positionals, dashDash: -1, ...(unknown ? { unknown } : {}) };
}

/** The value of a flag (`-n x`, `--namespace=x`), when written literally. */
export function flagValue(words: Word[], names: readonly string[]): string | undefined {
  for (let i = 0; i < words.length; i++) {
    const v = lit(words[i]);
    if (v === undefined) continue;
    for (const n of names) {
      if (v === n) return lit(words[i + 1]);
      if (n.startsWith('--') && v.startsWith(`${n}=`)) return v.slice(n.length + 1);
      if (!n.startsWith('--') && n.length === 2 && v.startsWith(n) && v.length > 2 && !v.startsWith('--')) return v.slice(2);
    }
  }
  return undefined;
}

export const hasFlag = (words: Word[], ...names: string[]): Word | undefined =>
  words.find((w) => w.known && names.some((n) => w.value === n || w.value.startsWith(`${n}=`)));

