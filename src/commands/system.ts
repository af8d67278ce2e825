// Local programs: the text tools every pipeline ends in (read, unless an
// option makes them write a file), shell builtins, and the programs that change
// the machine (rm, kill, systemctl restart…). awk and sed are read unless
// their program writes, pipes to a command or runs one.
import type { Finding, ProgramFamily, Word } from './types.js';
import { hasFlag, lit, opaque, programName, write } from './words.js';

/** Read-only whatever their arguments (no option of theirs writes a file). */
const READS = new Set([
  'grep', 'egrep', 'fgrep', 'zgrep', 'rg', 'cat', 'zcat', 'head', 'tail', 'wc', 'cut', 'tr', 'column', 'paste', 'join', 'comm', 'diff', 'cmp',
  'nl', 'fold', 'fmt', 'rev', 'tac', 'expand', 'unexpand', 'base64', 'od', 'hexdump', 'md5sum', 'sha1sum', 'sha256sum', 'sha512sum',
  'echo', 'printf', 'true', 'false', 'test', '[', ':', 'sleep', 'seq', 'basename', 'dirname', 'realpath', 'readlink', 'pwd', 'id', 'whoami',
  'uname', 'uptime', 'free', 'df', 'du', 'ps', 'pgrep', 'pidof', 'lsof', 'ss', 'netstat', 'ping', 'ping6', 'dig', 'nslookup', 'host',
  'traceroute', 'tracepath', 'mtr', 'printenv', 'getent', 'stat', 'file', 'ls', 'less', 'more', 'nproc', 'lscpu', 'lsblk', 'vmstat',
  'iostat', 'mpstat', 'sar', 'pidstat', 'jq', 'gojq', 'read', 'cd', 'wait', 'exit', 'return', 'break', 'continue', 'shift', 'set', 'shopt',
  'type', 'hash', 'which', 'getopts', 'mapfile', 'readarray', 'ulimit', 'umask', 'times', 'jobs', 'strings', 'numfmt', 'bc', 'expr',
  'xxd', 'cal', 'w', 'who', 'last', 'tty', 'locale', 'arch', 'yes', 'tput', 'kubectx', 'kubens', 'openssl-version',
]);

/** Change the machine they run on. */
const WRITES = new Set([
  'rm', 'rmdir', 'mv', 'cp', 'ln', 'mkdir', 'touch', 'chmod', 'chown', 'chgrp', 'truncate', 'shred', 'dd', 'install', 'mkfifo', 'mknod',
  'kill', 'pkill', 'killall', 'reboot', 'shutdown', 'halt', 'poweroff', 'mount', 'umount', 'swapoff', 'swapon', 'sysctl', 'iptables',
  'nft', 'useradd', 'userdel', 'usermod', 'passwd', 'apt', 'apt-get', 'yum', 'dnf', 'apk', 'pip', 'npm', 'service', 'rsync', 'scp',
  'git', 'patch', 'unzip', 'split', 'csplit', 'logger', 'wall', 'renice', 'crictl', 'ctr',
]);

/** Tools whose sub-commands decide: the ones that only read. */
const READ_SUBCOMMANDS: Record<string, Set<string>> = {
  systemctl: new Set(['status', 'show', 'cat', 'is-active', 'is-enabled', 'is-failed', 'list-units', 'list-unit-files', 'list-timers', 'list-sockets', 'list-dependencies', 'list-jobs', 'help']),
  ip: new Set(['addr', 'a', 'address', 'link', 'l', 'route', 'r', 'neigh', 'n', 'rule', 'maddr', '-br', '-s', '-4', '-6', '-c', '-j']),
};

function sortOrUniq(words: Word[], name: string): Finding[] {
  if (name === 'sort') {
    const out = hasFlag(words, '-o', '--output');
    return out ? write('sort -o (writes a file)', out) : [];
  }
  // uniq IN OUT writes OUT.
  const files = words.slice(1).filter((w) => !w.value.startsWith('-'));
  return files.length >= 2 ? write('uniq OUTPUT (writes a file)', files[1]!) : [];
}

function teeWrites(words: Word[]): Finding[] {
  const files = words.slice(1).filter((w) => !(w.known && (w.value.startsWith('-') || /^\/dev\/(null|stdout|stderr)$/.test(w.value))));
  return files.length ? write('tee (writes a file)', words[0]!) : [];
}

