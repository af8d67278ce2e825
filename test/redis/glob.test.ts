import { coversPrefix, globMatch, matchesEverything } from '../../src/steps/redis/glob.js';

describe('globMatch (Redis semantics)', () => {
  it.each([
    ['cache:*', 'cache:wms:1', true],
    ['cache:*', 'cachex', false],
    ['h?llo', 'hello', true],
    ['h[ae]llo', 'hallo', true],
    ['h[^e]llo', 'hello', false],
    ['h[a-c]llo', 'hbllo', true],
    ['a\\*b', 'a*b', true],
    ['a\\*b', 'axb', false],
    ['*stock*', 'cache:wms:stock:1', true],
  ])('%s vs %s', (p, s, expected) => {
    expect(globMatch(p, s)).toBe(expected);
  });
});

describe('coversPrefix', () => {
  it.each([
    ['*', 'session:', true],
    ['session:*', 'session:', true],
    ['sess*', 'session:', true],
    ['*:*', 'session:', true],
    ['session:?*', 'session:', true],
    ['cache:*', 'session:', false],
    ['*stock*', 'session:', false],
    ['session:a*', 'session:', false],
    ['session:[ab]*', 'session:', false],
    ['session:1', 'session:', false],
  ])('%s covers %s: %s', (p, prefix, expected) => {
    expect(coversPrefix(p, prefix)).toBe(expected);
  });

  it('sees wildcard-only patterns as everything', () => {
    expect(matchesEverything('*')).toBe(true);
    expect(matchesEverything('?*')).toBe(true);
    expect(matchesEverything('a*')).toBe(false);
  });
});
