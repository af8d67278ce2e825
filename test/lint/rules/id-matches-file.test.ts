import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { lintTexts } from '../../../src/lint/runner.js';
import { idMatchesFile, RUNBOOK_FILE } from '../../../src/lint/rules/id-matches-file.js';
import { listRunbookFiles } from '../../../src/runbook/registry.js';
import { doc, ruleTester } from '../helpers.js';

// HEADER's id is INC-100, at 1:5.
const body = doc(`
stages:
  detect: {}
  resolve: {}
`);

describe('id-matches-file', () => {
  const noId = (name: string) => ({ line: 1, column: 5, severity: 'warning' as const, messageId: 'noId' as const, data: { name, id: 'INC-100' } });
  ruleTester(idMatchesFile, {
    valid: [
      { name: 'file name starts with the id', file: 'runbooks/INC-100-checkout-latency.yaml', document: body },
      { name: 'file name is just the id', file: 'INC-100.yml', document: body },
    ],
    invalid: [
      {
        name: 'file name starts with another id',
        file: 'runbooks/INC-002-x.yaml',
        document: body,
        errors: [
          {
            line: 1,
            column: 5,
            messageId: 'mismatch',
            data: { id: 'INC-100', name: 'INC-002-x.yaml' },
            message: 'id "INC-100" does not match the file name "INC-002-x.yaml"; name the file INC-100-….yaml',
          },
        ],
      },
      {
        name: 'a longer number is another id',
        file: 'INC-1000-x.yaml',
        document: body,
        errors: [{ line: 1, column: 5, messageId: 'mismatch', data: { id: 'INC-100', name: 'INC-1000-x.yaml' } }],
      },
      {
        name: 'file name without an id',
        file: 'runbooks/SEC.yaml',
        document: body,
        errors: [{ ...noId('SEC.yaml'), message: 'file name "SEC.yaml" does not start with a runbook id, so list, show and run will not find it; name the file INC-100-….yaml' }],
      },
      { name: 'lower-case id in the file name', file: 'inc-100-x.yaml', document: body, errors: [noId('inc-100-x.yaml')] },
      { name: 'upper-case extension', file: 'INC-100-x.YAML', document: body, errors: [noId('INC-100-x.YAML')] },
    ],
    exercisedElsewhere: { duplicate: 'two runbooks with the same id (below): the runner checks it across files' },
  });

  test('a process file is not a runbook: no rule runs on it', async () => {
    const r = await lintTexts([{ file: 'runbooks/process.yaml', text: 'kind: process\nseverities: []\n' }], { catalog: null, rules: [idMatchesFile] });
    expect(r.files[0]!.diagnostics.filter((d) => d.ruleId === 'id-matches-file')).toEqual([]);
  });

  test('two runbooks with the same id: an error on the second, pointing at the first', async () => {
    const texts = [
      { file: 'runbooks/INC-100-b.yaml', text: body },
      { file: 'runbooks/INC-100-a.yaml', text: body },
      { file: 'runbooks/INC-101-c.yaml', text: body.replace('id: INC-100', 'id: INC-101') },
    ];
    const r = await lintTexts(texts, { catalog: null, rules: [idMatchesFile] });
    expect(r.files.map((f) => [f.file, f.diagnostics.map((d) => `${d.line}:${d.column} ${d.severity} ${d.message} [${d.ruleId}]`)])).toEqual([
      ['runbooks/INC-100-a.yaml', []],
      ['runbooks/INC-100-b.yaml', ['1:5 error runbook id "INC-100" is already defined in runbooks/INC-100-a.yaml [id-matches-file]']],
      ['runbooks/INC-101-c.yaml', []],
    ]);
    const d = r.files[1]!.diagnostics[0]!;
    expect([d.messageId, d.data, d.path]).toEqual(['duplicate', { id: 'INC-100', file: 'runbooks/INC-100-a.yaml' }, ['id']]);
    expect([r.errorCount, r.warningCount]).toEqual([1, 0]);
  });

  test('without the rule, no check across files', async () => {
    const r = await lintTexts(
      [
        { file: 'INC-100-a.yaml', text: body },
        { file: 'INC-100-b.yaml', text: body },
      ],
      { catalog: null, rules: [] },
    );
    expect(r.errorCount).toBe(0);
  });

  test('the file names are the ones list, show and run find', () => {
    const names = ['INC-001.yaml', 'INC-001-x.yml', 'INC-001-a-b.yaml', 'SEC-1234-x.yaml', 'A1-001.yaml', 'SEC.yaml', 'INC-01-x.yaml', 'inc-001.yaml', 'INC-001.YAML', 'INC-001x.yaml', 'INC_001.yaml', '1NC-001.yaml', 'process.yaml'];
    const dir = mkdtempSync(join(tmpdir(), 'oncall-ids-'));
    try {
      for (const n of names) writeFileSync(join(dir, n), '');
      const listed = listRunbookFiles(dir).map((e) => `${basename(e.file)} ${e.id}`);
      const matched = names.flatMap((n) => {
        const id = RUNBOOK_FILE.exec(n)?.[1];
        return id ? [`${n} ${id}`] : [];
      });
      expect(matched.length).toBeGreaterThan(3);
      expect(matched.sort()).toEqual(listed.sort());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
