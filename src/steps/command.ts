// `run:` steps: a command executed as argv through execa, never through a
// shell unless the runbook says `shell: true` (then the engine passes
// `sh -c SCRIPT` here with every value already quoted). One result shape for
// success and failure; output bounded (head and tail kept); a hung command is
// killed with its whole process group, and so is what a finished command left
// running in the background. A password the program can take another way
// leaves its argv here, at the spawn (secret-transport.ts).
import { groupMembers, stopGroup, type GroupMember } from './process-group.js';
import { secretTransport } from './secret-transport.js';

// execa costs ~150 ms to import: loaded on the first command, not at startup.
let execaModule: Promise<typeof import('execa')> | undefined;
const loadExeca = (): Promise<typeof import('execa')> => (execaModule ??= import('execa'));

export interface CommandSpec {
  file: string;
  args: string[];
  /** The command as shown to people (already redacted by the caller when needed). */
  display: string;
  /** Fed to the command's standard input (closed when absent). */
  stdin?: string;
}

export interface CommandOptions {
  timeoutMs: number;
  /** Aborts the command (Ctrl-C): the process group is killed. */
  signal?: AbortSignal;
  env?: Record<string, string | undefined>;
  cwd?: string;
  parse?: 'text' | 'json' | 'lines';
  /** Bytes kept from the start of each stream (default 4 MiB). */
  headBytes?: number;
  /** Bytes kept from the end of each stream (default 1 MiB). */
  tailBytes?: number;
  /** Between SIGTERM and SIGKILL to the group (default 2s). */
  killGraceMs?: number;
  /** Told the child's pid (it leads its own process group) as soon as it is spawned. */
  onSpawn?: (pid: number) => void;
}

export interface CommandResult {
  command: string;
  /** 127 when the program does not exist, 126 when it cannot be executed, null when killed by a signal. */
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  interrupted: boolean;
  durationMs: number;
  stdout: string;
  stderr: string;
  lines: string[];
  json?: unknown;
  parseError?: string;
  /** One line: "exit 0", "command not found: kubectl", "timed out after 5s; killed the process group". */
  shortMessage: string;
  failed: boolean;
  /** Bytes dropped from the middle of a stream that was too long to keep. */
  truncated?: { stdout?: number; stderr?: number };
  /** Processes the command left running when it exited, stopped by oncall. */
  stoppedBackground?: GroupMember[];
  /** What a person should know about how the command ran (background processes stopped…). */
  notes?: string[];
}

/** Keeps the first `head` and last `tail` bytes of a stream, whatever its size. */
export class BoundedOutput {
  private head: Buffer[] = [];
  private headSize = 0;
  private tail: Buffer[] = [];
  private tailSize = 0;
  total = 0;

  constructor(
    private readonly headLimit: number,
    private readonly tailLimit: number,
  ) {}

  push(chunk: Buffer | string): void {
    let buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    this.total += buf.length;
    if (this.headSize < this.headLimit) {
      const take = Math.min(buf.length, this.headLimit - this.headSize);
      this.head.push(buf.subarray(0, take));
      this.headSize += take;
      buf = buf.subarray(take);
      if (!buf.length) return;
    }
    this.tail.push(buf);
    this.tailSize += buf.length;
    while (this.tailSize - this.tail[0]!.length >= this.tailLimit) this.tailSize -= this.tail.shift()!.length;
    if (this.tailSize > this.tailLimit * 2) {
      const joined = Buffer.concat(this.tail).subarray(this.tailSize - this.tailLimit);
      this.tail = [joined];
      this.tailSize = joined.length;
    }
  }

  get omitted(): number {
    return Math.max(0, this.total - this.headSize - Math.min(this.tailSize, this.tailLimit));
  }

  toString(): string {
    const head = Buffer.concat(this.head).toString('utf8');
    if (!this.tailSize) return head;
    const tailBuf = Buffer.concat(this.tail);
    const tail = tailBuf.subarray(Math.max(0, tailBuf.length - this.tailLimit)).toString('utf8');
    const omitted = this.omitted;
    return omitted ? `${head}\n… [${omitted} bytes omitted] …\n${tail}` : head + tail;
  }
}

const SIGNAL_WORDS: Record<string, string> = {
  SIGKILL: 'killed (SIGKILL)',
  SIGTERM: 'terminated (SIGTERM)',
  SIGINT: 'interrupted (SIGINT)',
  SIGHUP: 'hung up (SIGHUP)',
  SIGSEGV: 'crashed (SIGSEGV, segmentation fault)',
  SIGABRT: 'aborted (SIGABRT)',
  SIGPIPE: 'broken pipe (SIGPIPE)',
};

