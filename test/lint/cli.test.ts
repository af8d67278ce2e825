// The real CLI: `node bin/oncall.js lint …` as CI runs it. Exit codes: 0 clean
// (warnings alone included), 1 errors found, 2 usage error or unreadable path.
// Never a stack trace, whatever the input.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertBuilt } from '../support/built.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const fixtures = 'test/fixtures/lint';
let tmp: string;

beforeAll(() => {
  assertBuilt();
  tmp = mkdtempSync(join(tmpdir(), 'oncall-lint-'));
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function oncall(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ['bin/oncall.js', ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ONCALL_RUNBOOKS: '', ...env },
  });
  // Whatever happened, no stack trace reaches the user.
  expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  expect(r.stdout).not.toMatch(/\n\s+at .+:\d+:\d+/);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('the real CLI prints every golden file', () => {
  const dir = join(root, fixtures);
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
    const r = oncall(['lint', `${fixtures}/${name}`]);
    expect([name, r.stdout]).toEqual([name, readFileSync(join(dir, name.replace(/\.yaml$/, '.out')), 'utf8')]);
    expect(r.code).toBe(/no problems|0 errors/.test(r.stdout) ? 0 : 1);
  }
});

test('worker threads give the same report as one thread', () => {
  const many = join(tmp, 'many');
  mkdirSync(many);
  const valid = readFileSync(join(root, fixtures, 'valid/INC-100-valid.yaml'), 'utf8');
  const broken = readFileSync(join(root, fixtures, 'INC-111-references.yaml'), 'utf8');
  const withId = (text: string, id: string) => text.replace(/^id: .*$/m, `id: ${id}`);
  for (let i = 0; i < 80; i++) writeFileSync(join(many, `INC-${100 + i}-x.yaml`), withId(i % 10 === 3 ? broken : valid, `INC-${100 + i}`));
  // A duplicate id is found across the threads' shares, once.
  writeFileSync(join(many, 'INC-100-copy.yaml'), valid);
  const one = oncall(['lint', many], { ONCALL_LINT_WORKERS: '0' });
  const two = oncall(['lint', many], { ONCALL_LINT_WORKERS: '2' });
  expect(one.code).toBe(1);
  expect(two).toEqual(one);
  expect(one.stdout).toContain(`INC-100-x.yaml:2:5: error runbook id "INC-100" is already defined in ${many}/INC-100-copy.yaml [id-matches-file]\n  id: INC-100\n      ^\n`);
  expect(one.stdout).toContain('49 problems (49 errors, 0 warnings) in 9 files');
});

test('a clean directory exits 0', () => {
  const r = oncall(['lint', `${fixtures}/valid`]);
  expect(r).toEqual({ code: 0, stdout: 'no problems in 2 files\n', stderr: '' });
});

test('warnings alone exit 0', () => {
  const r = oncall(['lint', `${fixtures}/INC-121-warnings-only.yaml`]);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('[param-pattern]');
  expect(r.stdout).toContain('1 problem (0 errors, 1 warning) in 1 file');
});

test('kubectl delete declared read fails lint', () => {
  const r = oncall(['lint', `${fixtures}/INC-113-mutating-command.yaml`]);
  expect(r.code).toBe(1);
  expect(r.stdout).toContain(
    `${fixtures}/INC-113-mutating-command.yaml:10:27: error "kubectl delete" changes the system, but step "clean-pods" is declared effect: read; declare effect: write so it runs only after approval [mutating-command]`,
  );
});

test('errors in several files exit 1 and are sorted by file, line, column', () => {
  const r = oncall(['lint', `${fixtures}/INC-119-until-timing.yaml`, `${fixtures}/INC-118-step-action.yaml`, `${fixtures}/valid`]);
  expect(r.code).toBe(1);
  const heads = r.stdout.split('\n').filter((l) => /^\S+:\d+:\d+: /.test(l));
  expect(heads.map((l) => l.split(': ')[0])).toEqual([
    `${fixtures}/INC-118-step-action.yaml:9:9`,
    `${fixtures}/INC-118-step-action.yaml:14:9`,
    `${fixtures}/INC-119-until-timing.yaml:13:58`,
  ]);
  expect(r.stdout).toMatch(/3 problems \(3 errors, 0 warnings\) in 2 files\n$/);
});

