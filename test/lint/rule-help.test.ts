// The help text `--format sarif` gives each rule is the rule's row in the
// tables of docs/lint.md. src/lint/rule-help.ts carries it (the package ships
// no docs); this test fails when the two differ, and ONCALL_UPDATE_GOLDEN=1
// regenerates the module from the docs.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { RULE_HELP } from '../../src/lint/rule-help.js';
import { rules } from '../../src/lint/rules/index.js';
import { expectGolden } from './golden-files.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const docs = readFileSync(`${root}docs/lint.md`, 'utf8');

/** Every `| \`id\` | text |` row of the document, in order. */
function rows(markdown: string): Array<[string, string]> {
  return markdown
    .split('\n')
    .map((l) => /^\| `([a-z][a-z0-9-]*)` \| (.*\S) \|\s*$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => [m[1]!, m[2]!]);
}

function moduleText(help: Array<[string, string]>): string {
  const entries = help.map(([id, text]) => `  ${JSON.stringify(id)}: ${JSON.stringify(text)},\n`).join('');
  return `// Generated from the tables of docs/lint.md by test/lint/rule-help.test.ts
// (ONCALL_UPDATE_GOLDEN=1): edit the docs, not this file.
export const RULE_HELP: Readonly<Record<string, string>> = {
${entries}};
`;
}

test('src/lint/rule-help.ts is the rule tables of docs/lint.md', () => {
  expectGolden(`${root}src/lint/rule-help.ts`, moduleText(rows(docs)));
});

test('every rule, and every check before the rules, has a row, and only they do', () => {
  const documented = rows(docs).map(([id]) => id);
  expect(documented).toEqual(['yaml-syntax', 'schema', 'internal', ...rules.map((r) => r.meta.id)]);
  expect(Object.keys(RULE_HELP)).toEqual(documented);
});
