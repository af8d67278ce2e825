import { findShellSyntax, hasShellSyntax, shellQuote, splitCommand, SplitError } from '../../src/runbook/argv.js';

describe('splitCommand', () => {
  test.each([
    ['kubectl -n prod get pods', ['kubectl', '-n', 'prod', 'get', 'pods']],
    ['  a   b\tc\n d ', ['a', 'b', 'c', 'd']],
    [`redis-cli --scan --pattern 'cache:*'`, ['redis-cli', '--scan', '--pattern', 'cache:*']],
    [`echo "a b" 'c d' e\\ f`, ['echo', 'a b', 'c d', 'e f']],
    [`echo "say \\"hi\\" \\$x \\\\" 'no \\escape'`, ['echo', 'say "hi" $x \\', 'no \\escape']],
    [`a '' ""`, ['a', '', '']],
    [`a"b"'c'd`, ['abcd']],
    ['kubectl -n ${{ params.namespace }} scale --replicas=${{ params.n * 2 }}', ['kubectl', '-n', '${{ params.namespace }}', 'scale', '--replicas=${{ params.n * 2 }}']],
    [`echo "\${{ params.a }} and \${{ steps.x.result.y }}"`, ['echo', '${{ params.a }} and ${{ steps.x.result.y }}']],
    ['a \\\n b', ['a', 'b']],
    ['curl http://x/a|b', ['curl', 'http://x/a|b']],
  ])('%j', (text, argv) => {
    expect(splitCommand(text)).toEqual(argv);
  });

  test.each([
    [`echo 'open`, 5, 'unterminated single quote'],
    [`echo "open`, 5, 'unterminated double quote'],
    ['echo ${{ params.x', 5, 'unterminated "${{" interpolation'],
  ])('%j throws SplitError', (text, offset, message) => {
    expect(() => splitCommand(text)).toThrow(SplitError);
    try {
      splitCommand(text);
    } catch (e) {
      expect((e as SplitError).offset).toBe(offset);
      expect((e as SplitError).message).toBe(message);
    }
  });
});

describe('findShellSyntax', () => {
  const kinds = (text: string) => findShellSyntax(text).map((s) => `${s.kind}:${s.text}@${s.offset}`);
  test.each([
    ['kubectl get pods', []],
    [`redis-cli --scan --pattern 'cache:*'`, []],
    ['echo "${{ a || b }}" ${{ x * 2 }}', []],
    ['a | b', ['pipe:|@2']],
    ['a && b || c; d & e', ['list:&&@2', 'list:||@7', 'list:;@11', 'background:&@15']],
    ['a > f 2>&1 < g', ['redirect:>@2', 'redirect:>&@7', 'redirect:<@11']],
    ['echo $(date) `id` "$(x)"', ['substitution:$(@5', 'substitution:`@13', 'substitution:$(@19']],
    ['echo $HOME ${USER} "$PATH" $1 \'$NOT\'', ['variable:$HOME@5', 'variable:${USER}@11', 'variable:$PATH@20', 'variable:$1@27']],
    ['ls *.log a?b [ab]c [ x', ['glob:*@3', 'glob:?@10', 'glob:[@13']],
    ['cat ~/x # note', ['tilde:~@4', 'comment:#@8']],
    ['a\nb', ['newline:\n@1']],
    ['a\n', []],
  ])('%j', (text, found) => {
    expect(kinds(text)).toEqual(found);
  });

  test('hasShellSyntax', () => {
    expect(hasShellSyntax('kubectl get pods -l app=x')).toBe(false);
    expect(hasShellSyntax('a | b')).toBe(true);
    expect(hasShellSyntax(`echo 'unterminated`)).toBe(true);
  });
});

describe('shellQuote', () => {
  test('shellQuote', () => {
    expect(shellQuote('simple-value_1.2:3')).toBe('simple-value_1.2:3');
    expect(shellQuote("it's $x")).toBe(`'it'\\''s $x'`);
    expect(shellQuote('')).toBe(`''`);
  });
});
