// Inside a `shell: true` script a value is in bash's environment, but
// `redis-cli -a "$ONCALL_V1"` would put it back on redis-cli's command line.
// The executed script is rewritten so the program gets it its own way; the
// runbook's script is judged (and linted) as written. Against real peers: a
// private Redis with requirepass, the local PostgreSQL and MariaDB, curl
// against a local HTTP server, with the spawned programs' argv recorded.
import { placements, placeValues, prepareScript } from '../../src/commands/script-values.js';
import { parseScript } from '../../src/commands/shell-script.js';
import { hideScriptSecrets } from '../../src/engine/script-secrets.js';
import { startRedisServer, type PrivateRedis } from '../support/redis-server.js';
import { recordCommands, type Recorder } from '../support/record-commands.js';
import { createMariaUser, groupCommandLines, startHoldingServer, type HoldingServer, type MariaUser } from '../support/secret-peers.js';
import { run, runbook } from './helpers.js';

/** What bash runs and what people are shown, for a template and its values. */
function rewrite(template: string, values: string[]) {
  const prepared = prepareScript(template);
  placements(prepared, parseScript(prepared.text));
  const hidden = hideScriptSecrets(prepared.text, values);
  return hidden ? placeValues(hidden, hidden.slots, hidden.values, hidden.masked) : undefined;
}

describe('the rewrite', () => {
  test.each([
    ['redis-cli -a', 'redis-cli -h "$H" -a "${{ pw }}" PING | cat', 'REDISCLI_AUTH="${ONCALL_V2}" redis-cli -h "$H" PING | cat', `REDISCLI_AUTH='***' redis-cli -h "$H" PING | cat`],
    ['redis-cli -u URL', 'redis-cli -u "redis://app:${{ pw }}@h:6379/0" INFO', 'REDISCLI_AUTH="${ONCALL_V2}" redis-cli -u "${ONCALL_V3}" --user "${ONCALL_V4}" INFO', `REDISCLI_AUTH='***' redis-cli -u redis://h:6379/0 --user app INFO`],
    ['inside $( )', 'x=$(redis-cli -a ${{ pw }} GET k)', 'x=$(REDISCLI_AUTH="${ONCALL_V2}" redis-cli GET k)', `x=$(REDISCLI_AUTH='***' redis-cli GET k)`],
    ['psql URI', 'psql "postgresql://ops:${{ pw }}@db/app" -c "select 1"', 'PGPASSWORD="${ONCALL_V2}" psql "${ONCALL_V3}" -c "select 1"', `PGPASSWORD='***' psql postgresql://ops@db/app -c "select 1"`],
    ['mysql -p', 'mysql -h db -p"${{ pw }}" -e "select 1"', `mysql --defaults-extra-file=<(printf '%s' "\${ONCALL_V2}") -h db -e "select 1"`, `mysql --defaults-extra-file=<(printf '%s' '***') -h db -e "select 1"`],
    ['curl -H', 'curl -fsS -H "Authorization: Bearer ${{ pw }}" https://api/x > /dev/null', `curl -K <(printf '%s' "\${ONCALL_V2}") -fsS https://api/x > /dev/null`, `curl -K <(printf '%s' '***') -fsS https://api/x > /dev/null`],
  ])('%s', (_name, template, script, display) => {
    const placed = rewrite(template, ['pw'])!;
    expect(placed.script).toBe(script);
    expect(placed.display).toBe(display);
  });

  test('a password from the environment of the script moves too (it is no script text)', () => {
    expect(rewrite('redis-cli -a "$REDIS_PASSWORD" PING', [])?.script).toBe('REDISCLI_AUTH="$REDIS_PASSWORD" redis-cli PING');
  });

  test.each([
    ['a password written in the script: it is in bash\'s argv anyway', 'redis-cli -a literal GET ${{ k }}'],
    ['behind sudo (which resets the environment)', 'sudo redis-cli -a "${{ k }}" PING'],
    ['an unquoted expansion that may split into several words', 'redis-cli $FLAGS -a "${{ k }}" PING'],
    ['"$@", which is as many words as there are arguments', 'f() { redis-cli "$@" -a "${{ k }}" PING; }'],
    ['no password at all', 'redis-cli -h ${{ k }} PING'],
  ])('left as written: %s', (_why, template) => {
    expect(rewrite(template, ['v'])).toBeUndefined();
  });
});