test('--format json prints an array, --format github annotations', () => {
  const json = oncall(['lint', '--format', 'json', `${fixtures}/INC-114-no-redis-keys.yaml`]);
  expect(json.code).toBe(1);
  expect(JSON.parse(json.stdout)).toEqual([
    {
      file: `${fixtures}/INC-114-no-redis-keys.yaml`,
      line: 10,
      column: 38,
      endLine: 10,
      endColumn: 42,
      path: 'stages.detect.steps[0].run',
      severity: 'error',
      ruleId: 'no-redis-keys',
      message: `redis-cli "KEYS" blocks the server while it walks every key; use redis-cli --scan --pattern 'cache:wms:*' or the redis.prefixes check`,
    },
  ]);
  const clean = oncall(['lint', '--format', 'json', `${fixtures}/valid`]);
  expect(clean).toEqual({ code: 0, stdout: '[]\n', stderr: '' });
  const gh = oncall(['lint', '--format', 'github', `${fixtures}/INC-114-no-redis-keys.yaml`]);
  expect(gh.code).toBe(1);
  expect(gh.stdout).toBe(
    `::error file=${fixtures}/INC-114-no-redis-keys.yaml,line=10,col=38,title=oncall no-redis-keys::redis-cli "KEYS" blocks the server while it walks every key; use redis-cli --scan --pattern 'cache:wms:*' or the redis.prefixes check [no-redis-keys]\n`,
  );
});

test('--format sarif prints a SARIF log with the same exit codes', () => {
  const file = `${fixtures}/INC-114-no-redis-keys.yaml`;
  const r = oncall(['lint', '--format', 'sarif', file]);
  expect([r.code, r.stderr]).toEqual([1, '']);
  const log = JSON.parse(r.stdout);
  expect(log.version).toBe('2.1.0');
  const run = log.runs[0];
  expect(run.results).toEqual([
    {
      ruleId: 'no-redis-keys',
      ruleIndex: run.tool.driver.rules.findIndex((x: { id: string }) => x.id === 'no-redis-keys'),
      level: 'error',
      message: { text: `redis-cli "KEYS" blocks the server while it walks every key; use redis-cli --scan --pattern 'cache:wms:*' or the redis.prefixes check` },
      locations: [
        {
          physicalLocation: { artifactLocation: { uri: file }, region: { startLine: 10, startColumn: 38, endLine: 10, endColumn: 42 } },
          logicalLocations: [{ fullyQualifiedName: 'stages.detect.steps[0].run' }],
        },
      ],
    },
  ]);
  const clean = oncall(['lint', '--format', 'sarif', `${fixtures}/valid`]);
  expect(clean.code).toBe(0);
  expect(JSON.parse(clean.stdout).runs[0].results).toEqual([]);
});

test('an unknown format is a usage error', () => {
  const r = oncall(['lint', '--format', 'xml', `${fixtures}/valid`]);
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toContain('text, json, github, sarif');
});

test('a missing path exits 2 with one line on stderr', () => {
  const r = oncall(['lint', 'no/such/runbook.yaml']);
  expect(r).toEqual({ code: 2, stdout: '', stderr: 'oncall: cannot read "no/such/runbook.yaml": no such file or directory\n' });
});

test('a directory without YAML exits 2', () => {
  const empty = join(tmp, 'empty-dir');
  mkdirSync(empty);
  writeFileSync(join(empty, 'README.md'), '# nothing here\n');
  mkdirSync(join(empty, 'sub.yaml'));
  const r = oncall(['lint', empty]);
  expect(r.code).toBe(2);
  expect(r.stderr).toBe(`oncall: no runbook files (*.yaml, *.yml) in "${empty}"\n`);
});

test('no paths: the runbook directory (--runbooks, then ONCALL_RUNBOOKS)', () => {
  expect(oncall(['--runbooks', `${fixtures}/valid`, 'lint']).stdout).toBe('no problems in 2 files\n');
  expect(oncall(['lint'], { ONCALL_RUNBOOKS: `${fixtures}/valid` }).stdout).toBe('no problems in 2 files\n');
});

