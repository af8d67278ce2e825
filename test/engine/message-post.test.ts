// Message steps that post, against a real local HTTP server speaking Slack's
// incoming-webhook replies and Atlassian Statuspage's component API.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ScriptedPrompter } from '../../src/engine/prompter.js';
import { run, runbook } from './helpers.js';

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let server: Server;
let base = '';
const received: Received[] = [];
/** Hold requests to this path without answering (a webhook that hangs). */
const HANG = '/services/hang/hang/hang';

function answer(req: Received, res: ServerResponse): void {
  if (req.url.startsWith('/services/')) {
    if (req.url === '/services/T000/B000/good') {
      res.writeHead(200, { 'content-type': 'text/html' }).end('ok');
    } else {
      res.writeHead(404, { 'content-type': 'text/html' }).end('no_service');
    }
    return;
  }
  const m = /^\/v1\/pages\/(\w+)\/components\/(\w+)$/.exec(req.url);
  if (!m || req.method !== 'PATCH') return void res.writeHead(404).end('{"error":"not found"}');
  if (req.headers.authorization !== 'OAuth sp-key-123456') return void res.writeHead(401).end('{"error":"Could not authenticate"}');
  let status: unknown;
  try {
    status = (JSON.parse(req.body) as { component?: { status?: string } }).component?.status;
  } catch {
    return void res.writeHead(400).end('{"error":"invalid json"}');
  }
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: m[2], page_id: m[1], name: 'Dispatch', status }));
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(r);
      if (r.url === HANG) return; // never answers
      answer(r, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  received.length = 0;
});

const PARAMS = `
slack_webhook: { env: SLACK_WEBHOOK_URL, secret: true }
token: { env: DB_TOKEN, secret: true }
sp_key: { env: SP_KEY, secret: true }
sp_api: { env: SP_API }
`;

const COMMUNICATE = `
steps:
  - id: slack
    message:
      channel: '#prod-alerts'
      text: 'Dispatch down, token ${'${{ params.token }}'} leaked in logs'
      post: { type: slack, url: '${'${{ params.slack_webhook }}'}' }
  - id: statuspage
    message:
      channel: status page
      text: 'Component "Dispatch" → "Degraded"'
      post:
        type: webhook
        method: PATCH
        url: '${'${{ params.sp_api }}'}/v1/pages/pg1/components/cmp1'
        headers: { Authorization: 'OAuth ${'${{ params.sp_key }}'}' }
        body: { component: { status: degraded_performance } }
`;

const RESOLVE = `
steps:
  - id: done
    run: ['true']
    effect: read
`;

const YAML = runbook({ params: PARAMS, communicate: COMMUNICATE, resolve: RESOLVE });

function env(slackPath = '/services/T000/B000/good'): Record<string, string> {
  return { PATH: process.env.PATH ?? '', SLACK_WEBHOOK_URL: `${base}${slackPath}`, DB_TOKEN: 's3cr3t-token-value', SP_KEY: 'sp-key-123456', SP_API: base };
}

