// Commands run as argv, without a shell, unless the step says shell: true.
// Anything a shell would treat specially (pipes, redirections, lists, $VAR,
// $(…), globs, ~) would then silently mean something else, so it is an error.
import { findShellSyntax, SplitError, type ShellSyntax } from '../../runbook/argv.js';
import { judgeStep } from '../commands.js';
import type { Rule } from '../types.js';

function explain(s: ShellSyntax): string {
  switch (s.kind) {
    case 'pipe':
      return `pipe "${s.text}" needs a shell; pipelines need shell: true`;
    case 'list':
      return `"${s.text}" chains commands, which needs a shell; use one step per command, or shell: true`;
    case 'newline':
      return 'a second line is a second command, which needs a shell; use one step per command, or shell: true';
    case 'background':
      return `"&" runs a command in the background, which needs a shell; remove it or set shell: true`;
    case 'redirect':
      return `redirection "${s.text}" needs a shell; drop it (output is captured) or set shell: true`;
    case 'subshell':
      return `"${s.text}" is shell syntax; quote it if it is part of an argument, or set shell: true`;
    case 'substitution':
      return `command substitution "${s.text}" needs a shell; read an earlier step with \${{ steps.<id>.result }} or set shell: true`;
    case 'variable': {
      const name = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)/.exec(s.text)?.[1];
      return name
        ? `"${s.text}" is not expanded without a shell; write \${{ env.${name} }} or set shell: true`
        : `"${s.text}" is not expanded without a shell; set shell: true`;
    }
    case 'glob':
      return `unquoted "${s.text}" in ${JSON.stringify(s.word)} is a glob a shell would expand; quote it ('${s.word}') so the command means the same in a terminal`;
    case 'comment':
      return `"#" starts a comment in a shell, but here it is passed as an argument; quote it or remove the comment`;
    case 'tilde':
      return `"~" is expanded to the home directory only by a shell; write the path out or use \${{ env.HOME }}`;
  }
}

export const shellSyntax: Rule = {
  meta: { id: 'shell-syntax', description: 'run strings without shell: true contain no shell syntax', severity: 'error' },
  create(context) {
    return {
      step({ step, path }) {
        const problem = step.shell === true ? judgeStep(step, path)?.problem : undefined;
        if (problem?.kind === 'syntax') {
          context.report({ path: problem.path, offset: problem.offset, message: `the script does not parse as bash: ${problem.message}` });
          return;
        }
        if (typeof step.run !== 'string') return;
        const runPath = [...path, 'run'];
        let found: ShellSyntax[];
        try {
          found = findShellSyntax(step.run);
        } catch (e) {
          if (!(e instanceof SplitError)) throw e;
          context.report({ path: runPath, offset: e.offset, message: `${e.message} in the command; close it or escape it with \\` });
          return;
        }
        if (step.shell === true) {
          if (found.length === 0) {
            context.report({
              path: [...path, 'shell'],
              on: 'key',
              severity: 'warning',
              message: `shell: true is not needed: the command uses no shell syntax; without it, values are passed as plain arguments`,
            });
          }
          return;
        }
        // One report per kind keeps a jsonpath full of brackets readable.
        const kinds = new Set<string>();
        for (const s of found) {
          if (kinds.has(s.kind)) continue;
          kinds.add(s.kind);
          context.report({ path: runPath, offset: s.offset, message: explain(s) });
        }
      },
    };
  },
};
