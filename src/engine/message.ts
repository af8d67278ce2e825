// Message steps. Without `post`, the text is shown and nothing leaves the
// machine. With `post`, sending it is an external effect: it is rendered
// (URL, headers, body) when the step is prepared, shown with its secret parts
// masked, planned and never sent in a dry-run, sent only after a plain yes
// (or --approve), and a failed post is shown and journaled while the run
// goes on: a Slack outage must not stop a mitigation or a resolve.
import type { DocPath } from '../runbook/source.js';
import type { MessagePost, Step } from '../runbook/types.js';
import { stringify } from '../runbook/expressions.js';
import { defined } from '../shared/defined.js';
import { maskWebhookUrl, sendPost, webhookUrlSecrets } from '../steps/message-post.js';
import type { Plan } from '../steps/types.js';
import { freshApproval } from './approval.js';
import { optionRef, stepRef, Stop, type Finished, type Ready, type RunCore } from './core.js';
import type { PostRecord } from './events.js';
import { finish } from './outcome.js';
import { finishedExtra, startedEvent } from './prepare.js';
import { LocatedError } from './scope.js';

/** A post rendered with the real values, or the reason it cannot be. */
export interface PreparedPost {
  type: MessagePost['type'];
  method: 'POST' | 'PUT' | 'PATCH';
  /** The real URL (never shown, never journaled). */
  url?: string;
  shownUrl: string;
  /** The real header values (never shown). */
  headers: Record<string, string>;
  shownHeaders: Record<string, string>;
  /** The body as it will be sent: redacted. */
  body: unknown;
  /** Why it cannot be sent ("no URL: set SLACK_WEBHOOK_URL"). */
  error?: string;
}

/** A post without an answer yet waits this long unless the step declares a timeout. */
export const POST_TIMEOUT_MS = 10_000;

const SECRET_HEADERS = /^(authorization|proxy-authorization|cookie|x-api-key|api-key|x-auth-token)$/i;

/** The parameters (or variable) the post needs and has no value for, as the ways to set them. */
function unsetWays(core: RunCore, templates: string[], urlEnv?: string): string[] {
  const ways = new Set<string>();
  for (const t of templates) {
    for (const m of t.matchAll(/params\.([A-Za-z_][A-Za-z0-9_]*)/g)) {
      const name = m[1]!;
      if (core.o.params.sources[name] !== 'unset') continue;
      ways.add(core.o.runbook.params?.[name]?.env ?? `--set ${name}=…`);
    }
  }
  if (urlEnv && !core.env[urlEnv]) ways.add(urlEnv);
  return [...ways];
}

/** Renders the post of a message step: URL, headers and body with the real values.
 *  The body is rendered on its own, so a plan without a URL still shows it. */