/** awk: program text that runs commands, pipes, or redirects output into files. */
function awk(words: Word[]): Finding[] {
  const tool = programName(lit(words[0])!);
  for (let i = 1; i < words.length; i++) {
    const w = words[i]!;
    const v = w.value;
    if (!w.known) return opaque(`${tool} program only known at run time`, words[0]!);
    if (v === '-f' || v.startsWith('--file')) return opaque(`${tool} -f runs a program file the model cannot read`, words[0]!);
    if (v === '-i' || v.startsWith('--include') || v === '-E' || v === '--exec') return opaque(`${tool} ${v}`, words[0]!);
    if (v === '-F' || v === '-v' || v === '--assign' || v === '--field-separator') {
      i++;
      continue;
    }
    if (v.startsWith('-')) continue;
    const code = v.replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/\/(?:[^/\\\n]|\\.)+\//g, '//');
    if (/\bsystem\s*\(/.test(code) || /\|\s*getline|\|&/.test(code)) return opaque(`${tool} program runs commands (system(), pipes)`, words[0]!);
    if (/\bprintf?\b[^;}\n]*(>|\|)/.test(code.replace(/\([^()]*\)/g, '()'))) return opaque(`${tool} program writes to a file or a command (print >, print |)`, words[0]!);
    if (/\b(fflush|close)\s*\(/.test(code) && /"/.test(v)) return opaque(`${tool} program handles files`, words[0]!);
    return [];
  }
  return [];
}

/** sed: -i edits files; the e, w, W, r, R commands and the s///e, s///w flags run or write. */
function sed(words: Word[]): Finding[] {
  for (const w of words.slice(1)) {
    if (!w.known) return opaque('sed script only known at run time', words[0]!);
    if (/^(-i|--in-place)/.test(w.value) || /^-[a-hj-zA-Z]*i/.test(w.value)) return write('sed -i (edits the file in place)', w);
  }
  const scripts = words.slice(1).filter((w, k, all) => !w.value.startsWith('-') || (k > 0 && (all[k - 1]!.value === '-e' || all[k - 1]!.value === '--expression')));
  for (const s of scripts) {
    if (/(^|[;{}\s\d/$])[ewWrR](\s|$|;)/.test(s.value) || /s(.).*?\1.*?\1[gpiImM0-9]*[ew]/.test(s.value)) return opaque('sed script runs a command or writes a file (e, w, r)', words[0]!);
  }
  return [];
}

function subcommandTool(words: Word[], name: string): Finding[] {
  const reads = READ_SUBCOMMANDS[name]!;
  const sub = words.slice(1).find((w) => !w.known || !w.value.startsWith('-') || reads.has(w.value));
  if (!sub) return [];
  const v = lit(sub);
  if (v === undefined) return opaque(`${name} sub-command only known at run time`, sub);
  if (name === 'ip') {
    const verb = words.slice(1).map((w) => w.value).filter((x) => !x.startsWith('-'))[1];
    return reads.has(v) && (verb === undefined || /^(show|list|ls|get|s)$/.test(verb)) ? [] : write(`ip ${v}${verb ? ` ${verb}` : ''}`, sub);
  }
  return reads.has(v) ? [] : write(`${name} ${v}`, sub);
}

function special(words: Word[], name: string): Finding[] {
  switch (name) {
    case 'sort':
    case 'uniq':
      return sortOrUniq(words, name);
    case 'tee':
      return teeWrites(words);
    case 'awk':
    case 'gawk':
    case 'mawk':
    case 'nawk':
      return awk(words);
    case 'sed':
    case 'gsed':
      return sed(words);
    case 'date':
      return hasFlag(words, '-s', '--set') ? write('date --set (sets the clock)', words[0]!) : [];
    case 'hostname':
      return words.slice(1).some((w) => !w.value.startsWith('-')) ? write('hostname NAME (renames the host)', words[0]!) : [];
    case 'journalctl': {
      const w = hasFlag(words, '--vacuum-size', '--vacuum-time', '--vacuum-files', '--rotate', '--flush', '--sync', '--relinquish-var', '--setup-keys', '--update-catalog');
      return w ? write(`journalctl ${w.value.split('=')[0]}`, w) : [];
    }
    case 'dmesg': {
      const w = hasFlag(words, '-c', '-C', '--clear', '--read-clear', '-n', '--console-level', '-D', '-E');
      return w ? write(`dmesg ${w.value}`, w) : [];
    }
    case 'nc':
    case 'ncat':
    case 'netcat':
      return words.some((w) => w.known && /^-[a-zA-Z]*z/.test(w.value)) ? [] : opaque(`${name} sends whatever it is given`, words[0]!);
    case 'yq':
      return hasFlag(words, '-i', '--inplace') ? write('yq -i (edits the file in place)', hasFlag(words, '-i', '--inplace')!) : [];
    case 'gzip':
    case 'gunzip':
    case 'xz':
    case 'bzip2':
    case 'zstd':
      return hasFlag(words, '-c', '--stdout', '-t', '--test', '-l', '--list') ? [] : write(`${name} (replaces the file)`, words[0]!);
    case 'tar':
      return words.some((w, k) => k > 0 && w.known && /^-?[a-zA-Z]*t/.test(w.value) && !/^-?[a-zA-Z]*[xcru]/.test(w.value)) ? [] : write('tar (creates or extracts files)', words[0]!);
    case 'systemctl':
    case 'ip':
      return subcommandTool(words, name);
    case 'crontab':
      return words.length === 2 && lit(words[1]) === '-l' ? [] : write('crontab (replaces or removes the crontab)', words[0]!);
    case 'openssl': {
      const sub = lit(words[1]);
      return sub && ['s_client', 'x509', 'version', 'verify', 'req', 'crl', 'ciphers'].includes(sub) && !hasFlag(words, '-out') ? [] : write(`openssl ${sub ?? ''}`.trim(), words[1] ?? words[0]!);
    }
    default:
      return [];
  }
}

const SPECIAL = new Set(['sort', 'uniq', 'tee', 'awk', 'gawk', 'mawk', 'nawk', 'sed', 'gsed', 'date', 'hostname', 'journalctl', 'dmesg', 'nc', 'ncat', 'netcat', 'yq', 'gzip', 'gunzip', 'xz', 'bzip2', 'zstd', 'tar', 'systemctl', 'ip', 'openssl', 'crontab']);

export const system: ProgramFamily = {
  programs: (name) => READS.has(name) || WRITES.has(name) || SPECIAL.has(name),
  judge(words) {
    const name = programName(lit(words[0])!);
    if (SPECIAL.has(name)) return special(words, name);
    if (WRITES.has(name)) return write(name, words[0]!);
    return [];
  },
};
