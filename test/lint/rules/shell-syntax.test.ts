import { shellSyntax } from '../../../src/lint/rules/shell-syntax.js';
import { ruleTester, runStep } from '../helpers.js';

const step = (run: string, extra = '') => runStep(run, 'read', extra);
const shell = '\n        shell: true';

describe('shell-syntax', () => {
  ruleTester(shellSyntax, {
    valid: [
      { name: 'plain argv', document: step(`kubectl -n \${{ params.ns }} get pods -l 'app in (a,b)'`) },
      { name: 'a pipeline with shell: true', document: step('kubectl get pods | grep -v Running', shell) },
      { name: 'quoted shell characters are plain arguments', document: step(`"echo '~' '#' 'a|b' '$HOME'"`) },
    ],
    invalid: [
      {
        name: 'a pipe without shell: true',
        document: step('kubectl get pods | grep -v Running'),
        errors: [{ line: 10, column: 31, messageId: 'pipe', data: { text: '|' }, message: 'pipe "|" needs a shell; pipelines need shell: true' }],
      },
      {
        name: 'lists, redirection, substitution and variables',
        document: step(`"cd /tmp && echo $(date) > out.txt; echo $HOME"`),
        errors: [
          { line: 10, column: 23, messageId: 'list', data: { text: '&&' } },
          { line: 10, column: 31, messageId: 'substitution', data: { text: '$(' } },
          { line: 10, column: 39, messageId: 'redirect', data: { text: '>' } },
          {
            line: 10,
            column: 55,
            messageId: 'variable',
            data: { text: '$HOME', name: 'HOME' },
            message: '"$HOME" is not expanded without a shell; write ${{ env.HOME }} or set shell: true',
          },
        ],
      },
      {
        name: 'a special parameter has no ${{ env }} spelling',
        document: step('echo $1'),
        errors: [{ line: 10, column: 19, messageId: 'variableWithoutName', data: { text: '$1' } }],
      },
      {
        name: 'a background job, a subshell',
        document: step(`"sleep 5 & (cd /tmp)"`),
        errors: [
          { line: 10, column: 23, messageId: 'background', message: '"&" runs a command in the background, which needs a shell; remove it or set shell: true' },
          { line: 10, column: 25, messageId: 'subshell', data: { text: '(' } },
        ],
      },
      {
        name: 'an unquoted glob',
        document: step('redis-cli --scan --pattern cache:*'),
        errors: [
          {
            line: 10,
            column: 47,
            messageId: 'glob',
            data: { text: '*', quotedWord: '"cache:*"', word: 'cache:*' },
            message: `unquoted "*" in "cache:*" is a glob a shell would expand; quote it ('cache:*') so the command means the same in a terminal`,
          },
        ],
      },
      {
        name: 'a comment and a tilde',
        document: step(`"ls ~/logs # the logs"`),
        errors: [
          { line: 10, column: 18, messageId: 'tilde' },
          { line: 10, column: 25, messageId: 'comment' },
        ],
      },
      {
        name: 'an unterminated quote',
        document: step(`"echo 'oops"`),
        errors: [{ line: 10, column: 20, messageId: 'unterminated', data: { reason: 'unterminated single quote' }, message: 'unterminated single quote in the command; close it or escape it with \\' }],
      },
      {
        name: 'shell: true without shell syntax is a warning',
        document: step('kubectl get pods', shell),
        errors: [{ line: 11, column: 9, severity: 'warning', messageId: 'shellNotNeeded' }],
      },
      {
        name: 'shell: true with a script that does not parse',
        document: step(`"if true; then echo x"`, shell),
        errors: [{ line: 10, column: 15, messageId: 'bashSyntax', data: { reason: 'if statement must end with "fi"' } }],
      },
      {
        name: 'several lines in a block scalar',
        document: step('|\n          kubectl get pods\n          kubectl get svc'),
        errors: [{ line: 11, column: 27, messageId: 'newline' }],
      },
    ],
  });
});
