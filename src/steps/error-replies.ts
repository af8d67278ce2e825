// Tools that exit 0 when the server said no. redis-cli prints a Redis error
// reply (`NOAUTH Authentication required.`, `(error) READONLY …`) and exits 0:
// taking the exit code at its word would show a failed CONFIG SET as done.

const REDIS_ERROR = /^(?:\(error\) )?((?:ERR|WRONGTYPE|NOAUTH|WRONGPASS|READONLY|OOM|NOPERM|BUSY|BUSYKEY|NOSCRIPT|LOADING|MASTERDOWN|MISCONF|EXECABORT|NOREPLICAS|CLUSTERDOWN|CROSSSLOT|MOVED|ASK|TRYAGAIN|NOTBUSY|UNBLOCKED|NOGROUP)\b.*)$/;

/** Programs whose error replies this module knows. */
export const ERROR_REPLY_PROGRAMS = new Set(['redis-cli', 'valkey-cli']);

/** The first error reply in a command's output, when one of `programs` prints them. */
export function errorReply(programs: readonly string[], stdout: string, stderr: string): string | undefined {
  if (!programs.some((p) => ERROR_REPLY_PROGRAMS.has(p))) return undefined;
  for (const line of `${stdout}\n${stderr}`.split('\n')) {
    const m = REDIS_ERROR.exec(line.trim());
    if (m) return m[1]!.length > 200 ? `${m[1]!.slice(0, 200)}…` : m[1]!;
  }
  return undefined;
}
