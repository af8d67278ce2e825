// Libraries print through `console`: ioredis says "[WARN] This Redis server's
// `default` user does not require a password…" when a URL carries a password
// the server does not need; kafkajs' default logger and others may too. Raw,
// that lands between the run's lines or inside an open prompt, unredacted and
// unjournaled. While a run is live, console output becomes a note of the run
// instead (each distinct message once, first line only, never a stack), and
// debug/trace output is dropped. Node's own process warnings are printed with
// console.error, so they come this way too.
import { fileURLToPath } from 'node:url';
import { format } from 'node:util';

export type LibraryNote = (level: 'info' | 'warn', message: string) => void;

type ConsoleMethod = 'log' | 'info' | 'warn' | 'error' | 'debug' | 'trace';
const LEVEL: Record<ConsoleMethod, 'info' | 'warn' | undefined> = {
  log: 'info',
  info: 'info',
  warn: 'warn',
  error: 'warn',
  debug: undefined,
  trace: undefined,
};

// "[WARN] ", "[ioredis] ", Node's "(node:4242) ": tags; the note says who and how loud.
const TAG = /^(?:\[[A-Za-z][\w -]*\]\s*|\(node:\d+\)\s*)+/;
const PACKAGE = /node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)[\\/]/;

const HERE = [import.meta.url, fileURLToPath(import.meta.url)];

/** The package whose code called console, from the call stack; undefined for our own code. */
function caller(): string | undefined {
  const frames = (new Error().stack ?? '').split('\n').slice(1);
  const from = frames.find((f) => !HERE.some((h) => f.includes(h)));
  return from ? PACKAGE.exec(from)?.[1]?.replace('\\', '/') : undefined;
}

/** "ioredis: This Redis server's `default` user does not require a password, …". */
export function libraryMessage(args: unknown[], from: string | undefined): string {
  const first = format(...args).split('\n').find((l) => l.trim()) ?? '';
  const text = first.trim().replace(TAG, '');
  return text && from ? `${from}: ${text}` : text;
}

/** Routes console output to `note` until the returned function restores console. */
export function routeLibraryOutput(note: LibraryNote): () => void {
  const saved = new Map<ConsoleMethod, (...args: unknown[]) => void>();
  const seen = new Set<string>();
  let inNote = false;
  for (const method of Object.keys(LEVEL) as ConsoleMethod[]) {
    saved.set(method, console[method]);
    const level = LEVEL[method];
    console[method] = (...args: unknown[]): void => {
      // A note that itself logs would loop.
      if (!level || inNote) return;
      const message = libraryMessage(args, caller());
      if (!message || seen.has(message)) return;
      seen.add(message);
      inNote = true;
      try {
        note(level, message);
      } finally {
        inNote = false;
      }
    };
  }
  return () => {
    for (const [method, fn] of saved) console[method] = fn;
  };
}
