// Passwords leave the command line at the spawn, against the real programs:
// the MariaDB client on 127.0.0.1:3306 (a user made for this file) reads its
// password from an option file, curl its header and credentials from a config
// on stdin; a local HTTP server holds each request while the test reads the
// running curl's /proc/PID/cmdline, which is what `ps` shows every local user.
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand } from '../../src/steps/command.js';
import { commandLine, createMariaUser, startHoldingServer, waitForProgram, type HoldingServer, type MariaUser } from '../support/secret-peers.js';
import { tempDir } from './helpers.js';

// Quotes, a backslash, a comment sign and spaces at both ends: every escape the option file needs.
const DB_PASSWORD = ` s3"c#r;e\\t 'x `;

describe('mysql: the password goes to a private option file, named first', () => {
  let maria: MariaUser;
  beforeAll(() => (maria = createMariaUser(DB_PASSWORD)));
  afterAll(() => maria.drop());

  const mysql = (sql: string, ...extra: string[]) => ({
    file: 'mysql',
    args: ['-h', '127.0.0.1', '-P', '3306', '-u', maria.user, `-p${DB_PASSWORD}`, '--batch', '--skip-column-names', ...extra, '-e', sql],
    display: 'mysql …',
  });

  /** The running client's command line and its option file, once it is there. */
  async function watch(pid: Promise<number>) {
    const lines = await waitForProgram(await pid, 'mysql');
    const argv = lines.find((l) => l[0]!.endsWith('mysql'))!;
    const path = argv[1]!.replace(/^--defaults-extra-file=/, '');
    return { argv, path, fileMode: statSync(path).mode & 0o777, dirMode: statSync(join(path, '..')).mode & 0o777 };
  }

  test('it connects; its argv holds no password (not even a masked -p); the file is 0600 in a 0700 dir and is gone afterwards', async () => {
    let spawned!: (pid: number) => void;
    const pid = new Promise<number>((resolve) => (spawned = resolve));
    const running = runCommand(mysql('SELECT CURRENT_USER(), SLEEP(1)'), { timeoutMs: 20_000, onSpawn: spawned });
    const seen = await watch(pid);
    const r = await running;
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`${maria.user}@%\t0\n`);
    expect(seen.argv[1]).toMatch(/^--defaults-extra-file=\//);
    expect(seen.argv.filter((a) => /^-p|^--pass/.test(a))).toEqual([]);
    expect(seen.argv.join(' ')).not.toContain('s3"c');
    expect([seen.fileMode, seen.dirMode]).toEqual([0o600, 0o700]);
    expect(existsSync(seen.path)).toBe(false);
    expect(existsSync(join(seen.path, '..'))).toBe(false);
  });

  test.each(['timeout', 'abort'])('the option file is removed after a %s too', async (how) => {
    const ac = new AbortController();
    let spawned!: (pid: number) => void;
    const pid = new Promise<number>((resolve) => (spawned = resolve));
    const running = runCommand(mysql('SELECT SLEEP(20)'), { timeoutMs: how === 'timeout' ? 1500 : 20_000, signal: ac.signal, killGraceMs: 300, onSpawn: spawned });
    const seen = await watch(pid);
    if (how === 'abort') ac.abort();
    const r = await running;
    expect(how === 'timeout' ? r.timedOut : r.interrupted).toBe(true);
    expect(existsSync(seen.path)).toBe(false);
  });

  test('a password in ~/.my.cnf would win over an option file: the argv is left as written, and the result says why', async () => {
    const home = tempDir();
    try {
      writeFileSync(join(home.dir, '.my.cnf'), '[client]\npassword=not-this-one\n');
      const r = await runCommand(mysql('SELECT CURRENT_USER()'), { timeoutMs: 20_000, env: { ...process.env, HOME: home.dir } });
      expect(r.stdout).toBe(`${maria.user}@%\n`);
      expect(r.notes).toEqual(['the password stayed on the command line: ~/.my.cnf sets one, and it would win over an option file']);
    } finally {
      home.cleanup();
    }
  });

  test('the mariadb name is the same client', async () => {
    const r = await runCommand({ ...mysql('SELECT 1'), file: 'mariadb' }, { timeoutMs: 20_000 });
    expect(r.stdout).toBe('1\n');
  });
});

