// Parameters: precedence, patterns, unknown keys; secrets by value.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { digestMatches, fingerprintKey, secretDigest } from '../../src/engine/fingerprint.js';
import { ParamError, publicParams, resolveParams } from '../../src/engine/params.js';
import { Redactor } from '../../src/engine/redact.js';
import type { Runbook } from '../../src/runbook/types.js';

const rb = (params: Runbook['params']): Runbook =>
  ({ id: 'TST-001', title: 't', severity: 'SEV-4', alerts: [{ alertname: 'A' }], params, stages: { detect: {}, resolve: {} } }) as Runbook;

describe('resolveParams', () => {
  const runbook = rb({
    namespace: { default: 'smp-prod', pattern: '^[a-z0-9-]{1,63}$', env: 'NS' },
    replicas: { default: 3, pattern: '^[0-9]+$' },
    token: { secret: true, env: 'TOKEN' },
  });

  test('--set beats env beats default; numbers stay numbers', () => {
    expect(resolveParams(runbook, [], {}).values).toEqual({ namespace: 'smp-prod', replicas: 3 });
    expect(resolveParams(runbook, [], {}).sources.token).toBe('unset');
    expect(resolveParams(runbook, [], { NS: 'from-env' }).values.namespace).toBe('from-env');
    const r = resolveParams(runbook, ['namespace=from-set', 'replicas=5'], { NS: 'from-env' });
    expect(r.values).toMatchObject({ namespace: 'from-set', replicas: 5 });
    expect(r.sources).toMatchObject({ namespace: 'set', replicas: 'set', token: 'unset' });
  });

  test('unknown --set key is a usage error listing the known ones', () => {
    expect(() => resolveParams(runbook, ['nope=1'], {})).toThrow(new ParamError('unknown parameter "nope" in --set; TST-001 takes namespace, replicas, token'));
    expect(() => resolveParams(runbook, ['novalue'], {})).toThrow('--set "novalue" must be KEY=VALUE');
  });

  test.each(['x; rm -rf /', '$(id)', '`id`', '--kubeconfig=/tmp/evil', 'UPPER', 'a'.repeat(64)])('pattern refuses %j in one line naming the param and pattern', (v) => {
    expect(() => resolveParams(runbook, [`namespace=${v}`], {})).toThrow(/^invalid value for parameter "namespace": must match \^\[a-z0-9-\]\{1,63\}\$ \(got /);
  });

  test('a pattern must match the whole value even when the author did not anchor it', () => {
    const loose = rb({ ns: { default: 'ok', pattern: '[a-z]+' } });
    expect(() => resolveParams(loose, ['ns=ok;rm'], {})).toThrow(/must match \[a-z\]\+/);
  });

  test('env values are checked too, and defaults', () => {
    expect(() => resolveParams(runbook, [], { NS: 'Bad Value' })).toThrow(/parameter "namespace"/);
    expect(() => resolveParams(rb({ x: { default: 'BAD', pattern: '^[a-z]+$' } }), [], {})).toThrow(/parameter "x"/);
  });

  test('required without a value says how to give it', () => {
    expect(() => resolveParams(rb({ group: { required: true, env: 'GROUP' } }), [], {})).toThrow('missing required parameter "group": set it with --set group=VALUE or env GROUP');
  });

  test('secret values (from --set and env), and URL passwords, are collected for redaction; the error hides them', () => {
    const r = resolveParams(
      rb({ token: { secret: true, env: 'TOKEN' }, url: { default: 'redis://:s3cr3tpw@10.0.0.1:6379/0' }, p: { secret: true, pattern: '^[a-z]+$' } }),
      ['token=abc123xyz'],
      { TOKEN: 'envtoken99' },
    );
    expect(r.secretValues.sort()).toEqual(['abc123xyz', 'envtoken99', 's3cr3tpw'].sort());
    expect(publicParams(r)).toMatchObject({ token: '***', url: 'redis://:s3cr3tpw@10.0.0.1:6379/0' });
    expect(() => resolveParams(rb({ p: { secret: true, pattern: '^[a-z]+$' } }), ['p=NotLower1'], {})).toThrow('invalid value for parameter "p": must match ^[a-z]+$');
  });

  test('a secret URL keeps its host visible: its password and query values are what is masked', () => {
    const r = resolveParams(rb({ url: { secret: true, env: 'REDIS_URL' } }), [], { REDIS_URL: 'redis://:p%40ss@10.0.0.1:6379/0?token=tkn123' });
    expect(r.secretValues.sort()).toEqual(['p%40ss', 'p@ss', 'tkn123'].sort());
    expect(new Redactor(r.secretValues).string('redis-cli -u redis://:p%40ss@10.0.0.1:6379/0?token=tkn123 -a p@ss')).toBe('redis-cli -u redis://:***@10.0.0.1:6379/0?token=*** -a ***');
  });
});

describe('Redactor', () => {
  test('masks registered values and URL passwords everywhere in a value', () => {
    const r = new Redactor(['hunter2']);
    const out = r.value({
      cmd: 'mysql -phunter2 mysql://admin:pa%40ss@db:3306/x',
      nested: [{ url: 'redis://:abc@127.0.0.1:6379', q: 'https://h/x?password=zzz&a=1' }],
      n: 1,
    });
    expect(out).toEqual({
      cmd: 'mysql -p*** mysql://admin:***@db:3306/x',
      nested: [{ url: 'redis://:***@127.0.0.1:6379', q: 'https://h/x?password=***&a=1' }],
      n: 1,
    });
    r.addUrlPasswords('redis://user:pw-in-url@h:1');
    expect(r.string('AUTH pw-in-url')).toBe('AUTH ***');
  });

  test('no depth limit: a secret 80 levels down is masked', () => {
    const r = new Redactor(['Tk9qzXyzzy']);
    let deep: unknown = { token: 'Tk9qzXyzzy' };
    for (let i = 0; i < 80; i++) deep = { next: deep };
    expect(JSON.stringify(r.value(deep))).not.toContain('Tk9qzXyzzy');
    expect(JSON.stringify(r.value(deep))).toContain('***');
  });

  test('the escaped, URL-encoded and base64 spellings of a secret are masked too', () => {
    const secret = 'Tk9"qz\\Xyzzy/Abc';
    const r = new Redactor([secret]);
    for (const spelled of [JSON.stringify(secret), JSON.stringify(JSON.stringify(secret)), encodeURIComponent(secret), Buffer.from(secret).toString('base64')]) {
      const out = r.string(`value: ${spelled}`);
      expect(out).toContain('***');
      expect(out).not.toContain('Xyzzy');
    }
  });
});

describe('secret fingerprints', () => {
  test('keyed: the same value matches, another does not, and the journal alone cannot test guesses', () => {
    const dir = mkdtempSync(join(tmpdir(), 'oncall-fp-'));
    try {
      const key = fingerprintKey(dir);
      expect(statSync(join(dir, '.fingerprint-key')).mode & 0o777).toBe(0o600);
      expect(fingerprintKey(dir).equals(key)).toBe(true);
      const digest = secretDigest('INC-001-20261201T000000Z-abcd', 'abc', key);
      expect(digest).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
      expect(digestMatches(digest, 'INC-001-20261201T000000Z-abcd', 'abc', key)).toBe(true);
      expect(digestMatches(digest, 'INC-001-20261201T000000Z-abcd', 'abd', key)).toBe(false);
      // Without the key, trying every 3-letter value against the digest finds nothing.
      const other = Buffer.alloc(32, 1);
      expect(digestMatches(digest, 'INC-001-20261201T000000Z-abcd', 'abc', other)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

