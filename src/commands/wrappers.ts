// Programs that run another command: judged by the command they run.
// Each wrapper says which of its options take a value and how many
// positionals stand before the command (timeout's duration, flock's lock file).
import type { Finding, Judge, ProgramFamily, Word } from './types.js';
import { lit, mayBeFlag, opaque, programName, write } from './words.js';

interface WrapperSpec {
  valueFlags?: string[];
  /** Positionals before the command. */
  skip?: number;
  /** `NAME=value` words before the command (env). */
  assignments?: boolean;
  /** Options that mean something else than running a command. */
  special?: Record<string, 'read' | 'write' | 'opaque' | 'script'>;
  /** With no command: read (it prints), or opaque (it starts a shell). */
  bare?: 'read' | 'opaque';
}

const WRAPPERS: Record<string, WrapperSpec> = {
  sudo: {
    valueFlags: ['-u', '--user', '-g', '--group', '-C', '--close-from', '-h', '--host', '-p', '--prompt', '-r', '--role', '-t', '--type', '-D', '--chdir', '-R', '--chroot', '-T', '--command-timeout', '-U', '--other-user'],
    special: { '-e': 'write', '--edit': 'write', '-i': 'opaque', '--login': 'opaque', '-s': 'opaque', '--shell': 'opaque', '-l': 'read', '--list': 'read', '-v': 'read', '--validate': 'read', '-k': 'read', '-K': 'read', '-V': 'read' },
    bare: 'read',
  },
  doas: { valueFlags: ['-u', '-C'], special: { '-s': 'opaque' }, bare: 'read' },
  env: { valueFlags: ['-u', '--unset', '-C', '--chdir'], assignments: true, special: { '-S': 'opaque', '--split-string': 'opaque' }, bare: 'read' },
  timeout: { valueFlags: ['-s', '--signal', '-k', '--kill-after'], skip: 1 },
  nice: { valueFlags: ['-n', '--adjustment'], bare: 'read' },
  ionice: { valueFlags: ['-c', '--class', '-n', '--classdata'], special: { '-p': 'write', '--pid': 'write', '-P': 'write', '--pgid': 'write', '-u': 'write', '--uid': 'write' }, bare: 'read' },
  nohup: {},
  setsid: {},
  stdbuf: { valueFlags: ['-i', '-o', '-e', '--input', '--output', '--error'] },
  chroot: { valueFlags: ['--userspec', '--groups'], skip: 1, bare: 'opaque' },
  flock: { valueFlags: ['-w', '--timeout', '-E', '--conflict-exit-code'], skip: 1, special: { '-c': 'script', '--command': 'script' } },
  time: { valueFlags: ['-f', '--format', '-o', '--output'], bare: 'read' },
  command: { special: { '-v': 'read', '-V': 'read' }, bare: 'read' },
  builtin: { bare: 'read' },
  exec: { valueFlags: ['-a'], bare: 'read' },
  unbuffer: {},
  caffeinate: {},
};

function runWrapper(spec: WrapperSpec, words: Word[], judge: Judge, stdin: boolean): Finding[] {
  const tool = programName(lit(words[0])!);
  const valueFlags = new Set(spec.valueFlags ?? []);
  let skip = spec.skip ?? 0;
  let i = 1;
  for (; i < words.length; i++) {
    const w = words[i]!;
    if (!w.known) {
      if (mayBeFlag(w) || skip === 0) return opaque(`${tool} runs a command only known at run time`, w);
      skip--;
      continue;
    }
    const v = w.value;
    if (v === '--') {
      i++;
      break;
    }
    if (v.startsWith('-') && v.length > 1) {
      const name = v.split('=')[0]!;
      const special = spec.special?.[name] ?? (name.length > 2 && !name.startsWith('--') ? spec.special?.[name.slice(0, 2)] : undefined);
      if (special === 'read') return [];
      if (special === 'write') return write(`${tool} ${name}`, w);
      if (special === 'opaque') return opaque(`${tool} ${name} runs a shell or a string the model cannot see`, w);
      if (special === 'script') return words[i + 1] ? judge.script(words[i + 1]!) : [];
      if (!v.includes('=') && valueFlags.has(name)) i++;
      continue;
    }
    if (spec.assignments && /^[A-Za-z_][A-Za-z0-9_]*=/.test(v)) continue;
    if (skip > 0) {
      skip--;
      continue;
    }
    break;
  }
  const rest = words.slice(i);
  if (!rest.length) return spec.bare === 'read' ? [] : opaque(`${tool} with no command`, words[0]!);
  return judge.command(rest, stdin);
}