describe('curl: secret headers and credentials go to a config on stdin (-K -)', () => {
  let server: HoldingServer;
  let curlPid = 0;
  let held: string[] = [];
  beforeAll(async () => {
    server = await startHoldingServer(() => {
      held = commandLine(curlPid);
    });
  });
  afterAll(() => server.close());
  beforeEach(() => (held = []));

  const curl = async (...args: string[]) => {
    const r = await runCommand({ file: 'curl', args: ['-sS', ...args], display: 'curl …' }, { timeoutMs: 20_000, onSpawn: (pid) => (curlPid = pid) });
    expect(r.stderr).toBe('');
    return { r, reply: JSON.parse(r.stdout) as { authorization: string | null; cookie: string | null } };
  };
  const basic = (userPass: string) => `Basic ${Buffer.from(userPass).toString('base64')}`;
  const TOKEN = 'T0k"en\\with spaces';

  test.each([
    ['-H Authorization', ['-H', `Authorization: Bearer ${TOKEN}`], `Bearer ${TOKEN}`, TOKEN],
    ['--oauth2-bearer', ['--oauth2-bearer', 'OauthTok123'], 'Bearer OauthTok123', 'OauthTok123'],
    ['-u user:password', ['-u', 'admin:Pa"ss\\w0rd'], basic('admin:Pa"ss\\w0rd'), 'Pa"ss'],
  ])('%s: the server got it; the running curl\'s argv did not hold it', async (_name, args, expected, secret) => {
    const { reply } = await curl(...args, `${server.url}/x`);
    expect(reply.authorization).toBe(expected);
    expect(held.slice(0, 3)).toEqual(['curl', '-K', '-']);
    expect(held.join(' ')).not.toContain(secret);
  });

  test('a password in the URL: sent as Basic auth, gone from the argv', async () => {
    const { reply } = await curl(`http://admin:Url%40Pass9@127.0.0.1:${server.port}/x`);
    expect(reply.authorization).toBe(basic('admin:Url@Pass9'));
    expect(held.join(' ')).not.toMatch(/Url(%40|@)Pass9/);
    expect(held).toContain(`http://127.0.0.1:${server.port}/x`);
  });

  test('a command that reads stdin (-d @-): the config comes from a 0600 file, removed afterwards', async () => {
    let mode = 0;
    let path = '';
    const saw = startHoldingServer(() => {
      const argv = commandLine(curlPid);
      path = argv[argv.indexOf('-K') + 1]!;
      mode = statSync(path).mode & 0o777;
      held = argv;
    });
    const s = await saw;
    try {
      const r = await runCommand({ file: 'curl', args: ['-sS', '-d', '@-', '-H', `Authorization: Bearer ${TOKEN}`, `${s.url}/x`], display: 'curl …' }, {
        timeoutMs: 20_000,
        onSpawn: (pid) => (curlPid = pid),
      });
      expect(JSON.parse(r.stdout).authorization).toBe(`Bearer ${TOKEN}`);
      expect(path).toMatch(/oncall-secret-.*\/curl\.config$/);
      expect(mode).toBe(0o600);
      expect(held.join(' ')).not.toContain(TOKEN);
      expect(existsSync(path)).toBe(false);
      expect(s.arrived[0]!.method).toBe('POST');
    } finally {
      await s.close();
    }
  });

  test('without the move the secret would be there: a header curl\'s model does not call secret stays visible', async () => {
    // The check can fail: what stays on the argv is seen in /proc.
    await curl('-H', 'X-Trace: visible-value', `${server.url}/x`);
    expect(held).toContain('X-Trace: visible-value');
  });
});
