// A command-recording harness: a temp directory of shims (kubectl, redis-cli,
// curl, mysql, mongosh, kafka-*.sh, jq…) to put first on PATH. Each shim
// records its argv, then execs the real binary when the machine has one
// (e.g. the real kubectl against an unreachable kubeconfig) or exits 127.
// Tests then prove which commands a run spawned, e.g. that a dry-run spawned
// no write.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export const DEFAULT_TOOLS = [
  'kubectl',
  'helm',
  'redis-cli',
  'curl',
  'wget',
  'mysql',
  'mongosh',
  'psql',
  'jq',
  'kcat',
  'kafka-consumer-groups.sh',
  'kafka-topics.sh',
  'kafka-console-consumer.sh',
  'kafka-console-producer.sh',
  'kafka-delete-records.sh',
  'kafka-broker-api-versions.sh',
  'kafka-configs.sh',
  'kafka-reassign-partitions.sh',
  'kafka-leader-election.sh',
  'aws',
  'gcloud',
];

export interface RecordedCommand {
  /** argv[0] as the shim's name (no directory), then the arguments. */
  argv: string[];
  /** When the shim started, ms since the epoch (sub-millisecond precision). */
  at: number;
}

export interface Recorder {
  /** The shim directory: prepend it to PATH. */
  binDir: string;
  /** The environment with the shims first on PATH. */
  env(base?: Record<string, string | undefined>): Record<string, string | undefined>;
  /** Every invocation so far, in the order the shims started. */
  commands(): RecordedCommand[];
  cleanup(): void;
}

function findReal(name: string, path: string): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      /* not here */
    }
  }
  return undefined;
}

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * @param tools programs to shim
 * @param fake programs that only record and exit 0 without running (e.g. `sleep`)
 */
export function recordCommands(tools: string[] = DEFAULT_TOOLS, fake: string[] = []): Recorder {
  const root = mkdtempSync(join(tmpdir(), 'oncall-rec-'));
  const binDir = join(root, 'bin');
  const logDir = join(root, 'log');
  mkdirSync(binDir);
  mkdirSync(logDir);
  const originalPath = process.env.PATH ?? '';
  // The shim names its log file with the real `date`, by absolute path: a
  // shimmed `date` calling itself through PATH would never end.
  const date = findReal('date', originalPath) ?? '/bin/date';
  for (const name of new Set([...tools, ...fake])) {
    const real = fake.includes(name) ? undefined : findReal(name, originalPath);
    // One file per invocation (no interleaving between parallel steps):
    // argc, then each argument, NUL-terminated, so any byte but NUL survives.
    const tail = fake.includes(name)
      ? 'exit 0'
      : real
        ? `exec ${quote(real)} "$@"`
        : `echo "${name}: command not found (recording shim)" >&2\nexit 127`;
    writeFileSync(
      join(binDir, name),
      `#!/bin/sh\nf=${quote(logDir)}/$(${quote(date)} +%s%N)-$$\nprintf '%s\\0' "$#" ${quote(name)} "$@" > "$f"\n${tail}\n`,
    );
    chmodSync(join(binDir, name), 0o755);
  }
  return {
    binDir,
    env: (base = process.env) => ({ ...base, PATH: `${binDir}${delimiter}${base.PATH ?? originalPath}` }),
    commands() {
      if (!existsSync(logDir)) return [];
      return readdirSync(logDir)
        .sort((a, b) => {
          const [ta, pa] = a.split('-').map(Number);
          const [tb, pb] = b.split('-').map(Number);
          return ta! - tb! || pa! - pb!;
        })
        .map((f) => {
          const parts = readFileSync(join(logDir, f), 'utf8').split('\0');
          const argc = Number(parts[0]);
          return { argv: parts.slice(1, 2 + argc), at: Number(f.split('-')[0]) / 1e6 };
        });
    },
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}
