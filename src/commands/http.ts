// HTTP clients: a read only as GET or HEAD with no body, no upload, no form,
// no config file (which can hold any option) and no file written locally.
// Options the model does not know are not reads.
import type { Env, Finding, ProgramFamily, Word } from './types.js';
import { lit, opaque, programName, write } from './words.js';
import { maskUrl } from '../shared/mask-url.js';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const HARMLESS_OUTPUT = /^(-|\/dev\/(null|stdout|stderr))$/;

interface CurlOption {
  /** Takes a value. */
  value?: boolean;
  /** What makes it a write. */
  writes?: string;
  /** Writes the file named by its value, unless that is stdout or /dev/null. */
  file?: boolean;
  method?: boolean;
  get?: boolean;
  data?: boolean;
}

const V: CurlOption = { value: true };
const CURL: Record<string, CurlOption> = {
  '-X': { value: true, method: true }, '--request': { value: true, method: true },
  '-d': { value: true, data: true }, '--data': { value: true, data: true }, '--data-raw': { value: true, data: true },
  '--data-binary': { value: true, data: true }, '--data-urlencode': { value: true, data: true }, '--data-ascii': { value: true, data: true },
  '--json': { value: true, writes: 'a JSON body (an implied POST)' },
  '-F': { value: true, writes: 'a form (an implied POST)' }, '--form': { value: true, writes: 'a form (an implied POST)' },
  '--form-string': { value: true, writes: 'a form (an implied POST)' },
  '-T': { value: true, writes: 'an upload (an implied PUT)' }, '--upload-file': { value: true, writes: 'an upload (an implied PUT)' },
  '-K': { value: true, writes: 'a config file (it can hold any option)' }, '--config': { value: true, writes: 'a config file (it can hold any option)' },
  '-o': { value: true, file: true }, '--output': { value: true, file: true }, '-D': { value: true, file: true }, '--dump-header': { value: true, file: true },
  '-c': { value: true, file: true }, '--cookie-jar': { value: true, file: true }, '--trace': { value: true, file: true }, '--trace-ascii': { value: true, file: true },
  '--stderr': { value: true, file: true }, '--etag-save': { value: true, file: true }, '--hsts': { value: true, file: true }, '--alt-svc': { value: true, file: true },
  '-O': { writes: 'saves the download to a file' }, '--remote-name': { writes: 'saves the download to a file' },
  '--remote-name-all': { writes: 'saves the download to a file' }, '-J': {}, '--remote-header-name': {},
  '-G': { get: true }, '--get': { get: true }, '-I': { get: true }, '--head': { get: true },
  '-H': V, '--header': V, '-u': V, '--user': V, '-A': V, '--user-agent': V, '-e': V, '--referer': V, '-m': V, '--max-time': V,
  '--connect-timeout': V, '-w': V, '--write-out': V, '--retry': V, '--retry-delay': V, '--retry-max-time': V, '--cacert': V,
  '--capath': V, '-E': V, '--cert': V, '--key': V, '--cert-type': V, '--key-type': V, '--resolve': V, '--connect-to': V,
  '-x': V, '--proxy': V, '--noproxy': V, '-b': V, '--cookie': V, '--unix-socket': V, '--abstract-unix-socket': V, '--oauth2-bearer': V,
  '--url': V, '-r': V, '--range': V, '--max-redirs': V, '--limit-rate': V, '--interface': V, '--aws-sigv4': V, '-U': V, '--proxy-user': V,
  '--expect100-timeout': V, '--keepalive-time': V, '-y': V, '--speed-time': V, '-Y': V, '--speed-limit': V, '--max-filesize': V,
  '--pinnedpubkey': V, '--ciphers': V, '--tls-max': V, '--dns-servers': V, '-z': V, '--time-cond': V, '--variable': V,
  '-s': {}, '--silent': {}, '-S': {}, '--show-error': {}, '-f': {}, '--fail': {}, '--fail-with-body': {}, '-L': {}, '--location': {},
  '-k': {}, '--insecure': {}, '-v': {}, '--verbose': {}, '-i': {}, '--include': {}, '--compressed': {}, '-N': {}, '--no-buffer': {},
  '-4': {}, '-6': {}, '--http1.0': {}, '--http1.1': {}, '--http2': {}, '--http2-prior-knowledge': {}, '--http3': {}, '-g': {},
  '--globoff': {}, '--raw': {}, '--path-as-is': {}, '--digest': {}, '--basic': {}, '--negotiate': {}, '--ntlm': {}, '--anyauth': {},
  '--tlsv1.2': {}, '--tlsv1.3': {}, '--retry-connrefused': {}, '--retry-all-errors': {}, '-#': {}, '--progress-bar': {}, '-q': {},
  '--disable': {}, '--no-progress-meter': {}, '--location-trusted': {}, '--no-keepalive': {}, '--tcp-nodelay': {}, '--ssl-reqd': {},
  '--styled-output': {}, '--no-styled-output': {}, '-n': {}, '--netrc': {}, '--netrc-optional': {}, '-Z': {}, '--parallel': {},
  '--proto-default': V, '--proto': V, '--proto-redir': V, '-:': {}, '--next': {}, '--ipv4': {}, '--ipv6': {}, '--fail-early': {},
};

