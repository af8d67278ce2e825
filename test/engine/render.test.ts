// Commands are split into argv before interpolation: a value is one argument.
// With shell: true, values are quoted for where they sit in the script.
import { execFileSync } from 'node:child_process';
import { splitCommand } from '../../src/runbook/argv.js';
import { displayArgv, renderCommand, shellQuote } from '../../src/engine/render.js';
import { Scope } from '../../src/engine/scope.js';
import type { Step } from '../../src/runbook/types.js';
import { parseSource } from '../../src/runbook/source.js';

const HOSTILE = ['x; rm -rf /', '$(id)', '`id`', '--kubeconfig=/tmp/evil', "it's \"quoted\"", 'a\nb', '*', '', '${{ params.other }}', '\\'];

function scopeWith(values: Record<string, unknown>): Scope {
  return new Scope(values, {}, () => 0, undefined, 'inline.yaml');
}

describe('splitCommand', () => {
  test.each([
    ['kubectl -n smp-prod get pods', ['kubectl', '-n', 'smp-prod', 'get', 'pods']],
    [`kubectl get pods -o jsonpath='{.items[*].metadata.name}'`, ['kubectl', 'get', 'pods', '-o', 'jsonpath={.items[*].metadata.name}']],
    ['echo "a b" c\\ d', ['echo', 'a b', 'c d']],
    ['redis-cli --scan --pattern ${{ params.pattern }}', ['redis-cli', '--scan', '--pattern', '${{ params.pattern }}']],
    ['echo "x-${{ params.a }} y"', ['echo', 'x-${{ params.a }} y']],
    ['echo ${{ steps.a.result.json["x y"] }}', ['echo', '${{ steps.a.result.json["x y"] }}']],
  ])('%s', (text, argv) => expect(splitCommand(text)).toEqual(argv));

  test('unterminated quotes are errors', () => {
    expect(() => splitCommand("echo 'abc")).toThrow(/unterminated single quote/);
    expect(() => splitCommand('echo "abc')).toThrow(/unterminated double quote/);
  });
});

describe('renderCommand without a shell', () => {
  test.each(HOSTILE)('value %j is exactly one argument', (value) => {
    const step: Step = { id: 's', effect: 'read', run: 'tool --flag ${{ params.v }} "pre-${{ params.v }}" end' };
    const r = renderCommand(step, [], scopeWith({ v: value, other: 'NO' }));
    expect([r.file, ...r.args]).toEqual(['tool', '--flag', value, `pre-${value}`, 'end']);
    // The display form is a faithful, copy-pasteable shell command.
    const echoed = execFileSync('sh', ['-c', `printf '%s\\0' ${r.display.replace(/^tool /, '')}`]).toString().split('\0').slice(0, -1);
    expect(echoed).toEqual(['--flag', value, `pre-${value}`, 'end']);
  });

  test('array form is argv already', () => {
    const step: Step = { id: 's', effect: 'read', run: ['tool', '${{ params.v }}'] };
    const r = renderCommand(step, [], scopeWith({ v: 'a b; c' }));
    expect(r.args).toEqual(['a b; c']);
    expect(r.display).toBe("tool 'a b; c'");
  });

  test('expression errors point into the template', () => {
    const yaml = 'steps:\n  - id: s\n    run: tool --ns ${{ params.nope }} x\n';
    const { source } = parseSource('inline.yaml', yaml);
    const scope = new Scope({}, {}, () => 0, source, 'inline.yaml');
    const step: Step = { id: 's', effect: 'read', run: 'tool --ns ${{ params.nope }} x' };
    expect(() => renderCommand(step, ['steps', 0], scope)).toThrow(/^inline\.yaml:3:31: cannot evaluate "params\.nope": no such key: nope/);
  });
});

describe('renderCommand with shell: true', () => {
  test.each(HOSTILE)('value %j stays one literal word bare, in "…" and in \'…\'', (value) => {
    const step: Step = { id: 's', effect: 'read', shell: true, run: `printf '%s\\0' \${{ params.v }} "dq-\${{ params.v }}" 'sq-\${{ params.v }}' | cat` };
    const r = renderCommand(step, [], scopeWith({ v: value, other: 'NO' }));
    expect(r.file).toBe('bash');
    expect(r.args.slice(0, 3)).toEqual(['-o', 'pipefail', '-c']);
    // The value is not in the script at all: it reaches bash as an environment variable.
    if (!String(step.run).includes(value)) expect(r.args[3]).not.toContain(value);
    expect(r.env).toEqual({ ONCALL_V1: value, ONCALL_V2: value, ONCALL_V3: value });
    const out = execFileSync(r.file, r.args, { env: { ...process.env, ...r.env } }).toString().split('\0').slice(0, -1);
    expect(out).toEqual([value, `dq-${value}`, `sq-${value}`]);
  });
});

test('a shell pipeline fails when an early command fails (pipefail)', () => {
  const step: Step = { id: 's', effect: 'read', shell: true, run: 'exit 3 | cat' };
  const r = renderCommand(step, [], scopeWith({}));
  expect(() => execFileSync(r.file, r.args, { stdio: 'pipe' })).toThrow(/Command failed/);
});

test('shellQuote leaves plain words alone', () => {
  expect(shellQuote('smp-prod')).toBe('smp-prod');
  expect(shellQuote('a b')).toBe("'a b'");
  expect(displayArgv(['kubectl', '-n', "o'k"])).toBe("kubectl -n 'o'\\''k'");
});
