// Kafka's CLI scripts and kcat: `--describe`/`--list` read; `--execute`,
// `--delete`, `--alter`, `--create`, record deletion, producing and
// reassignment write. A script the model does not list is not a read.
import type { Env, Finding, ProgramFamily, Word } from './types.js';
import { flagValue, hasFlag, lit, opaque, programName, write } from './words.js';

/** Scripts that only read whatever their flags. */
const READ_SCRIPTS = new Set(['kafka-broker-api-versions', 'kafka-get-offsets', 'kafka-dump-log', 'kafka-log-dirs', 'kafka-metadata-shell', 'kafka-cluster']);
/** Scripts that always write (or produce, or commit offsets). */
const WRITE_SCRIPTS = new Set([
  'kafka-delete-records', 'kafka-console-producer', 'kafka-verifiable-producer', 'kafka-producer-perf-test', 'kafka-consumer-perf-test',
  'kafka-leader-election', 'kafka-preferred-replica-election', 'kafka-streams-application-reset', 'kafka-e2e-latency', 'kafka-verifiable-consumer',
  'kafka-server-start', 'kafka-server-stop', 'kafka-run-class', 'zookeeper-shell',
]);
/** Per script: the flags that read, and the flags that make it write. */
const BY_FLAG: Record<string, { reads: string[]; writes: string[] }> = {
  'kafka-consumer-groups': { reads: ['--describe', '--list', '--reset-offsets'], writes: ['--execute', '--delete', '--delete-offsets'] },
  'kafka-topics': { reads: ['--describe', '--list'], writes: ['--create', '--delete', '--alter'] },
  'kafka-configs': { reads: ['--describe'], writes: ['--alter', '--add-config', '--delete-config'] },
  'kafka-acls': { reads: ['--list'], writes: ['--add', '--remove'] },
  'kafka-reassign-partitions': { reads: ['--generate'], writes: ['--execute', '--cancel', '--verify'] },
  'kafka-metadata-quorum': { reads: ['describe'], writes: ['add-controller', 'remove-controller'] },
  'kafka-features': { reads: ['describe'], writes: ['upgrade', 'downgrade', 'disable'] },
  'kafka-storage': { reads: ['info', 'random-uuid'], writes: ['format'] },
  'kafka-delegation-tokens': { reads: ['--describe'], writes: ['--create', '--renew', '--expire'] },
  'kafka-client-metrics': { reads: ['--describe', '--list'], writes: ['--alter', '--delete'] },
};

/** Kafka scripts' flags that take no value; every other `--flag` takes the next word. */
const BOOLEAN_FLAGS = new Set([
  '--describe', '--list', '--execute', '--delete', '--dry-run', '--all-topics', '--all-groups', '--members', '--offsets', '--state', '--verbose',
  '--under-replicated-partitions', '--unavailable-partitions', '--under-min-isr-partitions', '--at-min-isr-partitions', '--if-exists',
  '--if-not-exists', '--export', '--to-earliest', '--to-latest', '--to-current', '--alter', '--create', '--generate', '--verify', '--cancel',
  '--exclude-internal', '--help', '--version', '--add', '--remove', '--force', '--reset-offsets', '--delete-offsets', '--include-internal',
  '--topics-with-overrides', '--exclude-internal-topics', '--print-data-log', '--deep-iteration', '--from-beginning', '--skip-message-on-error',
]);

/** A word only known at run time that may be a flag (not the value of the flag before it). */
function hiddenFlag(words: Word[]): Word | undefined {
  return words.find((w, k) => {
    if (w.known || !(w.value === '' || w.value.startsWith('-'))) return false;
    const before = words[k - 1];
    return !(before?.known && before.value.startsWith('--') && !before.value.includes('=') && !BOOLEAN_FLAGS.has(before.value));
  });
}

function kafkaScript(words: Word[]): Finding[] {
  const program = programName(lit(words[0])!);
  const unknown = hiddenFlag(words);
  if (WRITE_SCRIPTS.has(program)) return write(program, words[0]!);
  if (unknown) return opaque(`${program} argument only known at run time`, unknown);
  if (READ_SCRIPTS.has(program)) return [];
  const rules = BY_FLAG[program];
  if (!rules) return write(`${program} (a Kafka tool the model does not know)`, words[0]!);
  const writes = hasFlag(words, ...rules.writes);
  if (writes) {
    const reset = program === 'kafka-consumer-groups' && writes.value === '--execute' && hasFlag(words, '--reset-offsets') ? ' --reset-offsets' : '';
    return write(`${program}${reset} ${writes.value.split('=')[0]}`, writes);
  }
  return hasFlag(words, ...rules.reads) ? [] : write(`${program} without ${rules.reads.join('/')}`, words[0]!);
}

/** kcat: -L metadata, -Q offsets and -C consuming read; -P produces; -G joins a group (commits offsets). */
function kcat(words: Word[]): Finding[] {
  const program = programName(lit(words[0])!);
  for (const w of words.slice(1)) {
    if (!w.known && (w.value === '' || w.value.startsWith('-'))) return opaque(`${program} argument only known at run time`, w);
    if (w.value === '-P') return write(`${program} -P (produce)`, w);
    if (w.value === '-G') return write(`${program} -G (a consumer group commits offsets)`, w);
  }
  return hasFlag(words, '-L', '-Q', '-C') ? [] : write(`${program} without -L/-Q/-C`, words[0]!);
}

function kafkaTarget(words: Word[], env: Env): string {
  const servers = flagValue(words, ['--bootstrap-server', '--broker-list', '-b']) ?? env.KAFKA_BROKERS ?? '(no bootstrap server)';
  const parts = [`kafka ${servers}`];
  const group = flagValue(words, ['--group', '-G']);
  const topic = flagValue(words, ['--topic', '-t']);
  if (group) parts.push(`group ${group}`);
  if (topic) parts.push(`topic ${topic}`);
  if (hasFlag(words, '--all-topics')) parts.push('all topics');
  return parts.join(', ');
}

export const kafka: ProgramFamily = {
  programs: (name) => name.startsWith('kafka-') || name === 'zookeeper-shell',
  judge: kafkaScript,
  target: kafkaTarget,
};

export const kcatFamily: ProgramFamily = {
  programs: ['kcat', 'kafkacat'],
  judge: kcat,
  target: kafkaTarget,
};
