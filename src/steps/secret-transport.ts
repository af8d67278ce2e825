// Where a secret that left the argv goes when the command is spawned: the
// environment, curl's standard input, or a 0600 file in a private 0700
// directory that lives exactly as long as the command (removed when it ends,
// times out or is interrupted; only a kill -9 of oncall itself leaves it).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hideArgvSecrets, SECRET_FILE } from './secret-args.js';

export interface SecretTransport {
  args: string[];
  env: Record<string, string>;
  /** Standard input for the child (curl's config on `-K -`). */
  input?: string;
  /** Why a password stayed on the command line. */
  note?: string;
  /** Removes the secret file, if one was written. Safe to call twice. */
  cleanup(): void;
}

const nothing = (args: string[], note?: string): SecretTransport => ({ args, env: {}, ...(note ? { note } : {}), cleanup: () => {} });

/** ~/.my.cnf is read after any extra option file: a password there would win over the moved one. */
function userOptionFilePassword(home: string | undefined): boolean {
  if (!home) return false;
  try {
    return /^\s*pass(w(o(r(d)?)?)?)?\s*=/im.test(readFileSync(join(home, '.my.cnf'), 'utf8'));
  } catch {
    return false;
  }
}

export function secretTransport(file: string, args: string[], opts: { stdinTaken: boolean; home?: string }): SecretTransport {
  const hidden = hideArgvSecrets(file, args);
  if (!hidden) return nothing(args);
  const secretFile = hidden.file;
  if (!secretFile) return { args: hidden.args, env: hidden.env, cleanup: () => {} };
  if (secretFile.program === 'mysql' && userOptionFilePassword(opts.home)) {
    return nothing(args, 'the password stayed on the command line: ~/.my.cnf sets one, and it would win over an option file');
  }
  if (secretFile.stdin && !opts.stdinTaken) {
    return { args: hidden.args.map((a) => a.split(SECRET_FILE).join('-')), env: hidden.env, input: secretFile.text, cleanup: () => {} };
  }
  let dir: string;
  let path: string;
  try {
    dir = mkdtempSync(join(tmpdir(), 'oncall-secret-'));
    path = join(dir, secretFile.program === 'mysql' ? 'client.cnf' : 'curl.config');
    writeFileSync(path, secretFile.text, { mode: 0o600, flag: 'wx' });
  } catch (e) {
    // The command still runs as written: failing the step would not make it safer.
    return nothing(args, `the password stayed on the command line: no private file could be written in ${tmpdir()} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let removed = false;
  return {
    args: hidden.args.map((a) => a.split(SECRET_FILE).join(path)),
    env: hidden.env,
    cleanup: () => {
      if (removed) return;
      removed = true;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