describe('run for real', () => {
  const PW = 'Scr1pt"Pw\\x y';
  let redis: PrivateRedis;
  let maria: MariaUser;
  let rec: Recorder;
  beforeAll(async () => {
    redis = await startRedisServer({ password: PW });
    maria = createMariaUser(PW);
  });
  afterAll(async () => {
    await redis.stop();
    maria.drop();
  });
  beforeEach(() => (rec = recordCommands(['redis-cli', 'psql', 'mysql', 'curl'])));
  afterEach(() => rec.cleanup());

  const step = (script: string) =>
    runbook({
      params: 'pw: { secret: true }',
      detect: `steps:\n  - id: s\n    effect: write\n    shell: true\n    run: ${JSON.stringify(script)}`,
    });
  const runScript = (script: string, onSpawn?: (pid: number) => void) =>
    run(step(script), {
      sets: [`pw=${PW}`],
      approve: ['s'],
      nonInteractive: true,
      env: rec.env(),
      onEvent: (e) => {
        if (e.type === 'step-spawned') onSpawn?.(e.pid);
      },
    });
  const argvOf = (name: string) => rec.commands().filter((c) => c.argv[0] === name).map((c) => c.argv);

  test('redis-cli -a: the server accepts the password; redis-cli\'s argv never held it', async () => {
    const r = await runScript(`redis-cli -p ${redis.port} -a "\${{ params.pw }}" --no-auth-warning PING | cat`);
    expect(r.step('s')).toMatchObject({ status: 'ok', summary: 'exit 0, 1 line: PONG' });
    expect(argvOf('redis-cli')).toEqual([['redis-cli', '-p', String(redis.port), '--no-auth-warning', 'PING']]);
    expect(JSON.stringify(r.events)).not.toContain('Scr1pt');
  });

  test('psql with a password in its URI: psql has it as PGPASSWORD, not in its argv', async () => {
    const r = await runScript(`psql "postgresql://postgres:\${{ params.pw }}@127.0.0.1:5432/test" -Atc '\\! printenv PGPASSWORD'`);
    expect(r.step('s')?.status).toBe('ok');
    expect((r.step('s')!.result as { stdout: string }).stdout).toBe('***\n'); // psql printed it; the redactor masked it
    expect(argvOf('psql')).toEqual([['psql', 'postgresql://postgres@127.0.0.1:5432/test', '-Atc', '\\! printenv PGPASSWORD']]);
  });

  test('mysql -p: MariaDB accepts the password from the option file; no -p in the argv', async () => {
    const r = await runScript(`mysql -h 127.0.0.1 -u ${maria.user} -p"\${{ params.pw }}" --batch --skip-column-names -e "SELECT CURRENT_USER()"`);
    expect(r.step('s')).toMatchObject({ status: 'ok', summary: `exit 0, 1 line: ${maria.user}@%` });
    const [argv] = argvOf('mysql');
    expect(argv![1]).toMatch(/^--defaults-extra-file=\/dev\/fd\/\d+$/);
    expect(argv!.some((a) => a.startsWith('-p'))).toBe(false);
  });

  describe('curl -H', () => {
    let server: HoldingServer;
    let group = 0;
    let seen: string[][] = [];
    beforeAll(async () => {
      server = await startHoldingServer(() => {
        seen = groupCommandLines(group);
      });
    });
    afterAll(() => server.close());

    test('the header arrives; no process of the step (bash, curl, cat) has the token in its command line', async () => {
      const r = await runScript(`curl -sS -H "Authorization: Bearer \${{ params.pw }}" ${server.url}/x | cat`, (pid) => (group = pid));
      expect(r.step('s')?.status).toBe('ok');
      expect(server.arrived.at(-1)!.headers.authorization).toBe(`Bearer ${PW}`);
      expect(seen.some((argv) => argv[0]?.endsWith('curl'))).toBe(true);
      expect(JSON.stringify(seen)).not.toContain('Scr1pt');
    });
  });
});
