// Which arguments carry a password, and where each program takes it instead.
// The escaping of option files and curl configs is proven against the real
// programs in secret-transport.test.ts; here, the argv forms.
import { curlConfigValue, hideArgvSecrets, mysqlOptionValue, SECRET_FILE, shownArgs } from '../../src/steps/secret-args.js';

const F = SECRET_FILE;

describe('redis-cli', () => {
  test.each([
    [['-h', 'cache', '-a', 'pw', 'PING'], ['-h', 'cache', 'PING']],
    [['-p', '6380', '--pass', 'pw', '--no-auth-warning', 'INFO'], ['-p', '6380', '--no-auth-warning', 'INFO']],
    [['--cluster', 'check', '10.0.0.1:6379', '-a', 'pw'], ['--cluster', 'check', '10.0.0.1:6379']],
  ])('%j: the password after other options goes to REDISCLI_AUTH', (args, expected) => {
    expect(hideArgvSecrets('redis-cli', args)).toEqual({ args: expected, env: { REDISCLI_AUTH: 'pw' } });
  });

  test('an -a after the command is an argument of the command, not a password', () => {
    expect(hideArgvSecrets('redis-cli', ['-h', 'cache', 'ECHO', '-a', 'x'])).toBeUndefined();
  });
});

describe('mysql / mariadb', () => {
  test.each([
    [['-h', 'db', '-u', 'app', '-ps3cret', '-e', 'SELECT 1']],
    [['-h', 'db', '-u', 'app', '--password=s3cret', '-e', 'SELECT 1']],
    [['-h', 'db', '-u', 'app', '--pass=s3cret', '-e', 'SELECT 1']],
  ])('%j: the password goes to an option file named first', (args) => {
    const hidden = hideArgvSecrets('/usr/bin/mysql', args)!;
    expect(hidden.args).toEqual([`--defaults-extra-file=${F}`, '-h', 'db', '-u', 'app', '-e', 'SELECT 1']);
    expect(hidden.file).toEqual({ text: '[client]\npassword="s3cret"\n', stdin: false, program: 'mysql' });
    expect(shownArgs(hidden)[0]).toBe('--defaults-extra-file=<secret file>');
  });

  test.each([
    ['-p alone prompts (and the next word is the database)', ['-h', 'db', '-p', 'appdb']],
    ['--password alone prompts', ['--password', '-h', 'db']],
    ['an empty password is no secret', ['--password=', '-h', 'db']],
    ['the SQL of -e is not an option', ['-e', '-pnot-a-password']],
    ['--no-defaults: no option file would be read', ['--no-defaults', '-pX']],
    ['--defaults-file: an extra file would not be read', ['--defaults-file=/etc/app.cnf', '-pX']],
    ['its own --defaults-extra-file: only one is read', ['--defaults-extra-file=/etc/app.cnf', '-pX']],
  ])('%s: left as it is', (_why, args) => {
    expect(hideArgvSecrets('mariadb', args)).toBeUndefined();
  });

  test('option-file values: quoted, with the reader\'s escapes', () => {
    expect(mysqlOptionValue(' a"b\\c#d\ne ')).toBe('" a\\"b\\\\c#d\\ne "');
  });
});

describe('curl', () => {
  test.each([
    ['-H', ['-fsS', '-H', 'Authorization: Bearer t0k', 'https://api/x'], ['-K', F, '-fsS', 'https://api/x'], 'header = "Authorization: Bearer t0k"'],
    ['--header', ['--header', 'X-Api-Key: k3y', 'https://api/x'], ['-K', F, 'https://api/x'], 'header = "X-Api-Key: k3y"'],
    ['-u', ['-u', 'admin:pw', 'https://api/x'], ['-K', F, 'https://api/x'], 'user = "admin:pw"'],
    ['-u attached in a cluster', ['-sSuadmin:pw', 'https://api/x'], ['-K', F, '-sS', 'https://api/x'], 'user = "admin:pw"'],
    ['-u ending a cluster', ['-sSu', 'admin:pw', 'https://api/x'], ['-K', F, '-sS', 'https://api/x'], 'user = "admin:pw"'],
    ['--oauth2-bearer', ['--oauth2-bearer', 't0k', 'https://api/x'], ['-K', F, 'https://api/x'], 'oauth2-bearer = "t0k"'],
    ['a URL password (decoded, as curl does)', ['-s', 'https://admin:p%40ss@api/x'], ['-K', F, '-s', 'https://api/x'], 'user = "admin:p@ss"'],
    ['-q stays first', ['-q', '-H', 'Cookie: s=1', 'https://api/x'], ['-q', '-K', F, 'https://api/x'], 'header = "Cookie: s=1"'],
  ])('%s: moved into the config', (_name, args, expected, line) => {
    const hidden = hideArgvSecrets('curl', args);
    expect(hidden?.args).toEqual(expected);
    expect(hidden?.file).toEqual({ text: `${line}\n`, stdin: true, program: 'curl' });
  });

  test('headers that carry no secret stay visible; only the secret ones move', () => {
    const hidden = hideArgvSecrets('curl', ['-H', 'Accept: application/json', '-H', 'Authorization: Basic eA==', 'https://api/x'])!;
    expect(hidden.args).toEqual(['-K', F, '-H', 'Accept: application/json', 'https://api/x']);
  });

  test('a command that reads its stdin gets the config from a file instead', () => {
    expect(hideArgvSecrets('curl', ['-d', '@-', '-H', 'Authorization: x', 'https://api/x'])?.file?.stdin).toBe(false);
    expect(hideArgvSecrets('curl', ['-T', '-', '-u', 'a:b', 'https://api/x'])?.file?.stdin).toBe(false);
  });

  test.each([
    ['two URLs: `user` would go to both', ['https://a:pw@one/x', 'https://two/y']],
    ['a proxy URL beside it', ['-x', 'http://proxy:3128', 'https://a:pw@one/x']],
    ['an option the table does not know', ['--some-new-flag', 'https://a:pw@one/x']],
    ['--next: options after it apply elsewhere', ['-H', 'Authorization: x', 'https://one', '--next', 'https://two']],
    ['-u without a password prompts', ['-u', 'admin', 'https://one']],
    ['a colon in the decoded URL user: not expressible as user = "u:p"', ['https://ad%3Amin:pw@one/x']],
  ])('%s: left as it is', (_why, args) => {
    expect(hideArgvSecrets('curl', args)).toBeUndefined();
  });

  test('config values: quoted, with curl\'s escapes', () => {
    expect(curlConfigValue('a"b\\c\td\ne')).toBe('"a\\"b\\\\c\\td\\ne"');
  });
});

test('other programs are left alone', () => {
  expect(hideArgvSecrets('kubectl', ['--token', 'x', 'get', 'pods'])).toBeUndefined();
});