function curl(words: Word[]): Finding[] {
  let method: { value: string; word: Word } | undefined;
  let data: Word | undefined;
  let get = false;
  const apply = (name: string, opt: CurlOption, value: Word | undefined, word: Word): Finding[] | undefined => {
    if (opt.writes) return write(`curl ${name} (${opt.writes})`, word);
    if (opt.file && value && !(value.known && HARMLESS_OUTPUT.test(value.value))) return write(`curl ${name} (writes ${value.known ? value.value : 'a file'})`, word);
    if (opt.method) {
      if (!value || !value.known) return opaque(`curl ${name} with a method only known at run time`, value ?? word);
      method = { value: value.value.toUpperCase(), word };
    }
    if (opt.data) data ??= word;
    if (opt.get) get = true;
    return undefined;
  };
  for (let i = 1; i < words.length; i++) {
    const w = words[i]!;
    if (!w.known) {
      if (w.value === '' || w.value.startsWith('-')) return opaque('curl argument only known at run time (it may be an option)', w);
      continue;
    }
    const v = w.value;
    if (!v.startsWith('-') || v === '-') continue;
    if (v.startsWith('--')) {
      const eq = v.indexOf('=');
      const name = eq > 0 ? v.slice(0, eq) : v;
      const opt = CURL[name] ?? (name.startsWith('--no-') ? {} : undefined);
      if (!opt) return opaque(`curl option ${name} is unknown`, w);
      const value = opt.value ? (eq > 0 ? { ...w, value: v.slice(eq + 1) } : words[++i]) : undefined;
      const found = apply(name, opt, value, w);
      if (found) return found;
      continue;
    }
    // Short options cluster: -sSfL, -XPOST, -sSo /dev/null.
    for (let k = 1; k < v.length; k++) {
      const name = `-${v[k]}`;
      const opt = CURL[name];
      if (!opt) return opaque(`curl option ${name} is unknown`, w);
      if (opt.value) {
        const rest = v.slice(k + 1);
        const value = rest ? { ...w, value: rest } : words[++i];
        const found = apply(name, opt, value, w);
        if (found) return found;
        break;
      }
      const found = apply(name, opt, undefined, w);
      if (found) return found;
    }
  }
  if (method && !READ_METHODS.has(method.value)) return write(`curl -X ${method.value}`, method.word);
  if (data && !get) return write(`curl ${data.value.split('=')[0]!.slice(0, 20)} (a body: an implied POST)`, data);
  return [];
}

