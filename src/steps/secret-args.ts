// Passwords on a command line are visible to every local user in `ps`. Where
// the program takes its secret another way, it is passed that way: redis-cli
// reads REDISCLI_AUTH, psql PGPASSWORD, the mysql client an option file
// (`--defaults-extra-file`, first on its command line), curl a config
// (`-K`). Pure: the caller decides where a file's text goes (curl's stdin, a
// private temp file, a shell's `<(…)`). What cannot be moved is listed in
// docs/engine.md.

/** Stands where the program must be told the path of `file` (alone, or inside a word). */
export const SECRET_FILE = '\u0000oncall-secret-file\u0000';

export interface SecretFile {
  text: string;
  /** The program can read it from its standard input (`-` as the path). */
  stdin: boolean;
  program: 'curl' | 'mysql';
}

export interface HiddenSecrets {
  /** The arguments without their secrets; SECRET_FILE stands for the file's path when there is one. */
  args: string[];
  /** Environment for the child, holding what left the argv. */
  env: Record<string, string>;
  file?: SecretFile;
}

const base = (file: string) => file.slice(file.lastIndexOf('/') + 1);

/** A URL without its password, and the password (decoded), when it has one. */
function splitPassword(url: string): { url: string; user?: string; password: string } | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  if (!u.password) return undefined;
  const password = decodeURIComponent(u.password);
  const user = u.username ? decodeURIComponent(u.username) : undefined;
  u.password = '';
  u.username = '';
  // URL adds a trailing slash to a bare host; keep the URL as written otherwise.
  const shown = u.toString();
  return { url: !url.endsWith('/') && shown.endsWith('/') && u.pathname === '/' ? shown.slice(0, -1) : shown, ...(user ? { user } : {}), password };
}

// ---------------------------------------------------------------- redis-cli

// redis-cli reads options up to the command; these take the next word.
const REDIS_VALUE_OPTIONS = new Set([
  '-h', '-p', '-s', '-a', '-u', '-r', '-i', '-n', '-d', '-D', '-t', '-X', '--user', '--pass', '--sni', '--cacert', '--cacertdir', '--cert',
  '--key', '--tls-ciphers', '--tls-ciphersuites', '--show-pushes', '--lru-test', '--rdb', '--functions-rdb', '--pipe-timeout',
  '--memkeys-samples', '--pattern', '--quoted-pattern', '--count', '--intrinsic-latency', '--eval',
]);

function redisCli(args: string[]): HiddenSecrets | undefined {
  const out = [...args];
  const env: Record<string, string> = {};
  for (let i = 0; i < out.length; i++) {
    const a = out[i]!;
    if ((a === '-a' || a === '--pass') && out[i + 1] !== undefined) {
      env.REDISCLI_AUTH = out[i + 1]!;
      out.splice(i, 2);
      i--;
    } else if (a === '-u' && out[i + 1] !== undefined) {
      const split = splitPassword(out[i + 1]!);
      i++;
      if (!split) continue;
      env.REDISCLI_AUTH = split.password;
      out[i] = split.url;
      if (split.user && split.user !== 'default') out.splice(i + 1, 0, '--user', split.user);
    } else if (a === '--cluster') {
      // Its sub-command and arguments come next; options may follow them.
      while (out[i + 1] !== undefined && !out[i + 1]!.startsWith('-')) i++;
    } else if (REDIS_VALUE_OPTIONS.has(a)) i++;
    else if (!a.startsWith('-')) break;
  }
  return env.REDISCLI_AUTH !== undefined ? { args: out, env } : undefined;
}

// ---------------------------------------------------------------- psql

const PG_CLIENTS = new Set(['psql', 'pg_dump', 'pg_dumpall', 'pg_restore']);

function psql(args: string[]): HiddenSecrets | undefined {
  const out = [...args];
  for (let i = 0; i < out.length; i++) {
    const a = out[i]!;
    const at = a === '-d' || a === '--dbname' ? i + 1 : /^postgres(ql)?:\/\//.test(a) ? i : -1;
    if (at < 0 || out[at] === undefined) continue;
    const split = splitPassword(out[at]!);
    if (!split) continue;
    out[at] = split.user ? split.url.replace('://', `://${encodeURIComponent(split.user)}@`) : split.url;
    return { args: out, env: { PGPASSWORD: split.password } };
  }
  return undefined;
}

// ---------------------------------------------------------------- mysql / mariadb

const MYSQL_CLIENTS = new Set([
  'mysql', 'mariadb', 'mysqldump', 'mariadb-dump', 'mysqladmin', 'mariadb-admin', 'mysqlcheck', 'mariadb-check', 'mysqlshow', 'mariadb-show',
  'mysqlimport', 'mariadb-import',
]);
// Options whose value may be the next word: that word is never read as an option.
const MYSQL_VALUE_OPTIONS = new Set(['-e', '-h', '-u', '-D', '-P', '-S', '--execute', '--host', '--user', '--database', '--port', '--socket', '--init-command']);
// `-p` and `--password` alone prompt; only an attached value is a password.
// my_getopt takes any unambiguous prefix of a long option (`--pass=`).
const MYSQL_PASSWORD = /^(?:-p(?<short>.+)|--pass(?:w(?:o(?:r(?:d)?)?)?)?=(?<long>.*))$/s;

