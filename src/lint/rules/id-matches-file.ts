// `list`, `show` and `run` find a runbook by its file name, not by reading
// every file: a runbook whose name does not start with its id is found under
// the wrong id (or not at all). Runbooks linted together must also not share
// an id; that needs every file, so the runner checks it (runner.ts,
// duplicateIds) and reports it under this rule's id.
import type { Rule } from '../types.js';

/** The file names src/runbook/registry.ts lists (kept in step by test/lint/rules/id-matches-file.test.ts). */
export const RUNBOOK_FILE = /^([A-Z][A-Z0-9]*-[0-9]{3,})(?:-[^/]*)?\.ya?ml$/;

export const ID_MATCHES_FILE = 'id-matches-file';

function baseName(file: string): string {
  return file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
}

export const idMatchesFile: Rule<'noId' | 'mismatch' | 'duplicate'> = {
  meta: {
    id: ID_MATCHES_FILE,
    description: 'the file name starts with the runbook id, so list, show and run find it',
    severity: 'error',
    messages: {
      noId: 'file name "{{name}}" does not start with a runbook id, so list, show and run will not find it; name the file {{id}}-….yaml',
      mismatch: 'id "{{id}}" does not match the file name "{{name}}"; name the file {{id}}-….yaml',
      // Reported by the runner, which sees every file (runner.ts, duplicateIds).
      duplicate: 'runbook id "{{id}}" is already defined in {{file}}',
    },
  },
  create(context) {
    return {
      end() {
        const id = context.runbook.id;
        const name = baseName(context.file);
        const m = RUNBOOK_FILE.exec(name);
        if (!m) {
          context.report({ path: ['id'], severity: 'warning', messageId: 'noId', data: { name, id } });
        } else if (m[1] !== id) {
          context.report({ path: ['id'], messageId: 'mismatch', data: { id, name } });
        }
      },
    };
  },
};
