// The fast YAML path must agree with yaml exactly — same values, same
// positions — whenever it accepts a text; otherwise it must decline.
// Checked over the bundled runbooks and scenarios, every lint fixture, edge cases, and
// thousands of deterministic mutations of them.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import { fastParse } from '../../src/runbook/fast-yaml.js';
import { locateRange, locateWithin, parseSource, type DocPath } from '../../src/runbook/source.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

function yamlFiles(dir: string): string[] {
  let out: string[] = [];
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const n of names) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) out = out.concat(yamlFiles(p));
    else if (/\.ya?ml$/.test(n)) out.push(p);
  }
  return out.sort();
}

const corpus = [...yamlFiles(join(root, 'runbooks')), ...yamlFiles(join(root, 'test/fixtures/lint'))].map((f) => ({ name: f.slice(root.length), text: readFileSync(f, 'utf8') }));

function paths(value: unknown, prefix: Array<string | number> = [], out: DocPath[] = []): DocPath[] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => paths(v, [...prefix, i], out));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) paths(v, [...prefix, k], out);
  return out;
}

/** Declined, or identical to yaml in value and every position. Returns whether it was accepted. */
function agree(text: string): boolean {
  const fast = fastParse(text);
  if (!fast) return false;
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  expect(doc.errors.map((e) => e.message)).toEqual([]);
  expect(fast.value).toEqual(doc.toJS());
  const viaFast = parseSource('f.yaml', text, { fast: true }).source;
  const viaYaml = parseSource('f.yaml', text, { fast: false }).source;
  expect(viaFast.tree).toBeDefined();
  // Every key and value range (start and end), and positions inside every string, in one comparison.
  const positions = (source: typeof viaFast) =>
    paths(fast.value).map((p) => {
      const v = p.reduce<unknown>((n, k) => (n as Record<string | number, unknown>)[k], fast.value);
      const inside = typeof v === 'string' ? [0, Math.floor(v.length / 2), Math.max(0, v.length - 1), v.length].map((at) => locateWithin(source, p, at)) : [];
      return [p.join('.'), locateRange(source, p, 'key'), locateRange(source, p, 'value'), inside];
    });
  expect(positions(viaFast)).toEqual(positions(viaYaml));
  return true;
}

test('the bundled runbooks and the valid fixtures take the fast path, with yaml\'s values and positions', () => {
  // Scenarios are data (long command outputs, any YAML an author writes): the fast path may decline them, never disagree.
  const plain = corpus.filter((c) => (c.name.startsWith('runbooks/') && !c.name.startsWith('runbooks/scenarios/')) || c.name.includes('/valid/'));
  expect(plain.length).toBeGreaterThan(1);
  for (const c of plain) expect([c.name, agree(c.text)]).toEqual([c.name, true]);
});

test('every lint fixture: declined or identical', () => {
  for (const c of corpus) agree(c.text);
});

test.each([
  ['plain scalars of every core type', 'a: 1\nb: -2\nc: 0x1F\nd: 0o17\ne: 1.5\nf: 1e3\ng: .inf\nh: -.Inf\ni: .nan\nj: true\nk: False\nl: null\nm: ~\nn: yes\no: 1_000\np: 0.\nq: +7\n'],
  ['quoted scalars and escapes', `a: 'it''s'\nb: "tab\\tnew\\nline \\"q\\" \\\\ \\x41 \\u00e9 \\U0001F600"\nc: ""\nd: ''\n`],
  ['comments everywhere', '# head\na: 1 # one\n# between\nb:   # block follows\n  c: x#not-a-comment\n  # inner\n  d: "y" # c\n'],
  ['sequences and compact mappings', 'steps:\n  - id: a\n    run: x\n  -   id: b\n      run: y\n  - plain\n  -\n    nested: 1\n  - [1, two, "3"]\n'],
  ['flow collections', 'a: { x: 1, y: "two", z: [a, b, { c: d }] }\nb: []\nc: {}\nd: [ spaced , items ]\ne: { url: "${{ params.url }}", n: 3 }\n'],
  ['literal block scalars and chomping', 'a: |\n  one\n    two\n\n  three\nb: |-\n  strip\n\nc: |+\n  keep\n\n\nd: x\n'],
  ['folded block scalars', 'a: >\n  one\n  two\n\n  three\n\n\n  four\nb: >-\n  x\n  y\n'],
  ['a block scalar at the end without newline', 'a: |\n  end'],
  ['values with colons, hashes and braces', 'url: http://x:8080/a#b\nq: a:b\nbr: ${{ params.x }} and {y}\n'],
  ['a top-level sequence', '- a\n- b: c\n'],
  // yaml ends a block collection after a comment on its last line (locateRange's end).
  ['block collections whose last line has a comment', 'a:\n  b: x # c\nd:\n  - y # c\n  - [z] # c\n# after\ne:\n  f: "g" # c\n  # more\nh: 1\n'],
])('%s', (_name, text) => {
  expect(agree(text)).toBe(true);
});

