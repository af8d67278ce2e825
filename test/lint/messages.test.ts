// Rule messages: templates in each rule's meta, filled by the runner from the
// report's data (ESLint's meta.messages / messageId / data).
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { formatMessage, placeholders } from '../../src/lint/messages.js';
import { rules } from '../../src/lint/rules/index.js';
import { lintTexts } from '../../src/lint/runner.js';
import type { Rule } from '../../src/lint/types.js';
import { doc } from './helpers.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('formatMessage', () => {
  test('fills placeholders from data, with or without spaces inside the braces', () => {
    expect(formatMessage('step id "{{id}}" is already defined at {{ where }}', { id: 'scale', where: '8:13' })).toBe('step id "scale" is already defined at 8:13');
    expect(formatMessage('at {{line}}', { line: 11 })).toBe('at 11');
  });

  test('${{ }} is runbook syntax, not a placeholder, even around one', () => {
    expect(formatMessage('write ${{ env.{{name}} }} or ${{ params.namespace }}', { name: 'HOME' })).toBe('write ${{ env.HOME }} or ${{ params.namespace }}');
    expect(formatMessage('unterminated "${{": close it with "}}"')).toBe('unterminated "${{": close it with "}}"');
    expect(placeholders('empty "${{ }}"; e.g. ${{ params.namespace }} in {{field}}')).toEqual(['field']);
  });

  test('data is not formatted again', () => {
    expect(formatMessage('"{{text}}"', { text: '{{id}}' })).toBe('"{{id}}"');
  });

  test('a placeholder without data is a bug, not a message with a hole', () => {
    expect(() => formatMessage('step "{{id}}"', {})).toThrow('message "step "{{id}}"" needs data.id');
  });
});

describe('every rule', () => {
  test.each(rules.map((r) => [r.meta.id, r] as const))('%s declares its messages, and a rule test exercises them', (id, rule) => {
    const templates = Object.values(rule.meta.messages);
    expect(templates.length).toBeGreaterThan(0);
    for (const t of templates) {
      // What is left after the placeholders and ${{ … }}: no stray braces (a typo such as "{{ id}" or "{{id-x}}").
      const rest = t.replace(/\$\{\{[^}]*\}\}/g, '').replace(/\$\{\{/g, '').replace(/(?<!\$)\{\{\s*[A-Za-z_][A-Za-z0-9_]*\s*\}\}/g, '');
      expect([t, /\{\{/.test(rest)]).toEqual([t, false]);
    }
    const testFile = `${root}test/lint/rules/${id}.test.ts`;
    expect(existsSync(testFile)).toBe(true);
    expect(readFileSync(testFile, 'utf8')).toContain('ruleTester(');
  });
});

describe('the runner', () => {
  const text = doc(`
stages:
  detect:
    steps:
      - { id: a, manual: x }
  resolve: {}
`);
  const broken = (report: Record<string, unknown>): Rule => ({
    meta: { id: 'broken', description: 'a rule with a bug', severity: 'error', messages: { known: 'step "{{id}}"' } },
    create: (context) => ({ step: ({ path }) => context.report({ path, ...report } as never) }),
  });

  test('formats the message from the template and keeps messageId and data', async () => {
    const r = await lintTexts([{ file: 'INC-100-x.yaml', text }], { catalog: null, rules: [broken({ messageId: 'known', data: { id: 'a' } })] });
    const [d] = r.files[0]!.diagnostics;
    expect([d!.messageId, d!.data, d!.message]).toEqual(['known', { id: 'a' }, 'step "a"']);
  });

  test.each([
    ['an unknown message id', { messageId: 'nope' }, 'lint crashed on this file: rule broken has no message "nope"'],
    ['a placeholder without data', { messageId: 'known' }, 'lint crashed on this file: message "step "{{id}}"" needs data.id'],
  ])('%s is an internal error on the file, not a message with a hole', async (_, report, message) => {
    const r = await lintTexts([{ file: 'INC-100-x.yaml', text }], { catalog: null, rules: [broken(report)] });
    expect(r.files[0]!.diagnostics.map((d) => [d.ruleId, d.message])).toEqual([['internal', message]]);
  });
});
