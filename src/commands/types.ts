// The command model's vocabulary. Imports nothing: lint, the engine and the
// approval prompt all speak it.

/** One word of a command, after quote removal. */
export interface Word {
  /** The word's value; when `known` is false, only its literal beginning (`"$x"` → ""). */
  value: string;
  /** False when part of the word is only known when the shell runs (`$x`, `$(…)`, a glob). */
  known: boolean;
  /** Offset of the word, as written, in the text being judged. */
  at: number;
  /** Which element of a `run:` list the word is (argv lists; offsets are then 0). */
  part?: number;
  /** The word as a script for a nested shell (`bash -c '…'`): its text and where that text starts. */
  script?: { text: string; at: number };
}

/** A simple command: its words and whether something is fed to its standard input. */
export interface SimpleCommand {
  words: Word[];
  stdin: boolean;
}

/**
 * What the model found that keeps a command from being a proven read:
 * - write: it is known to change something;
 * - opaque: what it runs cannot be known (eval, a command name from a variable, `| sh`);
 * - unverified: a program the model does not know (trusted on the author's word when declared read);
 * - redis-keys: redis-cli KEYS (blocks production; reported whatever the effect).
 */
export type Finding =
  | { kind: 'write'; what: string; word: Word }
  | { kind: 'opaque'; what: string; word: Word }
  | { kind: 'unverified'; what: string; word: Word }
  | { kind: 'redis-keys'; word: Word; pattern?: string };

export type Env = Record<string, string | undefined>;

/** What the model offers a program family: judging a command, and the judgements it needs back. */
export interface Judge {
  /** Judges a command that a wrapper runs (`sudo kubectl …`, `kubectl exec … -- CMD`). */
  command(words: Word[], stdin?: boolean): Finding[];
  /** Judges the script of a nested shell (`bash -c '…'`). */
  script(word: Word): Finding[];
}

/** One program family: which programs it knows, how they are judged, what they touch. */
export interface ProgramFamily {
  /** Program names (basename, `.sh` dropped), or a test on the name. */
  programs: readonly string[] | ((name: string) => boolean);
  judge(words: Word[], judge: Judge, stdin: boolean): Finding[];
  /** What the command acts on, for the approval prompt ("kube context prod (https://…), namespace smp-prod"). */
  target?(words: Word[], env: Env): string | undefined;
}
