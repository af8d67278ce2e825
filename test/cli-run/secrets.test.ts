// Secret values given by --set and by env, and a password inside a URL, never
// appear in the terminal output, the --json stream or the journal.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBuilt, FIXTURES, oncall } from './helpers.js';
import { tempDir } from '../engine/helpers.js';

const SET_TOKEN = 'SetTok_a1b2c3d4e5';
const SET_PASSWORD = 'Pw_9f8e7d6c5b';
const ENV_TOKEN = 'EnvTok_5566778899';
const URL_PASSWORD = 'changeme';

let t: ReturnType<typeof tempDir>;
beforeAll(() => ensureBuilt());
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