/** Exit codes and signals in words. */
export function explainExit(program: string, exitCode: number | null, signal: string | null, errorLine?: string): string {
  if (signal) return `${program} was ${SIGNAL_WORDS[signal] ?? `killed by ${signal}`}`;
  switch (exitCode) {
    case 0:
      return 'exit 0';
    case 126:
      return `permission denied: ${program} is not executable (exit 126)`;
    case 127:
      return `command not found: ${program} (exit 127)`;
    case 130:
      return `${program} was interrupted (exit 130, Ctrl-C)`;
    case 137:
      return `${program} was killed (exit 137, SIGKILL; out of memory?)`;
    case 143:
      return `${program} was terminated (exit 143, SIGTERM)`;
    default:
      return `exit ${exitCode}${errorLine ? `: ${errorLine}` : ''}`;
  }
}

const ERROR_LINE = /\b(error|errors|fail(ed|ure)?|fatal|denied|refused|forbidden|unauthori[sz]ed|timed? ?out|unable|cannot|can't|not found|no such|invalid|panic|exception|unreachable|oom|crashloop|backoff)\b/i;

// klog lines (kubectl's internal logging: `E1122 04:48:07.412014   28078 memcache.go:265] …`)
// come before the sentence an operator reads ("The connection to the server … was refused").
const KLOG_LINE = /^[IWEF]\d{4} \d{2}:\d{2}:\d{2}\.\d+\s+\d+ [\w.-]+:\d+\] /;

/** The lines worth showing from long output: error-looking ones (people's
 *  sentences before klog noise), else the last few. */
export function errorExcerpt(stdout: string, stderr: string, max = 8): string[] {
  const all = [...stderr.split('\n'), ...stdout.split('\n')].map((l) => l.trimEnd()).filter((l) => l.trim());
  const matching = all.filter((l) => ERROR_LINE.test(l));
  const plain = matching.filter((l) => !KLOG_LINE.test(l));
  const errors = plain.length ? plain : matching;
  const picked = errors.length ? errors.slice(0, max) : (stderr.trim() ? stderr : stdout).split('\n').filter((l) => l.trim()).slice(-max);
  return picked.map((l) => (l.length > 300 ? `${l.slice(0, 300)}…` : l));
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
  }
}

/** "interrupted (SIGTERM)" when the run said why it stopped, else "interrupted". */
function interruptCause(reason: unknown): string {
  const message = reason instanceof Error ? reason.message : '';
  return message.startsWith('interrupted') ? message : 'interrupted';
}

/** Output already written when the command exits is still read for this long; a background child holding the pipes then stops counting. */
const DRAIN_MS = 150;

function leftoverNote(spec: CommandSpec, left: GroupMember[], killed: boolean, graceMs: number): string {
  const n = left.length;
  const name = spec.file.slice(spec.file.lastIndexOf('/') + 1);
  const by = name === 'bash' || name === 'sh' ? 'the script' : name;
  const list = left.map((m) => `pid ${m.pid} ${m.program}`).join(', ');
  return `${n} background process${n === 1 ? ' was' : 'es were'} left running by ${by} and ${n === 1 ? 'was' : 'were'} stopped: ${list}${killed ? ` (SIGKILL after ${formatMs(graceMs)})` : ''}`;
}