describe('message posts', () => {
  test('approved posts arrive exactly once, with the secret in the text masked', async () => {
    const r = await run(YAML, { env: env(), approve: ['slack', 'statuspage'] });
    expect(r.result.outcome).toBe('resolved');
    expect(received.map((q) => `${q.method} ${q.url}`)).toEqual(['POST /services/T000/B000/good', 'PATCH /v1/pages/pg1/components/cmp1']);
    expect(JSON.parse(received[0]!.body)).toEqual({ text: 'Dispatch down, token *** leaked in logs' });
    expect(received[0]!.body).not.toContain('s3cr3t');
    expect(received[1]!.headers.authorization).toBe('OAuth sp-key-123456');
    expect(JSON.parse(received[1]!.body)).toEqual({ component: { status: 'degraded_performance' } });
    expect(r.step('slack')).toMatchObject({ status: 'ok', effect: 'write', summary: 'posted: 200 ok' });
    expect(r.step('statuspage')?.summary).toContain('"status":"degraded_performance"');
    // What subscribers (the journal) see: no secret, no webhook path, no API key.
    const journal = JSON.stringify(r.events);
    expect(journal).not.toContain('s3cr3t');
    expect(journal).not.toContain('B000/good');
    expect(journal).not.toContain('sp-key-123456');
    expect(r.step('slack')?.post?.url).toBe(`${base}/services/***`);
    expect(r.step('statuspage')?.post?.headers).toEqual({ Authorization: 'OAuth ***' });
  });

  test('interactive: a plain yes posts, a no does not, and the run goes on', async () => {
    const prompter = new ScriptedPrompter([{ confirm: false }, { confirm: true }]);
    const r = await run(YAML, { env: env(), prompter });
    expect(prompter.asked.map((a) => a.kind)).toEqual(['confirm', 'confirm']);
    expect(prompter.asked[0]!.message).toContain('#prod-alerts');
    expect(received.map((q) => q.url)).toEqual(['/v1/pages/pg1/components/cmp1']);
    expect(r.step('slack')).toMatchObject({ status: 'skipped' });
    expect(r.result.outcome).toBe('resolved');
  });

  test('non-interactive without --approve: nothing sent, stopped before the post (exit 3)', async () => {
    const r = await run(YAML, { env: env() });
    expect(received).toHaveLength(0);
    expect(r.result).toMatchObject({ outcome: 'stopped', exitCode: 3 });
    expect(r.result.message).toContain('--approve slack');
  });

  test('dry-run never connects and shows the exact body', async () => {
    const r = await run(YAML, { env: env(), dryRun: true });
    expect(received).toHaveLength(0);
    expect(r.result.outcome).toBe('rehearsed');
    const sp = r.step('statuspage')!;
    expect(sp.status).toBe('planned');
    expect(sp.plan?.details?.join('\n')).toContain('"status": "degraded_performance"');
    expect(r.step('slack')?.post?.body).toEqual({ text: 'Dispatch down, token *** leaked in logs' });
  });

  test('dry-run with no URL set is planned and says which variable to set', async () => {
    const r = await run(YAML, { env: { PATH: process.env.PATH ?? '' }, dryRun: true });
    expect(received).toHaveLength(0);
    expect(r.step('slack')).toMatchObject({ status: 'planned', planError: 'no URL: set SLACK_WEBHOOK_URL' });
  });

  test('a 404 no_service is shown, and the run goes on to resolve', async () => {
    const r = await run(YAML, { env: env('/services/T000/B000/revoked'), approve: ['slack', 'statuspage'] });
    expect(r.step('slack')).toMatchObject({ status: 'failed' });
    expect(r.step('slack')?.summary).toMatch(/answered 404 no_service \(the webhook URL is wrong/);
    expect(r.step('slack')?.summary).not.toContain('revoked');
    expect(r.step('done')?.status).toBe('ok');
    expect(r.result).toMatchObject({ outcome: 'resolved', exitCode: 0 });
    expect(r.result.message).toContain('not posted: slack');
  });

  test('a webhook that never answers times out and the run goes on', async () => {
    const yaml = YAML.replace("post: { type: slack, url: '${{ params.slack_webhook }}' }", "post: { type: slack, url: '${{ params.slack_webhook }}' }\n        timeout: 1s");
    const r = await run(yaml, { env: env(HANG), approve: ['slack', 'statuspage'] });
    expect(r.step('slack')).toMatchObject({ status: 'failed', reason: 'timeout' });
    expect(r.step('statuspage')?.status).toBe('ok');
    expect(r.result.outcome).toBe('resolved');
  }, 15_000);

  test('a failed post in mitigate does not stop the run', async () => {
    const yaml = runbook({
      params: PARAMS,
      mitigate: `options:
  - id: a
    title: A
    steps:
      - id: tell
        message: { channel: '#x', text: hi, post: { type: slack, urlEnv: SLACK_WEBHOOK_URL } }
      - id: after
        run: ['true']
        effect: read`,
      resolve: RESOLVE,
    });
    const r = await run(yaml, { env: env('/services/nope/nope/nope'), approve: ['tell'], option: 'a' });
    expect(r.step('tell')?.status).toBe('failed');
    expect(r.step('after')?.status).toBe('ok');
    expect(r.result.outcome).toBe('resolved');
    expect(JSON.stringify(r.events)).not.toContain('nope/nope');
  });
});
