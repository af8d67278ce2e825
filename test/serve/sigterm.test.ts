// A spawned `oncall serve` (the built CLI) stops on SIGTERM: the triage that is
// running finishes and is journaled, and the process exits 0.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { assertBuilt } from '../support/built.js';
import { fixture, journals, payload, post, ROOT, until, type Fixture } from './helpers.js';
import { freePort } from '../support/redis-server.js';

let f: Fixture;
beforeAll(() => {
  assertBuilt();
  f = fixture();
});
afterAll(() => f.cleanup());

test('SIGTERM while a triage runs: it finishes, its journal ends with run-finished, exit 0', async () => {
  const port = await freePort();
  const state = join(f.dir, 'state-sigterm');
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'oncall.js'), '--runbooks', f.runbooks, 'serve', '--listen', `127.0.0.1:${port}`, '--journal-dir', state], {
    env: { ...process.env, NO_COLOR: '1', ONCALL_RUNBOOKS: undefined } as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (d) => (stderr += d));
  child.stdout.on('data', (d) => (stdout += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  await until(() => stderr.includes('listening on'), 15_000);
  const url = `http://127.0.0.1:${port}`;
  expect((await post(url, payload([{ fingerprint: 'term1', delay: '1' }]))).status).toBe(200);
  await until(() => journals(state).length === 1 && journals(state)[0]!.some((e) => e.type === 'step-started'));
  child.kill('SIGTERM');
  expect(await exited).toBe(0);
  const events = journals(state)[0]!;
  expect(events.at(-1)).toMatchObject({ type: 'run-finished', outcome: 'rehearsed' });
  expect(stdout).toMatch(/"event":"triage".*"fingerprint":"term1"/);
}, 30_000);