describe('inputs that are not runbooks get a diagnostic, never a crash', () => {
  const cases: Array<[string, string | Buffer, RegExp]> = [
    ['empty.yaml', '', /:1:1: error the document is empty/],
    ['blank.yaml', '\n\n   \n', /error the document is empty/],
    ['list.yaml', '- a\n- b\n', /error the document must be a mapping .* got a list \[schema\]/],
    ['scalar.yaml', 'just text\n', /error the document must be a mapping .* got a string \[schema\]/],
    ['binary.yaml', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)), /:1:1: error file is binary, not UTF-8 YAML text \[yaml-syntax\]/],
    ['tabs.yaml', 'id: INC-001\n\ttitle: x\n', /\[yaml-syntax\]/],
    ['dupkeys.yaml', 'id: INC-001\nid: INC-002\n', /:2:1: error map keys must be unique \[yaml-syntax\]/],
    ['two-docs.yaml', 'id: INC-001\n---\nid: INC-002\n', /\[yaml-syntax\]/],
    ['alias-bomb.yaml', 'a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n', /error/],
    ['weird.yaml', 'id: INC-001\ntitle: x\nseverity: SEV-1\nalerts: [{alertname: A}]\nstages: { detect: { steps: [1, "x", null, [], { id: a }] }, resolve: 5 }\n', /\[schema\]/],
  ];
  test.each(cases)('%s', (name, content, expected) => {
    const file = join(tmp, name);
    writeFileSync(file, content);
    const r = oncall(['lint', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(expected);
  });

  test('a 10 MB file is refused quickly', () => {
    const file = join(tmp, 'huge.yaml');
    writeFileSync(file, `notes:\n${'  - a long note line that repeats\n'.repeat(330_000)}`);
    const started = Date.now();
    const r = oncall(['lint', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/:1:1: error file is too large for a runbook \(10\.\d MB; the limit is 1 MB\) \[yaml-syntax\]/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe('hostile files next to good ones', () => {
  const good = readFileSync(join(root, 'runbooks/INC-001-dispatch-engine-down.yaml'));
  const head = 'id: INC-05X\ntitle: T\nseverity: SEV-4\nalerts: [{ alertname: X }]\n';
  const files: Record<string, Buffer> = {
    'INC-001-dispatch-engine-down.yaml': good,
    'INC-050-utf.yaml': Buffer.concat([Buffer.from(head.replace('05X', '050').replace('title: T', 'title: Bad ')), Buffer.from([0xff, 0xfe]), Buffer.from(' bytes\nstages: { detect: {}, resolve: {} }\n')]),
    'INC-051-deep.yaml': Buffer.from(`${head.replace('05X', '051')}notes: ${'['.repeat(3000)}${']'.repeat(3000)}\nstages: { detect: {}, resolve: {} }\n`),
    'INC-052-deep-maps.yaml': Buffer.from(`${head.replace('05X', '052')}notes: ${'{a: '.repeat(3000)}1${'}'.repeat(3000)}\nstages: { detect: {}, resolve: {} }\n`),
  };
  let dir: string;
  beforeAll(() => {
    dir = join(tmp, 'hostile');
    mkdirSync(dir, { recursive: true });
    for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
  });

  test('lint points at the invalid byte and at the nesting, and says nothing of the good file', () => {
    const r = oncall(['lint', '--format', 'json', dir]);
    expect(r.code).toBe(1);
    const found = (JSON.parse(r.stdout) as Array<{ file: string; line: number; column: number; message: string }>).map((d) => `${d.file.split('/').pop()}:${d.line}:${d.column} ${d.message}`);
    expect(found).toEqual([
      'INC-050-utf.yaml:5:1 invalid UTF-8 (byte 0xff); runbooks are UTF-8 text',
      'INC-051-deep.yaml:5:72 collections nested more than 64 levels deep; a runbook never needs that',
      'INC-052-deep-maps.yaml:5:264 collections nested more than 64 levels deep; a runbook never needs that',
    ]);
  });

  test('list still lists the good runbook and names each bad one in one line', () => {
    const r = oncall(['--runbooks', dir, 'list']);
    expect(r.stdout).toMatch(/^INC-001 /m);
    expect(r.stderr.trim().split('\n')).toHaveLength(3);
    expect(r.stderr).toMatch(/INC-051-deep\.yaml:5:72: collections nested/);
  });
});
