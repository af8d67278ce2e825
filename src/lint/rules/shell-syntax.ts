// Commands run as argv, without a shell, unless the step says shell: true.
// Anything a shell would treat specially (pipes, redirections, lists, $VAR,
// $(…), globs, ~) would then silently mean something else, so it is an error.
import { findShellSyntax, SplitError, type ShellSyntax } from '../../runbook/argv.js';
import { judgeStep } from '../commands.js';
import type { MessageData, Rule } from '../types.js';

const messages = {
  bashSyntax: 'the script does not parse as bash: {{reason}}',
  unterminated: '{{reason}} in the command; close it or escape it with \\',
  shellNotNeeded: 'shell: true is not needed: the command uses no shell syntax; without it, values are passed as plain arguments',
  pipe: 'pipe "{{text}}" needs a shell; pipelines need shell: true',
  list: '"{{text}}" chains commands, which needs a shell; use one step per command, or shell: true',
  newline: 'a second line is a second command, which needs a shell; use one step per command, or shell: true',
  background: '"&" runs a command in the background, which needs a shell; remove it or set shell: true',
  redirect: 'redirection "{{text}}" needs a shell; drop it (output is captured) or set shell: true',
  subshell: '"{{text}}" is shell syntax; quote it if it is part of an argument, or set shell: true',
  substitution: 'command substitution "{{text}}" needs a shell; read an earlier step with ${{ steps.<id>.result }} or set shell: true',
  variable: '"{{text}}" is not expanded without a shell; write ${{ env.{{name}} }} or set shell: true',
  variableWithoutName: '"{{text}}" is not expanded without a shell; set shell: true',
  glob: "unquoted \"{{text}}\" in {{quotedWord}} is a glob a shell would expand; quote it ('{{word}}') so the command means the same in a terminal",
  comment: '"#" starts a comment in a shell, but here it is passed as an argument; quote it or remove the comment',
  tilde: '"~" is expanded to the home directory only by a shell; write the path out or use ${{ env.HOME }}',
} as const;

type MessageId = keyof typeof messages;

function explain(s: ShellSyntax): { messageId: MessageId; data: MessageData } {
  const text = { text: s.text };
  switch (s.kind) {
    case 'variable': {
      const name = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)/.exec(s.text)?.[1];
      return name ? { messageId: 'variable', data: { text: s.text, name } } : { messageId: 'variableWithoutName', data: text };
    }
    case 'glob':
      return { messageId: 'glob', data: { text: s.text, quotedWord: JSON.stringify(s.word ?? ''), word: s.word ?? '' } };
    case 'newline':
    case 'background':
    case 'comment':
    case 'tilde':
      return { messageId: s.kind, data: {} };
    default:
      return { messageId: s.kind, data: text };
  }
}

export const shellSyntax: Rule<MessageId> = {
  meta: { id: 'shell-syntax', description: 'run strings without shell: true contain no shell syntax', severity: 'error', messages },
  create(context) {
    return {
      step({ step, path }) {
        const problem = step.shell === true ? judgeStep(step, path)?.problem : undefined;
        if (problem?.kind === 'syntax') {
          context.report({ path: problem.path, offset: problem.offset, messageId: 'bashSyntax', data: { reason: problem.message } });
          return;
        }
        if (typeof step.run !== 'string') return;
        const runPath = [...path, 'run'];
        let found: ShellSyntax[];
        try {
          found = findShellSyntax(step.run);
        } catch (e) {
          if (!(e instanceof SplitError)) throw e;
          context.report({ path: runPath, offset: e.offset, messageId: 'unterminated', data: { reason: e.message } });
          return;
        }
        if (step.shell === true) {
          if (found.length === 0) context.report({ path: [...path, 'shell'], on: 'key', severity: 'warning', messageId: 'shellNotNeeded' });
          return;
        }
        // One report per kind keeps a jsonpath full of brackets readable.
        const kinds = new Set<string>();
        for (const s of found) {
          if (kinds.has(s.kind)) continue;
          kinds.add(s.kind);
          context.report({ path: runPath, offset: s.offset, length: s.text.length, ...explain(s) });
        }
      },
    };
  },
};