test.each([
  ['an alias', 'a: &x 1\nb: *x\n'],
  ['a tag', 'a: !!str 1\n'],
  ['a multi-line plain scalar', 'a: one\n  two\n'],
  ['a multi-line quoted scalar', 'a: "one\n  two"\n'],
  ['a multi-line flow mapping', 'a: {\n  b: 1 }\n'],
  ['duplicate keys', 'a: 1\na: 2\n'],
  ['a nested mapping on one line', 'a: b: c\n'],
  ['tabs', 'a:\n\tb: 1\n'],
  ['CRLF', 'a: 1\r\nb: 2\r\n'],
  ['a document marker', '---\na: 1\n'],
  ['an indentless sequence', 'a:\n- 1\n- 2\n'],
  ['an empty value', 'a:\nb: 1\n'],
  ['a complex key', '? a\n: 1\n'],
  ['a key with dots', 'a.b: 1\n'],
  ['a block scalar with an indentation indicator', 'a: |2\n   x\n'],
  ['a folded scalar with more-indented lines', 'a: >\n  x\n    y\n'],
  ['a bad indent', 'a:\n    b: 1\n  c: 2\n'],
  ['an empty document', ''],
  ['a scalar document', 'just text\n'],
  ['a comment-only document', '# nothing\n'],
])('declines %s', (_name, text) => {
  expect(fastParse(text)).toBeUndefined();
});

// Texts the fast path used to accept although yaml rejects them or reads them otherwise: a flow
// scalar starting with "-", "?" or ":" right before a flow indicator (found by mutating the scenarios).
test.each([
  ['a lone "-" in a flow sequence', 'a: [-]\n', 'Block collections are not allowed within flow collections'],
  ['a "-" item before a comma', 'a: [-, b]\n', 'Block collections are not allowed within flow collections'],
  ['a "-" last item', 'a: [1, -]\n', 'Block collections are not allowed within flow collections'],
  ['a "-" flow map value', 'result: { status: -, json: { ok: true } }\n', 'Block collections are not allowed within flow collections'],
  ['a "-" value in a nested flow map', 'a: [x, { b: -}]\n', 'Block collections are not allowed within flow collections'],
  ['a "?" flow map value', 'result: { role: ?, n: 1 }\n', 'Missing , between flow map items'],
  ['a "?" at the end of a flow map', 'a: { b: ?}\n', 'Missing , between flow map items'],
])('declines %s', (_name, text, yamlError) => {
  expect(parseDocument(text).errors.map((e) => e.message).join('\n')).toContain(yamlError);
  expect(fastParse(text)).toBeUndefined();
});

test.each([
  ['a "?" flow sequence item (an empty key to yaml)', 'a: [1, ?]\n', { a: [1, { '': null }] }],
  ['a "?" in a nested flow sequence', 'a: { b: [?] }\n', { a: { b: [{ '': null }] } }],
])('declines %s', (_name, text, yamlValue) => {
  const doc = parseDocument(text);
  expect([doc.errors, doc.toJS()]).toEqual([[], yamlValue]);
  expect(fastParse(text)).toBeUndefined();
});

test.each([
  ['"-", "?" and ":" before a safe character', 'a: [-1, -x, ?x, :x, x-, "-"]\nb: { c: -x, d: -.5 }\n'],
  ['"-", "?" and ":" before a flow indicator outside flow collections', 'a: -]\nb: ?}\nc: :,\nd:\n  - -]\n'],
])('still takes the fast path: %s', (_name, text) => {
  expect(agree(text)).toBe(true);
});

function randomFrom(seed: number): (n: number) => number {
  return (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
}

test('fuzz: mutations of the corpus are declined or identical to yaml', () => {
  const rand = randomFrom(7);
  const pieces = [' ', '  ', '\n', ':', ': ', '- ', '-', '#', ' #', '"', "'", '\\', '{', '}', '[', ']', ',', '|', '>', '|-', '>+', '&a', '*a', '!', '?', '%', '@', '`', '0x1', '1.5', 'true', 'null', '~', '\n  ', '\n    - x', 'a: b', '${{', '}}'];
  let accepted = 0;
  for (let i = 0; i < 1500; i++) {
    const base = corpus[rand(corpus.length)]!.text;
    let t = base;
    for (let k = 0; k < 1 + rand(3); k++) {
      const at = rand(t.length + 1);
      const cut = rand(3) === 0 ? rand(12) : 0;
      t = t.slice(0, at) + pieces[rand(pieces.length)] + t.slice(at + cut);
    }
    if (agree(t)) accepted++;
  }
  // The fuzz must exercise the fast path, not only its refusals.
  expect(accepted).toBeGreaterThan(150);
});

test('fuzz: token mutations of the corpus\'s flow collections are declined or identical to yaml', () => {
  // The scenarios hold most of the corpus's flow collections (canned results). Each one-line flow
  // collection becomes a small document whose tokens are replaced, prefixed or dropped.
  const flowLines = [...new Set(corpus.flatMap((c) => c.text.split('\n')).filter((l) => /[[{]/.test(l)).map((l) => `${l.trimStart()}\n`))].sort();
  expect(flowLines.length).toBeGreaterThan(100);
  const rand = randomFrom(7);
  const pieces = ['-', '?', ':', ',', ' ', '[', ']', '{', '}', '"', "'", '#', ' #', '- ', ': ', ', ', '? ', ' - ', '\n', '\n  ', 'x', '"x"', "'x'", '!', '&a', '*a', '|', '>', '%', '@', '`', '~', 'null', '1e3', '\\', 'a: b', '[]', '{}'];
  let accepted = 0;
  for (let i = 0; i < 4000; i++) {
    let t = flowLines[rand(flowLines.length)]!;
    for (let k = 0; k < 1 + rand(2); k++) {
      const tokens = t.match(/[[\]{},]|\s+|[^\s[\]{},]+/g)!;
      const at = rand(tokens.length);
      const piece = pieces[rand(pieces.length)]!;
      const action = rand(3);
      tokens[at] = action === 0 ? piece : action === 1 ? piece + tokens[at] : '';
      t = tokens.join('');
    }
    if (agree(t)) accepted++;
  }
  expect(accepted).toBeGreaterThan(800);
});
