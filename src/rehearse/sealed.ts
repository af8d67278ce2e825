// A rehearsal process may not spawn a process or open a socket. The step
// layer already never reaches one (a backend answers every step); this seals
// the process too, so that a library, a bug or a future step type cannot
// either: each way out throws, and the step that tried fails saying so.
import childProcess from 'node:child_process';
import net from 'node:net';
import { syncBuiltinESMExports } from 'node:module';

export class SealedError extends Error {
  constructor(what: string) {
    super(`rehearsal: ${what} is not allowed (a rehearsal spawns no process and opens no socket)`);
    this.name = 'SealedError';
  }
}

let sealed = false;

/** Seals this process for good: there is no unseal, a rehearsal process only rehearses. */
export function sealProcess(): void {
  if (sealed) return;
  sealed = true;
  const cp = childProcess as unknown as Record<string, unknown>;
  for (const name of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork']) {
    cp[name] = (file: unknown) => {
      throw new SealedError(`starting ${typeof file === 'string' ? file : 'a process'}`);
    };
  }
  const connect = (): never => {
    throw new SealedError('opening a network connection');
  };
  net.Socket.prototype.connect = connect as typeof net.Socket.prototype.connect;
  (net as unknown as Record<string, unknown>).connect = connect;
  (net as unknown as Record<string, unknown>).createConnection = connect;
  globalThis.fetch = (() => Promise.reject(new SealedError('an HTTP request'))) as typeof fetch;
  // ES modules that imported these by name see the sealed versions too.
  syncBuiltinESMExports();
}

export function isSealed(): boolean {
  return sealed;
}
