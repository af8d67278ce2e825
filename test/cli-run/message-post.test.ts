// Posting messages from the built CLI, as a process: POST-001 posts to a Slack
// incoming webhook and to a generic JSON webhook, both served by a real HTTP
// sink on loopback that records every request. What the engine tests already
// pin (request shapes, Slack's error words, URL masking) is not repeated here;
// this is about the process: a yes typed in a real terminal, a no, --approve
// with no terminal, --dry-run, what reaches the wire and the screen, and a
// webhook that fails or hangs while the run goes on to resolve.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { tempDir } from '../engine/helpers.js';
import { KEY, spawnPty, type PtySession } from '../support/pty.js';
import { BIN, assertBuilt, journalEvents, oncall, ROOT } from './helpers.js';

const RUNBOOKS = join(ROOT, 'test', 'fixtures', 'message-post');
const SECRET = 'hunter2-db-pass';
const SLACK_PATH = '/services/T0FIXTURE/B0FIXTURE/xoxbSlackPathSecret';

interface Received {
  method: string;
  url: string;
  contentType?: string;
  body: string;
}

let server: Server;
let base = '';
const received: Received[] = [];
/** How the sink answers, by path: 'ok', 500, or never. */
const behaviour = new Map<string, 'ok' | 500 | 'hang'>();

