// A chat webhook URL is a credential: whoever has it can post as the on-call
// bot. Written in a runbook it lands in git, in CI logs and in every checkout,
// so it must reach the run from a secret parameter (env: VAR) or from
// message.post.urlEnv. Known webhook services are caught in any string of the
// runbook (a param default, a curl command, a note); in a message.post url any
// literal part that reads like a token is too, and a url that is one param
// needs that param to be secret (the journal records every public value).
import type { DocPath } from '../../runbook/source.js';
import { findInterpolations } from '../cel.js';
import type { Rule } from '../types.js';

interface WebhookService {
  name: string;
  /** Capture 1 is the part that may be shown; what follows it is the secret. */
  pattern: RegExp;
}

// The secret must be written out (a letter or digit right after the prefix):
// `…/services/${{ params.path }}` takes it from a parameter and is fine.
const SERVICES: readonly WebhookService[] = [
  { name: 'Slack', pattern: /^(https?:\/\/hooks\.slack(?:-gov)?\.com\/(?:services|workflows|triggers)\/)[A-Za-z0-9]/i },
  { name: 'Discord', pattern: /^(https?:\/\/(?:(?:ptb|canary)\.)?discord(?:app)?\.com\/api\/(?:v\d+\/)?webhooks\/)[0-9]/i },
  { name: 'Microsoft Teams', pattern: /^(https?:\/\/(?:[a-z0-9-]+\.)*webhook\.office\.com\/webhookb2\/)[A-Za-z0-9]/i },
  { name: 'Outlook', pattern: /^(https?:\/\/outlook\.office(?:365)?\.com\/webhook\/)[A-Za-z0-9]/i },
  { name: 'Power Automate', pattern: /^(https?:\/\/[a-z0-9.-]+\.logic\.azure\.com(?::\d+)?\/workflows\/)[A-Za-z0-9]/i },
  { name: 'Google Chat', pattern: /^(https?:\/\/chat\.googleapis\.com\/v1\/spaces\/)[^?]+\?(?:.*&)?(?:key|token)=[A-Za-z0-9]/i },
];

