// Hostile parameter values: refused by a strict pattern (exit 2), or, through
// a permissive one, delivered to the command as ONE literal argument, with or
// without a shell.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertBuilt, FIXTURES, oncall } from './helpers.js';
import { tempDir } from '../engine/helpers.js';

const HOSTILE = ['x; rm -rf /', '$(id)', '`id`', '--kubeconfig=/tmp/evil', 'a b "c" \'d\'', '${{ params.strict }}'];

let t: ReturnType<typeof tempDir>;
let env: Record<string, string | undefined>;
beforeAll(() => assertBuilt());
beforeEach(() => {
  t = tempDir();
  env = { ...process.env, ONCALL_STATE_DIR: join(t.dir, 'runs'), NO_COLOR: '1' };
});
afterEach(() => t.cleanup());

test.each(HOSTILE)('strict pattern refuses %j before anything runs', async (value) => {
  const r = await oncall(['--runbooks', FIXTURES, 'run', 'FIX-005', '--set', `strict=${value}`], { env });
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/^oncall: invalid value for parameter "strict": must match \^\[a-z0-9-\]\{1,63\}\$ \(got .*\)\n$/);
  expect(r.stdout).toBe('');
});

test('a permissive pattern lets hostile values through as single literal arguments', async () => {
  // Side by side: --concurrent, since each is a live run of FIX-005.
  const runs = await Promise.all(HOSTILE.map((value) => oncall(['--runbooks', FIXTURES, 'run', 'FIX-005', '--json', '--concurrent', '--set', `loose=${value}`], { env })));
  for (const [i, value] of HOSTILE.entries()) {
    const r = runs[i]!;
    expect(r.code).toBe(0);
    const finished = Object.fromEntries(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l))
        .filter((e) => e.type === 'step-finished')
        .map((e) => [e.stepId, e.result?.json]),
    );
    expect(finished.argv).toEqual(['--namespace', 'smp-prod', value, 'end']);
    expect(finished['argv-quoted']).toEqual([`prefix-${value}`, 'end']);
    expect(finished['argv-list']).toEqual([value, 'end']);
    expect(finished['argv-shell']).toEqual([value, `dq-${value}`, `sq-${value}`, 'end']);
  }
});

// Values never become shell text: each position of a `${{ }}` in a shell
// script, fed a value that would run `touch` if it were spliced in, run live
// with the step approved. A position where even a variable is unsafe is
// refused by lint before anything runs.
describe('injection positions in shell scripts', () => {
  const positions: Array<[string, string, 'runs' | 'refused']> = [
    ['bare', 'echo ${{ params.v }}', 'runs'],
    ["inside '…'", "echo '${{ params.v }}'", 'runs'],
    ['inside "…"', 'echo "${{ params.v }}"', 'runs'],
    ['as a flag value', 'echo --value=${{ params.v }}', 'runs'],
    ['inside $( ) within "…"', 'echo "$(echo ${{ params.v }})"', 'runs'],
    ["in \"$(date -d '…')\"", `echo "$(date -d '\${{ params.v }}' 2>/dev/null || true)"`, 'runs'],
    ['in an unquoted here-document body', 'cat <<EOF\n${{ params.v }}\nEOF', 'runs'],
    ['in a comment', 'true # ${{ params.v }}', 'runs'],
    ["inside a nested bash -c '…'", "bash -c 'echo ${{ params.v }}'", 'runs'],
    ['in a quoted here-document body', "cat <<'EOF'\n${{ params.v }}\nEOF", 'refused'],
    ['in $(( … + 1 ))', 'echo $(( ${{ params.v }} + 1 ))', 'refused'],
    ['as the command name', '${{ params.v }} --version', 'refused'],
  ];

  function runbook(dir: string, script: string): string {
    const body = script
      .split('\n')
      .map((l) => `          ${l}`)
      .join('\n');
    const text = `id: INJ-001
title: Injection position
severity: SEV-4
alerts: [{ alertname: Injection }]
params:
  v: { default: plain }
stages:
  detect:
    steps:
      - id: pos
        effect: write
        shell: true
        run: |-
${body}
  resolve: {}
`;
    writeFileSync(join(dir, 'INJ-001-position.yaml'), text);
    return dir;
  }

  test.each(positions)('%s', async (_name, script, expected) => {
    const dir = join(t.dir, 'rb');
    mkdirSync(dir, { recursive: true });
    const pwned = join(t.dir, 'pwned');
    const value = `x;touch ${pwned};$(touch ${pwned})\`touch ${pwned}\`'";touch ${pwned};"'\ntouch ${pwned}`;
    const r = await oncall(['--runbooks', runbook(dir, script), 'run', 'INJ-001', '--non-interactive', '--approve', 'pos', '--set', `v=${value}`], { env, cwd: t.dir });
    expect(existsSync(pwned)).toBe(false);
    if (expected === 'refused') {
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/INJ-001-position\.yaml:\d+:\d+: .*\[(unsafe-interpolation|shell-syntax)\]/);
    } else {
      expect(r.stderr).not.toMatch(/Error|at .*\.js:\d+/);
      expect([0, 1]).toContain(r.code);
      expect(r.stdout).toMatch(/pos/);
    }
  });
});
