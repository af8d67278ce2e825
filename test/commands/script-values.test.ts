// How values reach a shell script: as environment variables, in the quoting
// context where each interpolation stood; nowhere a variable is unsafe.
import { execFileSync } from 'node:child_process';
import { placements, placeValues, prepareScript, PlacementError } from '../../src/commands/script-values.js';
import { parseScript } from '../../src/commands/shell-script.js';

function place(template: string, values: string[]) {
  const prepared = prepareScript(template);
  const slots = placements(prepared, parseScript(prepared.text));
  return placeValues(prepared, slots, values);
}

/** Runs the placed script in bash and returns what it printed. */
function run(template: string, values: string[]): string {
  const placed = place(template, values);
  return execFileSync('bash', ['-o', 'pipefail', '-c', placed.script], { env: { PATH: process.env.PATH, ...placed.env }, encoding: 'utf8' });
}

const HOSTILE = `x;touch /tmp/pwned'"$(id)\`id\`\n*`;

test.each([
  ['bare', 'printf %s ${{ v }}', 'printf %s "${ONCALL_V1}"'],
  ['inside double quotes', 'printf %s "a ${{ v }} b"', 'printf %s "a ${ONCALL_V1} b"'],
  ['inside single quotes', "printf %s 'a ${{ v }} b'", `printf %s 'a '"\${ONCALL_V1}"' b'`],
  ['as a flag value', 'printf --x=${{ v }}', 'printf --x="${ONCALL_V1}"'],
  ['inside $( ) within "…"', 'echo "$(printf %s ${{ v }})"', 'echo "$(printf %s "${ONCALL_V1}")"'],
  ['in an unquoted here-document', 'cat <<EOF\n${{ v }}\nEOF', 'cat <<EOF\n${ONCALL_V1}\nEOF'],
  ['in a comment', 'true # ${{ v }}', 'true # ONCALL_V1'],
  ["inside a nested bash -c '…'", "bash -c 'printf %s ${{ v }}'", `bash -c 'printf %s "\${ONCALL_V1}"'`],
])('%s: the script refers to a variable', (_name, template, script) => {
  expect(place(template, ['v']).script).toBe(script);
});

test.each([
  ['bare', 'printf %s ${{ v }}'],
  ['inside double quotes', 'printf %s "${{ v }}"'],
  ['inside single quotes', "printf %s '${{ v }}'"],
  ['inside $( ) within "…"', 'printf %s "$(printf %s ${{ v }})"'],
  ["in date -d '…' inside \"$( )\"", `printf %s "$(printf %s '\${{ v }}')"`],
  ['in an unquoted here-document', 'cat <<EOF\n${{ v }}\nEOF'],
  ["inside a nested bash -c '…'", "bash -c 'printf %s ${{ v }}'"],
])('%s: a hostile value arrives as data, unchanged', (_name, template) => {
  const out = run(template, [HOSTILE]);
  expect(out.replace(/\n$/, '')).toBe(HOSTILE.replace(/\n$/, ''));
});

test.each([
  ['$(( ))', 'echo $(( ${{ v }} + 1 ))', /arithmetic/],
  ['(( ))', '(( ${{ v }} > 1 ))', /arithmetic/],
  ['[[ -eq ]]', '[[ $x -eq ${{ v }} ]]', /arithmetic/],
  ['an array subscript', 'echo ${a[${{ v }}]}', /arithmetic/],
  ['a quoted here-document', "cat <<'EOF'\n${{ v }}\nEOF", /quoted here-document/],
  ['the command name', '${{ v }} get pods', /command name/],
  ['eval', 'eval "echo ${{ v }}"', /eval/],
  ['a nested script in double quotes', 'bash -c "echo ${{ v }}"', /nested shell/],
  ['a reserved name', 'echo $ONCALL_V1 ${{ v }}', /reserved/],
])('%s: no safe place, a located error', (_name, template, message) => {
  const prepared = prepareScript(template);
  let error: unknown;
  try {
    placements(prepared, parseScript(prepared.text));
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(PlacementError);
  expect((error as PlacementError).message).toMatch(message);
  expect(template.slice((error as PlacementError).offset)).toMatch(/^(\$\{\{|ONCALL_V)/);
});

test('a here-document delimiter from a value is refused (it never closes: each interpolation is its own variable)', () => {
  const prepared = prepareScript('cat <<${{ v }}\nx\n${{ v }}\n');
  expect(() => placements(prepared, parseScript(prepared.text))).toThrow(/here-document|delimiter/);
});

test('the display shows each value quoted where it goes', () => {
  const placed = place(`kubectl -n \${{ a }} logs "x \${{ b }}" 'y \${{ c }}'`, ["it's", 'a"b', 'q']);
  expect(placed.display).toBe(`kubectl -n 'it'\\''s' logs "x a\\"b" 'y 'q''`);
  expect(placed.env).toEqual({ ONCALL_V1: "it's", ONCALL_V2: 'a"b', ONCALL_V3: 'q' });
});