const URL_IN_TEXT = /https?:\/\/[^\s"'`<>\\]+/gi;
const SECRET_QUERY_KEY = /^(key|token|sig|signature|code|secret|access_token|api_key|apikey|password|auth)$/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const WHOLE_PARAM = /^\s*\$\{\{\s*params\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}\s*$/;

/** A path segment that reads like a generated secret: a UUID, or a run of 16+
 *  letters and digits mixing both (Mattermost's 26-character hook ids, tokens). */
export function tokenLike(segment: string): boolean {
  if (UUID.test(segment)) return true;
  return segment.split(/[-_@]/).some((piece) => piece.length >= 16 && /^[A-Za-z0-9]+$/.test(piece) && /[0-9]/.test(piece) && /[A-Za-z]/.test(piece));
}

/** The string with every `${{ }}` blanked (same length), so URLs stop where a value comes in. */
function literalText(text: string): string {
  let out = text;
  for (const i of findInterpolations(text)) out = out.slice(0, i.start) + ' '.repeat(i.end - i.start) + out.slice(i.end);
  return out;
}

interface TokenPart {
  what: string;
  shown: string;
}

/** What in a literal URL is secret material, and the URL with it masked. */
function secretPart(url: string): TokenPart | undefined {
  const m = /^(https?:\/\/)([^/?#]*)([^?#]*)(\?[^#]*)?/i.exec(url);
  if (!m) return undefined;
  const [, scheme, authority, path, query = ''] = m as unknown as [string, string, string, string, string?];
  const at = authority.lastIndexOf('@');
  const userinfo = at >= 0 ? authority.slice(0, at) : '';
  const host = at >= 0 ? authority.slice(at + 1) : authority;
  const whats: string[] = [];
  let shownAuthority = host;
  if (userinfo.includes(':')) {
    whats.push('a password');
    shownAuthority = `${userinfo.slice(0, userinfo.indexOf(':'))}:***@${host}`;
  }
  const segments = path.split('/');
  const shownPath = segments.map((s) => (tokenLike(s) ? '***' : s)).join('/');
  if (shownPath !== path) whats.push('a token-like path segment');
  const pairs = query ? query.slice(1).split('&') : [];
  const secretKeys: string[] = [];
  const shownPairs = pairs.map((pair) => {
    const eq = pair.indexOf('=');
    const key = eq >= 0 ? pair.slice(0, eq) : pair;
    const value = eq >= 0 ? pair.slice(eq + 1) : '';
    if (!value || !(SECRET_QUERY_KEY.test(key) || tokenLike(value))) return pair;
    secretKeys.push(key);
    return `${key}=***`;
  });
  if (secretKeys.length) whats.push(`a token-like query value (${secretKeys.map((k) => `${k}=`).join(', ')})`);
  if (!whats.length) return undefined;
  return { what: whats.join(' and '), shown: `${scheme}${shownAuthority}${shownPath}${pairs.length ? `?${shownPairs.join('&')}` : ''}` };
}

function isPostUrl(path: DocPath): boolean {
  const n = path.length;
  return n >= 3 && path[n - 1] === 'url' && path[n - 2] === 'post' && path[n - 3] === 'message';
}

export const noLiteralWebhookUrl: Rule<'literalWebhook' | 'tokenInPostUrl' | 'publicParam'> = {
  meta: {
    id: 'no-literal-webhook-url',
    description: 'webhook URLs (Slack, Discord, Teams, Google Chat…) and tokens in message.post urls come from a secret parameter or urlEnv, never the runbook text',
    severity: 'error',
    messages: {
      literalWebhook:
        'a {{service}} webhook URL "{{url}}" is written in the runbook, and whoever reads it can post; take it from a secret parameter (secret: true, env: VAR, no default) or from message.post.urlEnv',
      tokenInPostUrl:
        'message.post url "{{url}}" has {{what}} written in the runbook; take the URL (or that part of it) from a secret parameter (secret: true, env: VAR) or from message.post.urlEnv',
      publicParam:
        'message.post url comes from param "{{name}}", which is not secret: a webhook URL is a credential and a public value is journaled as it is; declare "{{name}}" with secret: true',
    },
  },
  create(context) {
    const report = (text: string, path: DocPath): void => {
      if (!text.includes('://')) return;
      const literal = literalText(text);
      for (const m of literal.matchAll(URL_IN_TEXT)) {
        const url = m[0];
        const where = { path, offset: m.index!, length: url.length };
        const service = SERVICES.find((s) => s.pattern.test(url));
        if (service) {
          const shown = `${service.pattern.exec(url)![1]}***`;
          context.report({ ...where, messageId: 'literalWebhook', data: { service: service.name, url: shown } });
          continue;
        }
        const secret = isPostUrl(path) ? secretPart(url) : undefined;
        if (secret) context.report({ ...where, messageId: 'tokenInPostUrl', data: { url: secret.shown, what: secret.what } });
      }
    };
    const walk = (value: unknown, path: Array<string | number>): void => {
      if (typeof value === 'string') report(value, [...path]);
      else if (Array.isArray(value)) value.forEach((v, i) => walk(v, [...path, i]));
      else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, [...path, k]);
    };
    return {
      step({ step, path }) {
        const url = step.message?.post?.url;
        const name = typeof url === 'string' ? WHOLE_PARAM.exec(url)?.[1] : undefined;
        const param = name !== undefined ? context.runbook.params?.[name] : undefined;
        // An undeclared param is the references rule's business.
        if (name !== undefined && param && param.secret !== true) {
          context.report({ path: [...path, 'message', 'post', 'url'], messageId: 'publicParam', data: { name } });
        }
      },
      end() {
        walk(context.runbook, []);
      },
    };
  },
};