export function preparePost(core: RunCore, step: Step, path: DocPath, text: string): PreparedPost {
  const p = step.message!.post!;
  const at = [...path, 'message', 'post'];
  const method = p.type === 'slack' ? 'POST' : (p.method ?? 'POST');
  const out: PreparedPost = { type: p.type, method, headers: {}, shownHeaders: {}, shownUrl: '(no URL)', body: {} };
  const fail = (what: string, templates: string[], e: unknown): PreparedPost => {
    if (!(e instanceof LocatedError)) throw e;
    const ways = unsetWays(core, templates);
    return { ...out, error: ways.length ? `${what}: set ${ways.join(' and ')}` : `cannot render the ${what === 'no URL' ? 'URL' : 'post'}: ${e.message}` };
  };
  try {
    const raw = p.type === 'slack' ? { text } : p.body !== undefined ? core.scope.interpolateDeep(p.body, [...at, 'body']) : { channel: step.message!.channel, text };
    // Secrets never leave in the text: the body is redacted before it is sent.
    out.body = core.redactor.value(raw);
  } catch (e) {
    return fail('missing values for the body', [JSON.stringify(p.body ?? {})], e);
  }
  let url: string;
  try {
    url = p.url ? stringify(core.scope.interpolate(p.url, [...at, 'url'])).trim() : '';
  } catch (e) {
    if (!p.urlEnv) return fail('no URL', [p.url ?? ''], e);
    url = '';
  }
  if (!url && p.urlEnv) {
    url = core.env[p.urlEnv]?.trim() ?? '';
    // A webhook URL is a credential: its whole value is secret wherever it is echoed.
    core.redactor.add(url);
  }
  if (!url) {
    const ways = unsetWays(core, [p.url ?? ''], p.urlEnv);
    return { ...out, error: `no URL: ${ways.length ? `set ${ways.join(' and ')}` : 'the url is empty'}` };
  }
  if (!/^https?:\/\//i.test(url)) return { ...out, error: `the URL must be http:// or https://, got ${JSON.stringify(maskWebhookUrl(url))}` };
  for (const s of webhookUrlSecrets(url)) core.redactor.add(s);
  out.url = url;
  out.shownUrl = maskWebhookUrl(url);
  try {
    for (const [k, v] of Object.entries(p.headers ?? {})) {
      const value = stringify(core.scope.interpolate(v, [...at, 'headers', k]));
      out.headers[k] = value;
      if (SECRET_HEADERS.test(k)) {
        const token = value.split(/\s+/).at(-1);
        if (token && token.length >= 4) core.redactor.add(token);
      }
      // "OAuth ***": the scheme says what it is, the credential stays secret.
      out.shownHeaders[k] = core.redactor.string(SECRET_HEADERS.test(k) ? value.replace(/\S+$/, '***') : value);
    }
  } catch (e) {
    return fail('missing values for the headers', Object.values(p.headers ?? {}), e);
  }
  return out;
}

/** What the journal and the screen keep of a post: never the real URL or credentials. */
export function postRecord(post: PreparedPost): PostRecord {
  const headers = Object.keys(post.shownHeaders).length ? { headers: post.shownHeaders } : {};
  return { type: post.type, method: post.method, url: post.shownUrl, ...headers, body: post.body };
}

function planOf(post: PreparedPost, channel: string): Plan {
  return {
    summary: `would post to ${channel}: ${post.method} ${post.shownUrl}`,
    target: post.shownUrl,
    details: [...Object.entries(post.shownHeaders).map(([k, v]) => `${k}: ${v}`), ...JSON.stringify(post.body, null, 2).split('\n')],
  };
}

/** Runs a message step: shows it, and posts it when it has a post and may. */
export async function runMessage(core: RunCore, r: Ready): Promise<void> {
  if (r.action.type !== 'message') return;
  const { step, ctx } = r;
  const { message, post } = r.action;
  const done = (f: Finished, ms = 0, extra = {}): void => {
    finish(core, step, ctx, r.kind, r.effect, f, ms, { ...finishedExtra(r), ...extra });
  };
  if (!post) {
    core.emit(startedEvent(r));
    return done({ status: 'ok', summary: message.channel, attempts: 1 });
  }
  const o = core.o;
  // A rehearsal posts to its scenario: a webhook URL it does not have is no reason to stop.
  if (post.error && !o.backend) {
    if (o.dryRun) {
      core.plannedWrites++;
      return done({ status: 'planned', summary: `would post to ${message.channel}, but ${post.error}`, attempts: 0, planError: post.error });
    }
    core.unposted.push(step.id);
    return done({ status: 'failed', reason: 'error', summary: `not posted: ${post.error}`, attempts: 0 });
  }
  const plan = planOf(post, message.channel);
  r.plan = plan;
  if (o.dryRun) {
    core.plannedWrites++;
    return done({ status: 'planned', summary: plan.summary, attempts: 0, plan });
  }
  const fresh = freshApproval(core, step.id);
  const inDoubt = fresh !== undefined;
  core.emit({
    type: 'approval-needed',
    ...stepRef(step.id, ctx),
    effect: 'write',
    action: `post to ${message.channel}: ${post.method} ${post.shownUrl}`,
    warnings: [...(fresh ? [fresh] : []), ...(step.warnings ?? [])],
    // A message is never typed-confirmed: a yes is enough.
    highRisk: false,
    ...defined({ title: step.title, target: post.shownUrl, plan, inDoubt }),
  });
  const ref = optionRef(step.id, ctx);
  const flags = inDoubt ? (o.resumeApprove ?? []) : (o.approve ?? []);
  const hint = `--approve ${step.id}`;
  if (flags.includes(step.id)) {
    core.emit({ type: 'approval-given', ...ref, approver: core.user, via: 'flag' });
  } else if (!o.prompter.interactive) {
    // The same rule as any write: no TTY and no --approve stops before it.
    core.emit({ type: 'approval-declined', ...ref, approver: core.user, reason: 'not-approved', hint });
    throw new Stop('stopped', 3, `stopped before posting message "${step.id}" to ${message.channel}: not approved (non-interactive run); approve it with ${hint}`, hint);
  } else {
    const yes = await core.ask(o.prompter.confirm(core.redactor.string(`Post message "${step.id}" to ${message.channel} (${post.method} ${post.shownUrl})?`)));
    if (!yes) {
      // Declining a message is a decision about that message: the incident work goes on.
      core.emit({ type: 'approval-declined', ...ref, approver: core.user, reason: 'declined' });
      return done({ status: 'skipped', summary: `not posted: declined by ${core.user}`, attempts: 0 });
    }
    core.emit({ type: 'approval-given', ...ref, approver: core.user, via: 'prompt' });
  }
  core.emit(startedEvent(r));
  const timeoutMs = step.timeout ? r.timeoutMs : POST_TIMEOUT_MS;
  const sent = o.backend
    ? await o.backend.post(core, r)
    : await sendPost(
        { type: post.type, method: post.method, url: post.url!, shownUrl: post.shownUrl, headers: post.headers, body: JSON.stringify(post.body) },
        { timeoutMs, signal: core.signal },
      );
  const answer = { status: sent.status, response: sent.response };
  if (core.signal.aborted) {
    done({ status: 'interrupted', reason: 'interrupted', summary: `interrupted: ${sent.summary}`, attempts: 1 }, sent.durationMs, { post: { ...postRecord(post), ...answer } });
    throw new Stop('interrupted', 130, `interrupted during "${step.id}"`);
  }
  if (!sent.ok) core.unposted.push(step.id);
  done(
    { status: sent.ok ? 'ok' : 'failed', summary: sent.summary, attempts: 1, result: answer, ...defined({ reason: sent.reason }) },
    sent.durationMs,
    { post: { ...postRecord(post), ...answer } },
  );
}
