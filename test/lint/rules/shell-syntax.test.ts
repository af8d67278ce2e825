import { shellSyntax } from '../../../src/lint/rules/shell-syntax.js';
import { ruleTests, runStep } from '../helpers.js';

const step = (run: string, extra = '') => runStep(run, 'read', extra);

describe('shell-syntax', () => {
  ruleTests(shellSyntax, [
    { name: 'plain argv', document: step(`kubectl -n \${{ params.ns }} get pods -l 'app in (a,b)'`), errors: [] },
    { name: 'a pipeline with shell: true', document: step('kubectl get pods | grep -v Running', '\n        shell: true'), errors: [] },
    {
      name: 'a pipe without shell: true',
      document: step('kubectl get pods | grep -v Running'),
      errors: [{ line: 10, column: 31, message: 'pipe "|" needs a shell; pipelines need shell: true' }],
    },
    {
      name: 'lists, redirection, substitution and variables',
      document: step(`"cd /tmp && echo $(date) > out.txt; echo $HOME"`),
      errors: [
        { line: 10, column: 23, message: '"&&" chains commands' },
        { line: 10, column: 31, message: 'command substitution "$(" needs a shell' },
        { line: 10, column: 39, message: 'redirection ">" needs a shell' },
        { line: 10, column: 55, message: '"$HOME" is not expanded without a shell; write ${{ env.HOME }} or set shell: true' },
      ],
    },
    {
      name: 'an unquoted glob',
      document: step('redis-cli --scan --pattern cache:*'),
      errors: [{ line: 10, column: 47, message: `unquoted "*" in "cache:*" is a glob a shell would expand; quote it ('cache:*')` }],
    },
    {
      name: 'an unterminated quote',
      document: step(`"echo 'oops"`),
      errors: [{ line: 10, column: 20, message: 'unterminated single quote in the command' }],
    },
    {
      name: 'shell: true without shell syntax is a warning',
      document: step('kubectl get pods', '\n        shell: true'),
      errors: [{ line: 11, column: 9, severity: 'warning', message: 'shell: true is not needed' }],
    },
    {
      name: 'several lines in a block scalar',
      document: step('|\n          kubectl get pods\n          kubectl get svc'),
      errors: [{ line: 11, column: 27, message: 'a second line is a second command' }],
    },
  ]);
});
