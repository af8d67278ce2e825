// `oncall run … | head`: the reader goes away after a few lines. The run is
// not killed by EPIPE and prints no stack trace; it goes on to its end, and
// its journal says how it ended.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../engine/helpers.js';
import { assertBuilt, BIN, ROOT } from './helpers.js';

beforeAll(() => assertBuilt());

test('a closed stdout stops the output, not the run: the journal ends with run-finished', async () => {
  const t = tempDir();
  try {
    const env = { ...process.env, ONCALL_STATE_DIR: t.dir, NO_COLOR: '1' };
    const child = spawn(process.execPath, [BIN, 'run', 'INC-007', '--dry-run', '--non-interactive', '--set', 'brokers=127.0.0.1:1'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    // Like head -1: read the first chunk, then close the pipe.
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(stderr).not.toMatch(/EPIPE|\bat .*\.js:\d+/);
    expect(code).toBe(0);
    const journal = readdirSync(t.dir).find((f) => f.endsWith('.jsonl'))!;
    const last = JSON.parse(readFileSync(join(t.dir, journal), 'utf8').trim().split('\n').at(-1)!) as { type: string; outcome: string };
    expect(last).toMatchObject({ type: 'run-finished', outcome: 'rehearsed' });
  } finally {
    t.cleanup();
  }
}, 60_000);
