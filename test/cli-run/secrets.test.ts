// Secret values given by --set and by env, and a password inside a URL, never
// appear in the terminal output, the --json stream or the journal.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertBuilt, FIXTURES, oncall } from './helpers.js';
import { runbook, tempDir } from '../engine/helpers.js';
import { commandLinesContaining, startHoldingServer } from '../support/secret-peers.js';

const SET_TOKEN = 'SetTok_a1b2c3d4e5';
const SET_PASSWORD = 'Pw_9f8e7d6c5b';
const ENV_TOKEN = 'EnvTok_5566778899';
const URL_PASSWORD = 'changeme';

let t: ReturnType<typeof tempDir>;
beforeAll(() => assertBuilt());
beforeEach(() => (t = tempDir()));
afterEach(() => t.cleanup());

function journalText(dir: string): string {
  return readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8')).join('');
}

test.each([
  ['--set, terminal', ['--set', `token=${SET_TOKEN}`, '--set', `password=${SET_PASSWORD}`], {}],
  ['--set, --json', ['--set', `token=${SET_TOKEN}`, '--set', `password=${SET_PASSWORD}`, '--json'], {}],
  ['env, terminal', [], { FIXTURE_TOKEN: ENV_TOKEN }],
  ['env, --json', ['--json'], { FIXTURE_TOKEN: ENV_TOKEN }],
  ['env, --json, dry-run', ['--json', '--dry-run'], { FIXTURE_TOKEN: ENV_TOKEN }],
])('%s', async (_name, args, extraEnv) => {
  const runs = join(t.dir, 'runs');
  const env = { ...process.env, ONCALL_STATE_DIR: runs, ONCALL_TEST_WRITE_LOG: join(t.dir, 'w.log'), NO_COLOR: '1', ...extraEnv };
  const r = await oncall(['--runbooks', FIXTURES, 'run', 'FIX-004', '--approve', 'rotate-token', ...args], { env });
  expect(r.code).toBe(0);
  const everything = `${r.stdout}\n${r.stderr}\n${journalText(runs)}`;
  // The commands really received the secrets (they printed them); we only saw masks.
  expect(everything).toContain('token=***');
  expect(everything).toContain('mysql://admin:***@127.0.0.1:1/app');
  for (const secret of [SET_TOKEN, SET_PASSWORD, ENV_TOKEN, URL_PASSWORD]) {
    expect(everything).not.toContain(secret);
  }
  if (args.includes('--json')) {
    const started = r.stdout.trim().split('\n').map((l) => JSON.parse(l))[0];
    expect(started.params.token).toBe('***');
  }
});

describe('resume demands the secrets the run started with', () => {
  const start = async () => {
    const runs = join(t.dir, 'runs');
    const env = { ...process.env, ONCALL_STATE_DIR: runs, ONCALL_TEST_WRITE_LOG: join(t.dir, 'w.log'), NO_COLOR: '1', FIXTURE_TOKEN: undefined };
    const first = await oncall(['--runbooks', FIXTURES, 'run', 'FIX-004', '--non-interactive', '--set', `token=${SET_TOKEN}`, '--set', `password=${SET_PASSWORD}`], { env });
    expect(first.code).toBe(3);
    const runId = first.stdout.match(/oncall resume (FIX-004-\S+)/)![1]!;
    const resume = (args: string[], extra: Record<string, string> = {}) =>
      oncall(['--runbooks', FIXTURES, 'resume', runId, '--non-interactive', '--approve', 'rotate-token', ...args], { env: { ...env, ...extra } });
    return { runId, resume, writes: () => (readdirSync(t.dir).includes('w.log') ? readFileSync(join(t.dir, 'w.log'), 'utf8') : '') };
  };

  test('a secret given by --set does not silently fall back to its default', async () => {
    const { runId, resume, writes } = await start();
    const r = await resume([], { FIXTURE_TOKEN: SET_TOKEN });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`oncall: secret parameter "password" had a value given by --set when run ${runId} started; give the same value again with --set password=… to resume`);
    expect(writes()).toBe('');
  });

  test('another value than the run started with is refused', async () => {
    const { runId, resume, writes } = await start();
    const r = await resume(['--set', `password=${SET_PASSWORD}`], { FIXTURE_TOKEN: 'SomeOtherToken' });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`oncall: secret parameter "token" is not the value run ${runId} started with; resume with the same value (--set token=… or env FIXTURE_TOKEN)`);
    expect(writes()).toBe('');
  });

  test('the same values resume, and the journal still holds neither', async () => {
    const { resume, writes } = await start();
    const r = await resume(['--set', `password=${SET_PASSWORD}`], { FIXTURE_TOKEN: SET_TOKEN });
    expect(r.code).toBe(0);
    expect(writes().trim()).toBe(`rotate ${SET_TOKEN} ${SET_PASSWORD}`);
    const journal = journalText(join(t.dir, 'runs'));
    expect(journal).not.toContain(SET_TOKEN);
    expect(journal).not.toContain(SET_PASSWORD);
  });
});

describe('what `ps` shows while a run\'s commands are running', () => {
  test('a secret header given to curl, as argv and inside a script, is in no command line; the server got it', async () => {
    const TOKEN = 'PsTok_77aa88bb99';
    const seen: string[][] = [];
    const server = await startHoldingServer((req) => {
      // Every process of this machine that names this server: curl, and the script's bash.
      seen.push(...commandLinesContaining(`:${server.port}/`));
      expect(req.headers.authorization).toBe(`Bearer ${TOKEN}`);
    });
    try {
      const dir = join(t.dir, 'runbooks');
      mkdirSync(dir);
      const header = '"Authorization: Bearer ${{ params.token }}"';
      writeFileSync(
        join(dir, 'SEC-001.yaml'),
        runbook({
          params: 'token: { secret: true, pattern: "^[A-Za-z0-9_]+$" }',
          detect: [
            'steps:',
            '  - id: argv',
            '    effect: read',
            `    run: 'curl -sS -H ${header} ${server.url}/argv'`,
            '  - id: script',
            '    effect: read',
            '    shell: true',
            `    run: 'curl -sS -H ${header} ${server.url}/script | cat'`,
          ].join('\n'),
        }).replace('id: TST-001', 'id: SEC-001'),
      );
      const runs = join(t.dir, 'runs');
      const r = await oncall(['--runbooks', dir, 'run', 'SEC-001', '--set', `token=${TOKEN}`, '--json'], { env: { ...process.env, ONCALL_STATE_DIR: runs, NO_COLOR: '1' } });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      // The two reads run side by side: either may arrive first.
      expect(server.arrived.map((a) => a.path).sort()).toEqual(['/argv', '/script']);
      // The two steps are independent reads: they may run at once, so each may be seen twice.
      const curls = new Set(seen.filter((argv) => argv[0] === 'curl').map((argv) => argv.at(-1)));
      expect(curls).toEqual(new Set([`${server.url}/argv`, `${server.url}/script`]));
      expect(JSON.stringify(seen)).not.toContain(TOKEN);
      expect(`${r.stdout}${journalText(runs)}`).not.toContain(TOKEN);
      const started = r.stdout.trim().split('\n').map((l) => JSON.parse(l)).filter((e) => e.type === 'step-started');
      expect(started.map((e) => e.command)).toEqual([`curl -K - -sS ${server.url}/argv`, `curl -K <(printf '%s' '***') -sS ${server.url}/script | cat`]);
    } finally {
      await server.close();
    }
  });
});
