// The command runner against real child processes and fixture scripts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BoundedOutput, errorExcerpt, explainExit, runCommand } from '../../src/steps/command.js';
import { SCRIPTS, tempDir } from './helpers.js';

const spec = (file: string, ...args: string[]) => ({ file, args, display: [file, ...args].join(' ') });

/** Running, not a zombie (orphans may wait a while for a reaper in containers). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) [ZX]/.test(stat);
  } catch {
    return false;
  }
}

async function gone(pids: number[]): Promise<boolean> {
  for (let i = 0; i < 50; i++) {
    if (!pids.some(alive)) return true;
    await new Promise((res) => setTimeout(res, 50));
  }
  return false;
}

describe('runCommand', () => {
  test('success: one result shape, lines, exit 0', async () => {
    const r = await runCommand(spec(`${SCRIPTS}/ok.sh`, 'a b', 'c'), { timeoutMs: 5000 });
    expect(r).toMatchObject({ exitCode: 0, signal: null, timedOut: false, failed: false, stdout: 'ok: a b c\n', lines: ['ok: a b c'], shortMessage: 'exit 0' });
    expect(r.command).toBe(`${SCRIPTS}/ok.sh a b c`);
    expect(typeof r.durationMs).toBe('number');
  });

  test('failure: same shape, exit code and the error line in words', async () => {
    const r = await runCommand(spec(`${SCRIPTS}/fail.sh`, 'disk full', '4'), { timeoutMs: 5000 });
    expect(r).toMatchObject({ exitCode: 4, failed: true, timedOut: false, stderr: 'error: disk full\n' });
    expect(r.shortMessage).toBe('exit 4: error: disk full');
  });

  test('a missing program is "command not found" with exit 127', async () => {
    const r = await runCommand(spec('kubectl-does-not-exist', 'get', 'pods'), { timeoutMs: 5000 });
    expect(r.exitCode).toBe(127);
    expect(r.shortMessage).toBe('command not found: kubectl-does-not-exist');
  });

  test('a file that is not executable is exit 126, permission denied', async () => {
    const r = await runCommand(spec(`${SCRIPTS}/noexec.txt`), { timeoutMs: 5000 });
    expect(r.exitCode).toBe(126);
    expect(r.shortMessage).toMatch(/^permission denied: .*noexec\.txt is not executable/);
  });

  test('exit codes and signals in words', () => {
    expect(explainExit('kubectl', 127, null)).toBe('command not found: kubectl (exit 127)');
    expect(explainExit('x', 137, null)).toMatch(/killed \(exit 137, SIGKILL/);
    expect(explainExit('x', 130, null)).toMatch(/interrupted \(exit 130/);
    expect(explainExit('x', 126, null)).toMatch(/not executable \(exit 126\)/);
    expect(explainExit('x', null, 'SIGSEGV')).toBe('x was crashed (SIGSEGV, segmentation fault)');
  });

  test('a hung command is killed with its whole process group at the timeout', async () => {
    const t = tempDir();
    try {
      const pidfile = join(t.dir, 'pids');
      const r = await runCommand(spec(`${SCRIPTS}/hang.sh`, pidfile), { timeoutMs: 400, killGraceMs: 300 });
      expect(r.timedOut).toBe(true);
      expect(r.failed).toBe(true);
      expect(r.exitCode).toBeNull();
      expect(r.shortMessage).toBe(`timed out after 400ms; killed ${SCRIPTS}/hang.sh and its process group`);
      expect(r.stdout).toContain('started; now hanging');
      const pids = readFileSync(pidfile, 'utf8').trim().split(' ').map(Number);
      expect(pids).toHaveLength(2);
      expect(await gone(pids)).toBe(true);
    } finally {
      t.cleanup();
    }
  });

  test('an abort signal (Ctrl-C) kills the command and says so', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 150);
    const r = await runCommand(spec(`${SCRIPTS}/slow.sh`, '10'), { timeoutMs: 5000, signal: ac.signal, killGraceMs: 200 });
    expect(r.interrupted).toBe(true);
    expect(r.shortMessage).toMatch(/was interrupted; killed its process group$/);
  });

  test('huge output is bounded: head and tail kept, the middle counted', async () => {
    const bytes = 30 * 1024 * 1024;
    const r = await runCommand(spec(`${SCRIPTS}/huge.sh`, String(bytes)), { timeoutMs: 20000, headBytes: 64 * 1024, tailBytes: 16 * 1024 });
    expect(r.exitCode).toBe(2);
    expect(r.stdout.length).toBeLessThan(100 * 1024);
    expect(r.truncated?.stdout).toBeGreaterThan(bytes - 100 * 1024);
    expect(r.stdout).toMatch(/… \[\d+ bytes omitted\] …/);
    expect(r.stdout.startsWith('a log line')).toBe(true);
    expect(r.shortMessage).toBe('exit 2: error: the last thing that happened');
    expect(errorExcerpt(r.stdout, r.stderr)).toEqual(['error: the last thing that happened']);
  });

  test('parse: json gives result.json, or a parse error in words', async () => {
    const ok = await runCommand(spec(`${SCRIPTS}/json.sh`, '{"n": 3}'), { timeoutMs: 5000, parse: 'json' });
    expect(ok.json).toEqual({ n: 3 });
    const bad = await runCommand(spec(`${SCRIPTS}/json.sh`, 'not json'), { timeoutMs: 5000, parse: 'json' });
    expect(bad.parseError).toMatch(/^output is not JSON/);
  });
});

describe('BoundedOutput', () => {
  test('keeps exactly head and tail, whatever the chunking', () => {
    const b = new BoundedOutput(10, 5);
    for (const ch of 'abcdefghijklmnopqrstuvwxyz') b.push(ch);
    expect(b.total).toBe(26);
    expect(b.omitted).toBe(11);
    expect(b.toString()).toBe('abcdefghij\n… [11 bytes omitted] …\nvwxyz');
    const small = new BoundedOutput(10, 5);
    small.push('abcdefghijkl');
    expect(small.toString()).toBe('abcdefghijkl');
  });

  test('error excerpt picks error-looking lines from long output', () => {
    const out = Array.from({ length: 500 }, (_, i) => (i === 250 ? 'Error from server (Forbidden): pods is forbidden' : `line ${i}`)).join('\n');
    expect(errorExcerpt(out, '')).toEqual(['Error from server (Forbidden): pods is forbidden']);
    expect(errorExcerpt('a\nb\nc', '', 2)).toEqual(['b', 'c']);
    const kubectl = [
      'E1122 04:48:07.412014   28078 memcache.go:265] "Unhandled Error" err="couldn\'t get current server API group list: connection refused"',
      'E1122 04:48:07.413764   28078 memcache.go:265] "Unhandled Error" err="couldn\'t get current server API group list: connection refused"',
      'The connection to the server 127.0.0.1:1 was refused - did you specify the right host or port?',
    ].join('\n');
    expect(errorExcerpt('', kubectl)).toEqual(['The connection to the server 127.0.0.1:1 was refused - did you specify the right host or port?']);
  });
});

describe('a command that leaves a background child', () => {
  const bash = (script: string) => spec('bash', '-c', script);

  test('`sleep 30 & echo started` is finished when the script is: output kept, the sleep stopped and named', async () => {
    const t = tempDir();
    try {
      const pidfile = join(t.dir, 'pid');
      const r = await runCommand(bash(`sleep 30 & echo $! > ${pidfile}; echo started`), { timeoutMs: 20_000 });
      const pid = Number(readFileSync(pidfile, 'utf8'));
      expect(r).toMatchObject({ exitCode: 0, timedOut: false, failed: false, stdout: 'started\n', shortMessage: 'exit 0' });
      // Not a timeout: the step ends with the script (+ a short drain), far from the 30s sleep or the 20s timeout.
      expect(r.durationMs).toBeLessThan(2000);
      expect(r.stoppedBackground).toEqual([{ pid, program: 'sleep' }]);
      expect(r.notes).toEqual([`1 background process was left running by the script and was stopped: pid ${pid} sleep`]);
      expect(alive(pid)).toBe(false);
    } finally {
      t.cleanup();
    }
  });

  test('output the script wrote before it exited is all there', async () => {
    const r = await runCommand(bash('sleep 30 & for i in $(seq 1 2000); do echo "line $i"; done'), { timeoutMs: 20_000 });
    expect(r.lines).toHaveLength(2000);
    expect(r.lines[1999]).toBe('line 2000');
  });

  test('a child that does not hold the output, and one that ignores SIGTERM, are stopped too (SIGKILL after the grace)', async () => {
    const t = tempDir();
    try {
      const pidfile = join(t.dir, 'pids');
      const script = `sleep 30 >/dev/null 2>&1 & echo $! >> ${pidfile}; (trap '' TERM; sleep 31) & echo $! >> ${pidfile}; echo done`;
      const r = await runCommand(bash(script), { timeoutMs: 20_000, killGraceMs: 300 });
      const pids = readFileSync(pidfile, 'utf8').trim().split('\n').map(Number);
      expect(r.stdout).toBe('done\n');
      expect(r.stoppedBackground?.map((m) => m.pid)).toEqual(expect.arrayContaining(pids));
      expect(r.notes?.[0]).toMatch(/^\d background processes were left running by the script and were stopped: .*\(SIGKILL after 300ms\)$/);
      expect(await gone(pids)).toBe(true);
    } finally {
      t.cleanup();
    }
  });

  test('what leaves the process group on purpose (setsid) is left running', async () => {
    const t = tempDir();
    let pid = 0;
    try {
      const pidfile = join(t.dir, 'pid');
      const r = await runCommand(bash(`setsid sleep 30 >/dev/null 2>&1 & echo $! > ${pidfile}`), { timeoutMs: 20_000 });
      pid = Number(readFileSync(pidfile, 'utf8'));
      expect(r.stoppedBackground).toBeUndefined();
      expect(alive(pid)).toBe(true);
    } finally {
      if (pid) process.kill(pid, 'SIGKILL');
      t.cleanup();
    }
  });

  test('a command that leaves nothing behind has no note', async () => {
    const r = await runCommand(spec(`${SCRIPTS}/ok.sh`, 'x'), { timeoutMs: 5000 });
    expect(r.notes).toBeUndefined();
    expect(r.stoppedBackground).toBeUndefined();
  });
});