/** `watch [opts] CMD…`: watch hands its arguments, joined, to `sh -c`. */
function watch(words: Word[], judge: Judge): Finding[] {
  const valueFlags = new Set(['-n', '--interval', '-d', '--differences', '-q']);
  let i = 1;
  for (; i < words.length; i++) {
    const w = words[i]!;
    if (!w.known) return opaque('watch argument only known at run time', w);
    if (!w.value.startsWith('-')) break;
    if (w.value === '-x' || w.value === '--exec') return judge.command(words.slice(i + 1));
    if (valueFlags.has(w.value)) i++;
  }
  const rest = words.slice(i);
  if (!rest.length) return [];
  if (rest.length === 1) return judge.script(rest[0]!);
  if (rest.some((w) => !w.known)) return opaque('watch command only known at run time', rest.find((w) => !w.known)!);
  return judge.script({ ...rest[0]!, script: { text: rest.map((w) => w.value).join(' '), at: rest[0]!.at } });
}

/** A word the wrapper fills in at run time (xargs' input, find's `{}`). */
const runtimeWord = (at: number): Word => ({ value: '', known: false, at });

/** `xargs [opts] CMD args`: CMD gets more arguments from stdin. */
function xargs(words: Word[], judge: Judge): Finding[] {
  const valueFlags = new Set(['-n', '--max-args', '-L', '--max-lines', '-P', '--max-procs', '-d', '--delimiter', '-s', '--max-chars', '-E', '-e', '--eof', '-a', '--arg-file', '--process-slot-var']);
  let replace: string | undefined;
  let i = 1;
  for (; i < words.length; i++) {
    const w = words[i]!;
    if (!w.known) return opaque('xargs argument only known at run time', w);
    const v = w.value;
    if (!v.startsWith('-') || v === '-') break;
    if (v === '-I') replace = lit(words[++i]);
    else if (v.startsWith('-I')) replace = v.slice(2);
    else if (v === '-i' || v.startsWith('--replace')) replace = v.includes('=') ? v.split('=')[1] : '{}';
    else if (!v.includes('=') && valueFlags.has(v)) i++;
  }
  const rest = words.slice(i);
  if (!rest.length) return [];
  const filled = replace
    ? rest.map((w) => (w.known && w.value.includes(replace!) ? runtimeWord(w.at) : w))
    : [...rest, runtimeWord(rest[rest.length - 1]!.at)];
  return judge.command(filled);
}

/** `find PATHS EXPR`: -exec/-execdir/-ok run a command; -delete and -fprint write. */
function find(words: Word[], judge: Judge): Finding[] {
  const findings: Finding[] = [];
  for (let i = 1; i < words.length; i++) {
    const w = words[i]!;
    if (!w.known) {
      if (mayBeFlag(w)) return opaque('find expression only known at run time', w);
      continue;
    }
    const v = w.value;
    if (v === '-delete') return write('find -delete', w);
    if (/^-(fprint|fprint0|fprintf|fls)$/.test(v)) return write(`find ${v} (writes a file)`, w);
    if (/^-(exec|execdir|ok|okdir)$/.test(v)) {
      const end = words.findIndex((x, k) => k > i && x.known && (x.value === ';' || x.value === '+'));
      const cmd = words.slice(i + 1, end < 0 ? words.length : end).map((x) => (x.known && x.value.includes('{}') ? runtimeWord(x.at) : x));
      findings.push(...judge.command(cmd));
      if (end < 0) break;
      i = end;
    }
  }
  return findings;
}

export const wrappers: ProgramFamily = {
  programs: [...Object.keys(WRAPPERS), 'watch', 'xargs', 'find'],
  judge(words, judge, stdin) {
    const name = programName(lit(words[0])!);
    if (name === 'watch') return watch(words, judge);
    if (name === 'xargs') return xargs(words, judge);
    if (name === 'find') return find(words, judge);
    return runWrapper(WRAPPERS[name]!, words, judge, stdin);
  },
};

/** The command a wrapper runs, for its target: `sudo -u x kubectl …` → `kubectl …`. */
export function unwrap(words: Word[]): Word[] {
  const name = words[0]?.known ? programName(words[0].value) : '';
  const spec = WRAPPERS[name];
  if (!spec) return words;
  const valueFlags = new Set(spec.valueFlags ?? []);
  let skip = spec.skip ?? 0;
  for (let i = 1; i < words.length; i++) {
    const v = words[i]!.value;
    if (v === '--') return unwrap(words.slice(i + 1));
    if (v.startsWith('-') && v.length > 1) {
      if (!v.includes('=') && valueFlags.has(v)) i++;
      continue;
    }
    if (spec.assignments && /^[A-Za-z_][A-Za-z0-9_]*=/.test(v)) continue;
    if (skip-- > 0) continue;
    return unwrap(words.slice(i));
  }
  return words;
}