beforeAll(async () => {
  assertBuilt();
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = req.url ?? '';
      received.push({ method: req.method ?? '', url, contentType: req.headers['content-type'], body: Buffer.concat(chunks).toString('utf8') });
      const how = behaviour.get(url) ?? 'ok';
      if (how === 'hang') return; // holds the connection, answers nothing
      if (how === 500) return void res.writeHead(500, { 'content-type': 'text/plain' }).end('internal error');
      // Slack answers a plain "ok"; the generic webhook some JSON.
      if (url.startsWith('/services/')) res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{"accepted":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

// Undefined when beforeAll failed (afterEach still runs).
let t: ReturnType<typeof tempDir> | undefined;
const dir = (): string => t!.dir;
const sessions: PtySession[] = [];
beforeEach(() => {
  t = tempDir('oncall-post-cli-');
  received.length = 0;
  behaviour.clear();
});
afterEach(() => {
  for (const s of sessions.splice(0)) {
    try {
      s.kill('SIGKILL');
    } catch {
      /* it had ended */
    }
  }
  t?.cleanup();
});

function env(): Record<string, string | undefined> {
  return {
    PATH: process.env.PATH,
    HOME: dir(),
    TERM: 'xterm-256color',
    NO_COLOR: '1',
    ONCALL_STATE_DIR: join(dir(), 'runs'),
    SLACK_WEBHOOK_URL: `${base}${SLACK_PATH}`,
    OPS_WEBHOOK_URL: `${base}/ops/incidents`,
    DB_PASSWORD: SECRET,
  };
}

const run = (...args: string[]) => oncall(['--runbooks', RUNBOOKS, 'run', 'POST-001', ...args], { env: env(), timeoutMs: 30_000 });

function pty(...args: string[]): PtySession {
  const s = spawnPty(process.execPath, [BIN, '--runbooks', RUNBOOKS, 'run', 'POST-001', ...args], { cwd: ROOT, env: env() });
  sessions.push(s);
  return s;
}

const slackPosts = () => received.filter((r) => r.url === SLACK_PATH);
const hookPosts = () => received.filter((r) => r.url === '/ops/incidents');
const journalText = () => JSON.stringify(journalEvents(join(dir(), 'runs')));

/** Nothing that was secret: the password, the Slack webhook's path, the ops webhook's URL. */
function noSecrets(text: string): void {
  expect(text).not.toContain(SECRET);
  expect(text).not.toContain('xoxbSlackPathSecret');
  expect(text).not.toContain('/ops/incidents');
}

test('interactive: a yes typed at each prompt posts each message exactly once, redacted, and the run resolves', async () => {
  const s = pty();
  await s.waitFor(`Post message "slack" to #prod-alerts (POST ${base}/services/***)?`);
  expect(received).toEqual([]); // nothing leaves before the yes
  s.write(`y${KEY.enter}`);
  await s.waitFor('Post message "hook" to ops webhook');
  s.write(`y${KEY.enter}`);
  expect((await s.exited).exitCode).toBe(0);
  expect(slackPosts()).toHaveLength(1);
  expect(hookPosts()).toHaveLength(1);
  expect(received).toHaveLength(2);
  expect(JSON.parse(slackPosts()[0]!.body)).toEqual({ text: 'Fixture down in smp-prod; the logs show password ***' });
  expect(JSON.parse(hookPosts()[0]!.body)).toEqual({ event: 'incident', runbook: 'POST-001', text: 'Fixture degraded in smp-prod (password *** rotated)' });
  expect(hookPosts()[0]!.contentType).toBe('application/json');
  expect(s.output()).toContain('posted: 200 ok');
  expect(s.output()).toContain('posted: 200 {"accepted":true}');
  noSecrets(s.output());
  noSecrets(journalText());
}, 30_000);

test('interactive: a no is not posted, and the run goes on to the next post and resolve', async () => {
  const s = pty();
  await s.waitFor('Post message "slack" to #prod-alerts');
  s.write(`n${KEY.enter}`);
  await s.waitFor('Post message "hook" to ops webhook');
  s.write(`y${KEY.enter}`);
  expect((await s.exited).exitCode).toBe(0);
  expect(slackPosts()).toEqual([]);
  expect(hookPosts()).toHaveLength(1);
  expect(s.output()).toMatch(/not posted: declined by \S+/);
  expect(s.output()).toContain('✓ healthy');
}, 30_000);

test('no terminal: --approve posts exactly the approved message, once; without it the run stops before the first post', async () => {
  const r = await run('--non-interactive', '--approve', 'slack', '--approve', 'hook');
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(slackPosts()).toHaveLength(1);
  expect(hookPosts()).toHaveLength(1);
  noSecrets(r.stdout);
  noSecrets(journalText());

  received.length = 0;
  const stopped = await run('--non-interactive', '--approve', 'hook');
  expect(stopped.code).toBe(3);
  expect(received).toEqual([]);
  expect(stopped.stdout).toContain('approve it with --approve slack');
});

test('--dry-run: nothing reaches the sink, and the exact body is on the screen, redacted', async () => {
  const r = await run('--dry-run', '--non-interactive');
  expect(r.code).toBe(0);
  expect(received).toEqual([]);
  expect(r.stdout).toContain('body: {"text":"Fixture down in smp-prod; the logs show password ***"}');
  expect(r.stdout).toContain('body: {"event":"incident","runbook":"POST-001","text":"Fixture degraded in smp-prod (password *** rotated)"}');
  expect(r.stdout.match(/planned, not sent \(dry-run\)/g)).toHaveLength(2);
  noSecrets(r.stdout);
});

test('a webhook answering 500 is shown, the other still posts, and the run goes on to resolve', async () => {
  behaviour.set(SLACK_PATH, 500);
  const r = await run('--non-interactive', '--approve', 'slack', '--approve', 'hook');
  expect(r.code).toBe(0);
  expect(slackPosts()).toHaveLength(1); // sent once, never retried
  expect(hookPosts()).toHaveLength(1);
  expect(r.stdout).toContain(`not posted: POST ${base}/services/*** answered 500 internal error`);
  expect(r.stdout).toMatch(/resolved: every resolve check passed; not posted: slack {2}\(exit 0/);
  noSecrets(r.stdout);
});

test('a webhook that never answers fails within the step timeout, and the run goes on', async () => {
  behaviour.set('/ops/incidents', 'hang');
  const t0 = Date.now();
  const r = await run('--non-interactive', '--approve', 'slack', '--approve', 'hook');
  expect(r.code).toBe(0);
  expect(Date.now() - t0).toBeLessThan(20_000);
  expect(hookPosts()).toHaveLength(1);
  expect(r.stdout).toContain('not posted: POST *** did not answer within 2s');
  expect(r.stdout).toMatch(/resolved: every resolve check passed; not posted: hook {2}\(exit 0/);
  noSecrets(r.stdout);
}, 30_000);