function wget(words: Word[]): Finding[] {
  let toStdout = false;
  for (let i = 1; i < words.length; i++) {
    const w = words[i]!;
    if (!w.known) {
      if (w.value === '' || w.value.startsWith('-')) return opaque('wget argument only known at run time (it may be an option)', w);
      continue;
    }
    const v = w.value;
    if (/^--(post|body)-(data|file)(=|$)/.test(v)) return write(`wget ${v.split('=')[0]} (a body: an implied POST)`, w);
    if (v === '--method' || v.startsWith('--method=')) {
      const m = (v.includes('=') ? v.slice(9) : lit(words[i + 1]) ?? '').toUpperCase();
      if (!READ_METHODS.has(m)) return write(`wget --method=${m || '?'}`, w);
    }
    if (v === '--spider' || /^-[a-zA-Z]*O-$/.test(v) || ((v === '-O' || v === '--output-document') && HARMLESS_OUTPUT.test(lit(words[i + 1]) ?? ''))) toStdout = true;
    if (v.startsWith('--output-document=') && HARMLESS_OUTPUT.test(v.slice(18))) toStdout = true;
    if (/^-[a-zA-Z]*O$/.test(v) && HARMLESS_OUTPUT.test(lit(words[i + 1]) ?? '')) toStdout = true;
  }
  return toStdout ? [] : write('wget (saves the download to a file; use -qO- to read)', words[0]!);
}

const HTTPIE_VALUE_FLAGS = new Set(['-a', '--auth', '-A', '--auth-type', '--session', '--session-read-only', '--verify', '--cert', '--cert-key', '--timeout', '--proxy', '-p', '--print', '--pretty', '-s', '--style', '--default-scheme', '--max-redirects', '--boundary', '--format-options', '--response-charset', '--response-mime', '--ssl', '--ciphers', '--max-headers']);
const HTTP_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'PATCH', 'DELETE', 'TRACE', 'CONNECT']);

/** httpie / xh: `http [METHOD] URL [items]`; data items imply POST. */
function httpie(words: Word[]): Finding[] {
  const tool = programName(lit(words[0])!);
  const pos: Word[] = [];
  for (let i = 1; i < words.length; i++) {
    const w = words[i]!;
    if (!w.known) {
      if (w.value === '' || w.value.startsWith('-')) return opaque(`${tool} argument only known at run time`, w);
      pos.push(w);
      continue;
    }
    const v = w.value;
    if (/^(-o|--output|-d|--download|--raw|-f|--form|--multipart|--offline)(=|$)/.test(v)) {
      if (v.startsWith('--offline')) return [];
      return write(`${tool} ${v.split('=')[0]}`, w);
    }
    if (v.startsWith('-') && v.length > 1) {
      if (!v.includes('=') && HTTPIE_VALUE_FLAGS.has(v)) i++;
      continue;
    }
    pos.push(w);
  }
  if (!pos.length) return [];
  const first = pos[0]!;
  const explicit = pos.length > 1 && first.known && HTTP_METHODS.has(first.value.toUpperCase()) ? first : undefined;
  if (explicit && !READ_METHODS.has(explicit.value.toUpperCase())) return write(`${tool} ${explicit.value.toUpperCase()}`, explicit);
  const items = pos.slice(explicit ? 2 : 1);
  for (const item of items) {
    if (!item.known) return opaque(`${tool} request item only known at run time`, item);
    const sep = /^(?:\\.|[^:=@\\])*?(==|:=@|:=|=@|=|@|:)/.exec(item.value)?.[1];
    if (sep !== undefined && sep !== '==' && sep !== ':') return write(`${tool} with data ${item.value} (an implied POST)`, item);
  }
  return [];
}

function httpTarget(words: Word[], _env: Env): string | undefined {
  const values = words.map((w) => (w.known ? w.value : ''));
  const m = values.findIndex((v) => v === '-X' || v === '--request');
  const method = m > 0 ? values[m + 1] : values.find((v) => /^-X[A-Z]+$/.test(v))?.slice(2);
  const url = values.slice(1).find((v) => /^https?:\/\//i.test(v));
  const implied = values.some((v) => /^(-d|--data|--json|-F|--form)/.test(v)) ? 'POST' : 'GET';
  return url ? `${(method ?? implied).toUpperCase()} ${maskUrl(url)}` : undefined;
}

export const http: ProgramFamily = { programs: ['curl'], judge: curl, target: httpTarget };
export const wgetFamily: ProgramFamily = { programs: ['wget'], judge: wget, target: httpTarget };
export const httpieFamily: ProgramFamily = { programs: ['http', 'https', 'xh', 'xhs'], judge: httpie, target: httpTarget };