export async function runCommand(spec: CommandSpec, opts: CommandOptions): Promise<CommandResult> {
  const headBytes = opts.headBytes ?? 4 * 1024 * 1024;
  const tailBytes = opts.tailBytes ?? 1024 * 1024;
  const killGraceMs = opts.killGraceMs ?? 2000;
  const out = new BoundedOutput(headBytes, tailBytes);
  const err = new BoundedOutput(Math.min(headBytes, 1024 * 1024), Math.min(tailBytes, 256 * 1024));
  let timedOut = false;
  let interrupted = false;
  const { execa } = await loadExeca();
  const baseEnv = opts.env ?? process.env;
  const moved = secretTransport(spec.file, spec.args, { stdinTaken: spec.stdin !== undefined, home: baseEnv.HOME });
  const input = spec.stdin ?? moved.input;
  const env = Object.keys(moved.env).length ? { ...(opts.env ?? {}), ...moved.env } : opts.env;
  const notes: string[] = moved.note ? [moved.note] : [];
  const started = performance.now();
  let r: Awaited<ReturnType<typeof execa>>;
  let durationMs: number;
  let stoppedBackground: GroupMember[] | undefined;
  try {
    // Detached: the command leads its own process group, so a timeout or Ctrl-C
    // kills it and everything it started (pipelines, kubectl plugins…).
    const sub = execa(spec.file, moved.args, {
      ...(input === undefined ? { stdin: 'ignore' as const } : { input }),
      buffer: false,
      reject: false,
      detached: true,
      cleanup: true,
      env: env as NodeJS.ProcessEnv | undefined,
      extendEnv: opts.env === undefined,
      cwd: opts.cwd,
    });
    if (sub.pid !== undefined) opts.onSpawn?.(sub.pid);
    sub.stdout?.on('data', (d: Buffer | string) => out.push(d));
    sub.stderr?.on('data', (d: Buffer | string) => err.push(d));
    let graceTimer: NodeJS.Timeout | undefined;
    const stop = (): void => {
      killGroup(sub.pid, 'SIGTERM');
      graceTimer = setTimeout(() => killGroup(sub.pid, 'SIGKILL'), killGraceMs);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, opts.timeoutMs);
    // The step is over when its command exits: a background child still
    // holding stdout (`sleep 30 & echo started`) does not keep it waiting.
    let drainTimer: NodeJS.Timeout | undefined;
    sub.once('exit', () => {
      clearTimeout(timer);
      drainTimer = setTimeout(() => {
        sub.stdout?.destroy();
        sub.stderr?.destroy();
      }, DRAIN_MS);
    });
    const onAbort = (): void => {
      interrupted = true;
      stop();
    };
    if (opts.signal?.aborted) onAbort();
    else opts.signal?.addEventListener('abort', onAbort, { once: true });
    r = await sub;
    durationMs = Math.round(performance.now() - started);
    clearTimeout(timer);
    if (drainTimer) clearTimeout(drainTimer);
    if (graceTimer) clearTimeout(graceTimer);
    opts.signal?.removeEventListener('abort', onAbort);
    // What the command left in its group is stopped, not left behind: an
    // on-call run must not leave port-forwards and tails running unseen.
    let left = sub.pid !== undefined ? groupMembers(sub.pid) : [];
    // A child on its way out of the group (`setsid cmd &`) is given a moment to leave it.
    if (left.length) left = (await new Promise((resolve) => setTimeout(resolve, DRAIN_MS)), groupMembers(sub.pid!));
    if (left.length) {
      const killed = await stopGroup(sub.pid!, killGraceMs);
      if (!timedOut && !interrupted) {
        stoppedBackground = left;
        notes.push(leftoverNote(spec, left, killed, killGraceMs));
      }
    }
  } finally {
    moved.cleanup();
  }

  const stdout = out.toString();
  const stderr = err.toString();
  const code = (r as { code?: string }).code;
  let exitCode: number | null = r.exitCode ?? null;
  let signal: string | null = r.signal ?? null;
  if (code === 'ENOENT') exitCode = 127;
  else if (code === 'EACCES') exitCode = 126;
  if (exitCode !== null) signal = null;
  const program = spec.file;
  const firstError = errorExcerpt(stdout, stderr, 1)[0];
  let shortMessage: string;
  if (timedOut) shortMessage = `timed out after ${formatMs(opts.timeoutMs)}; killed ${program} and its process group`;
  else if (interrupted) shortMessage = `${program} was ${interruptCause(opts.signal?.reason)}; killed its process group`;
  else if (code === 'ENOENT') shortMessage = `command not found: ${program}`;
  else if (code === 'EACCES') shortMessage = `permission denied: ${program} is not executable`;
  else if (code && exitCode === null && !signal) shortMessage = `${program} could not start: ${code}`;
  else shortMessage = explainExit(program, exitCode, signal, firstError);

  const lines = stdout.split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  const result: CommandResult = {
    command: spec.display,
    exitCode: timedOut || interrupted ? null : exitCode,
    signal: timedOut || interrupted ? (signal ?? 'SIGTERM') : signal,
    timedOut,
    interrupted,
    durationMs,
    stdout,
    stderr,
    lines: lines.map((l) => l.replace(/\r$/, '')),
    shortMessage,
    failed: timedOut || interrupted || exitCode !== 0,
  };
  if (stoppedBackground) result.stoppedBackground = stoppedBackground;
  if (notes.length) result.notes = notes;
  if (out.omitted || err.omitted) {
    result.truncated = {};
    if (out.omitted) result.truncated.stdout = out.omitted;
    if (err.omitted) result.truncated.stderr = err.omitted;
  }
  if (opts.parse === 'json') {
    if (out.omitted) result.parseError = `output too large to parse as JSON (${out.total} bytes)`;
    else if (!stdout.trim()) result.parseError = 'no output to parse as JSON';
    else {
      try {
        result.json = JSON.parse(stdout);
      } catch (e) {
        result.parseError = `output is not JSON: ${(e as Error).message.split('\n')[0]}`;
      }
    }
  }
  return result;
}

function formatMs(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms < 60_000) return `${+(ms / 1000).toFixed(1)}s`;
  return `${+(ms / 60_000).toFixed(1)}m`;
}