/** A value for a MySQL option file: double-quoted (a `#` is then no comment), with the escapes the file reader knows. */
export function mysqlOptionValue(value: string): string {
  const escaped = value.replace(/[\\"\n\r\t\b]/g, (c) => ({ '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b' })[c]!);
  return `"${escaped}"`;
}

function mysql(args: string[]): HiddenSecrets | undefined {
  // Options about option files must come first, and only one extra file is read:
  // with these the client's option files are not ours to arrange.
  if (args.some((a) => a === '--no-defaults' || a.startsWith('--defaults-file=') || a.startsWith('--defaults-extra-file=') || a === '--print-defaults')) return undefined;
  const out: string[] = [];
  let password: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const m = MYSQL_PASSWORD.exec(a);
    const value = m?.groups?.short ?? m?.groups?.long;
    if (value !== undefined && value !== '') {
      password = value;
      continue;
    }
    out.push(a);
    if (MYSQL_VALUE_OPTIONS.has(a) && args[i + 1] !== undefined) out.push(args[++i]!);
  }
  if (password === undefined) return undefined;
  return {
    args: [`--defaults-extra-file=${SECRET_FILE}`, ...out],
    env: {},
    file: { text: `[client]\npassword=${mysqlOptionValue(password)}\n`, stdin: false, program: 'mysql' },
  };
}

// ---------------------------------------------------------------- curl

// Single-letter options that take a value (attached, `-uuser:pw`, or the next word).
const CURL_SHORT_VALUE = new Set('AbcCdDEeFHKmoPQrtTuUwxXYyz');
const CURL_LONG_VALUE = new Set(
  ('request data data-raw data-binary data-urlencode data-ascii json form form-string upload-file config output dump-header cookie-jar trace ' +
    'trace-ascii stderr etag-save etag-compare hsts alt-svc header proxy-header user proxy-user user-agent referer max-time connect-timeout ' +
    'write-out retry retry-delay retry-max-time cacert capath cert key cert-type key-type pass resolve connect-to proxy preproxy noproxy ' +
    'cookie unix-socket abstract-unix-socket oauth2-bearer url range max-redirs limit-rate interface aws-sigv4 expect100-timeout ' +
    'keepalive-time speed-time speed-limit max-filesize pinnedpubkey ciphers tls-max dns-servers time-cond variable proto-default ' +
    'proto proto-redir url-query doh-url continue-at')
    .split(' ')
    .map((o) => `--${o}`),
);
const CURL_LONG_FLAGS = new Set(
  ('silent show-error fail fail-with-body location location-trusted insecure verbose include head get compressed no-buffer ipv4 ipv6 ' +
    'http1.0 http1.1 http2 http2-prior-knowledge http3 globoff raw path-as-is digest basic negotiate ntlm anyauth tlsv1.2 tlsv1.3 ' +
    'retry-connrefused retry-all-errors progress-bar disable no-progress-meter no-keepalive tcp-nodelay ssl-reqd netrc netrc-optional ' +
    'parallel fail-early remote-name remote-name-all remote-header-name create-dirs styled-output no-styled-output')
    .split(' ')
    .map((o) => `--${o}`),
);
const CURL_SHORT_FLAGS = new Set('#0123456aBfgGiIjJklLMnNOpqRsSvVZ');
/** The config keyword of each option whose value can be a secret, and when it is one. */
const CURL_SECRET: Record<string, { key: string; secret: (v: string) => boolean }> = {};
const secretHeader = (v: string) => /^\s*[^:;]*(auth|token|secret|passw|api[-_]?key|cookie|session|credential|signature)[^:;]*[:;]/i.test(v);
for (const [names, key, secret] of [
  [['-H', '--header'], 'header', secretHeader],
  [['--proxy-header'], 'proxy-header', secretHeader],
  [['-u', '--user'], 'user', (v: string) => v.includes(':')],
  [['-U', '--proxy-user'], 'proxy-user', (v: string) => v.includes(':')],
  [['--oauth2-bearer'], 'oauth2-bearer', () => true],
  [['-b', '--cookie'], 'cookie', (v: string) => v.includes('=')],
] as const) {
  for (const n of names) CURL_SECRET[n] = { key, secret };
}
/** A value that makes curl read its standard input. */
const READS_STDIN = (v: string) => v === '-' || v.endsWith('@-') || v.endsWith('<-');
const URL_LIKE = /^[a-z][a-z0-9+.-]*:\/\//i;

/** A value for curl's config syntax: double-quoted, with the escapes curl reads there. */
export function curlConfigValue(value: string): string {
  const escaped = value.replace(/[\\"\t\n\r\v]/g, (c) => ({ '\\': '\\\\', '"': '\\"', '\t': '\\t', '\n': '\\n', '\r': '\\r', '\v': '\\v' })[c]!);
  return `"${escaped}"`;
}

/** `scheme://user:password@rest` → the URL without them and `user:password` (decoded, as curl decodes them). */
function curlUrlCredentials(url: string): { url: string; user: string } | undefined {
  const m = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#@]*)@(.*)$/is.exec(url);
  if (!m || !m[2]!.includes(':')) return undefined;
  const colon = m[2]!.indexOf(':');
  try {
    const user = decodeURIComponent(m[2]!.slice(0, colon));
    const password = decodeURIComponent(m[2]!.slice(colon + 1));
    // A colon in the decoded user name would move the split: not expressible as `user = "u:p"`.
    if (user.includes(':') || !password) return undefined;
    return { url: m[1]! + m[3]!, user: `${user}:${password}` };
  } catch {
    return undefined;
  }
}

function curl(args: string[]): HiddenSecrets | undefined {
  // After --next the options apply to other URLs: a config read first would not.
  if (args.includes('--next') || args.includes('-:')) return undefined;
  const out: string[] = [];
  const lines: string[] = [];
  const urlLines: string[] = [];
  let stdin = false;
  let unknownOption = false;
  const urls: number[] = [];
  const move = (option: string, value: string): boolean => {
    const s = CURL_SECRET[option];
    if (!s || !s.secret(value)) return false;
    lines.push(`${s.key} = ${curlConfigValue(value)}`);
    return true;
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const next = args[i + 1];
    if (a.startsWith('--') && a.length > 2) {
      if (CURL_LONG_VALUE.has(a) && next !== undefined) {
        if (READS_STDIN(next) && a !== '--url') stdin = true;
        i++;
        if (move(a, next)) continue;
        if (a === '--url') urls.push(out.length + 1);
        out.push(a, next);
        continue;
      }
      if (!CURL_LONG_FLAGS.has(a)) unknownOption = true;
      out.push(a);
    } else if (a.startsWith('-') && a.length > 1) {
      // A cluster of single letters: `-sSfL`, `-sH 'X: y'`, `-uuser:pw`.
      let kept = '-';
      let j = 1;
      for (; j < a.length; j++) {
        const c = a[j]!;
        if (!CURL_SHORT_VALUE.has(c)) {
          if (!CURL_SHORT_FLAGS.has(c)) unknownOption = true;
          kept += c;
          continue;
        }
        const attached = a.slice(j + 1);
        const value = attached || next;
        if (value === undefined) {
          kept += a.slice(j);
          break;
        }
        if (!attached) i++;
        if (READS_STDIN(value)) stdin = true;
        if (!move(`-${c}`, value)) {
          if (kept !== '-') out.push(kept);
          out.push(attached ? `-${c}${attached}` : `-${c}`);
          if (!attached) out.push(value);
        } else if (kept !== '-') out.push(kept);
        kept = '';
        break;
      }
      if (kept && kept !== '-') out.push(kept);
    } else {
      urls.push(out.length);
      out.push(a);
    }
  }
  // A password in the URL becomes `user`, which curl sends to every URL of the
  // command: moved only when the command names exactly one, and every option is known.
  const urlLike = out.filter((w) => URL_LIKE.test(w)).length;
  if (urls.length === 1 && urlLike <= 1 && !unknownOption) {
    const creds = curlUrlCredentials(out[urls[0]!]!);
    if (creds) {
      out[urls[0]!] = creds.url;
      // Before the options' own `user`: an explicit -u wins over the URL, as in curl.
      urlLines.push(`user = ${curlConfigValue(creds.user)}`);
    }
  }
  const config = [...urlLines, ...lines];
  if (!config.length) return undefined;
  // -q (skip .curlrc) only works as the very first argument.
  const first = out[0] === '-q' || out[0] === '--disable' ? 1 : 0;
  return {
    args: [...out.slice(0, first), '-K', SECRET_FILE, ...out.slice(first)],
    env: {},
    file: { text: `${config.join('\n')}\n`, stdin: !stdin, program: 'curl' },
  };
}

/** The argv with its passwords moved out, where the program allows it. */
export function hideArgvSecrets(file: string, args: readonly string[]): HiddenSecrets | undefined {
  const name = base(file);
  if (name === 'redis-cli' || name === 'valkey-cli') return redisCli([...args]);
  if (PG_CLIENTS.has(name)) return psql([...args]);
  if (MYSQL_CLIENTS.has(name)) return mysql([...args]);
  if (name === 'curl') return curl([...args]);
  return undefined;
}

/** The arguments as shown to people: the secret file named, not its (temporary) path. */
export function shownArgs(hidden: HiddenSecrets): string[] {
  const path = hidden.file?.stdin ? '-' : '<secret file>';
  return hidden.args.map((a) => a.split(SECRET_FILE).join(path));
}
