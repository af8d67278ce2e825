// Does a SQL text (mysql -e, psql -c, a heredoc) only read? Positive knowledge:
// a lexer that knows where each dialect's strings, quoted names, comments and
// client commands begin and end, then one statement judged by its leading
// keyword and every function it calls. Anything not known to read is a write.
//
// Decisions (DESIGN.md "Effect classification"):
// - SET of any kind, USE and transaction control change session state: writes.
// - Plain EXPLAIN/DESCRIBE plans and never runs: a read whatever it explains;
//   EXPLAIN ANALYZE runs the statement, so that statement is judged.
// - mysql HELP reads the help tables: a read. psql `\x` and `\timing` only set
//   display options and are not counted as statements; `\d…`, `\l`,
//   `\conninfo` count as one statement each (read).
// - A string whose end depends on a server setting (a backslash before a
//   quote: NO_BACKSLASH_ESCAPES, standard_conforming_strings) cannot be lexed
//   with certainty: a write. So are psql variables (`:name`), backquotes in a
//   psql meta-command (they run a shell), and postgres operators outside the
//   built-in set (a user-defined operator runs a user-defined function).
export { judgeMongoScript } from './mongo.js';

export type TextVerdict = { read: true } | { read: false; why: string; offset: number };
export type Dialect = 'mysql' | 'postgres';

type Kind = 'word' | 'ident' | 'string' | 'number' | 'op' | 'punct' | 'var' | 'end' | 'meta';
type Tok = { kind: Kind; text: string; at: number };

/** A verdict found on the way: the text is not a provable read. */
class Stop {
  constructor(readonly why: string, readonly offset: number) {}
}

const words = (s: string): Set<string> => new Set(s.trim().split(/\s+/));

// Built-in functions that only compute or read (lowercase). Anything else,
// user-defined functions included, may write.
const READ_FUNCTIONS = words(`
  count sum min max avg group_concat string_agg array_agg json_agg jsonb_agg json_object_agg jsonb_object_agg bool_and bool_or every bit_and bit_or bit_xor std stddev
  stddev_pop stddev_samp variance var_pop var_samp percentile_cont percentile_disc mode any_value json_arrayagg json_objectagg grouping row_number rank dense_rank percent_rank
  cume_dist ntile lag lead first_value last_value nth_value left right substring substr substring_index mid concat concat_ws length char_length character_length octet_length
  bit_length lower upper lcase ucase trim ltrim rtrim btrim lpad rpad replace reverse repeat position locate instr strpos split_part format md5 sha1 sha2 hex unhex to_hex
  ascii chr char initcap quote_ident quote_literal regexp_replace regexp_substr regexp_like regexp_instr regexp_matches regexp_split_to_array translate starts_with field elt
  find_in_set space encode decode to_base64 from_base64 string_to_array array_to_string coalesce ifnull nullif if isnull greatest least date now curdate curtime current_date
  current_time current_timestamp localtime localtimestamp sysdate utc_date utc_time utc_timestamp datediff date_sub date_add adddate subdate addtime subtime timestampdiff
  timestampadd timediff unix_timestamp from_unixtime date_format str_to_date time_format time time_to_sec sec_to_time year month day dayofmonth dayofweek dayofyear dayname
  monthname hour minute second microsecond week weekday weekofyear yearweek quarter last_day makedate maketime to_days from_days to_seconds convert_tz extract age date_trunc
  date_part date_bin to_char to_date to_timestamp to_number make_date make_interval make_timestamp make_timestamptz clock_timestamp statement_timestamp transaction_timestamp
  justify_interval interval round floor ceil ceiling abs mod power pow sqrt exp ln log log2 log10 sign trunc truncate pi rand random degrees radians sin cos tan asin acos atan
  atan2 div width_bucket conv crc32 cbrt gcd lcm json_extract json_unquote json_object json_array json_contains json_contains_path json_keys json_length json_type json_valid
  json_search json_value json_pretty json_depth json_overlaps json_table json_build_object json_build_array jsonb_build_object jsonb_build_array to_json to_jsonb row_to_json
  json_array_length jsonb_array_length json_each jsonb_each json_each_text jsonb_each_text json_object_keys jsonb_object_keys jsonb_pretty json_typeof jsonb_typeof
  json_extract_path json_extract_path_text jsonb_extract_path jsonb_extract_path_text jsonb_path_query json_array_elements jsonb_array_elements json_array_elements_text
  jsonb_array_elements_text cast convert decimal numeric varchar unnest array_length array_position cardinality generate_series version database schema user current_user
  session_user system_user connection_id found_rows row_count last_insert_id uuid bin_to_uuid uuid_to_bin inet_aton inet_ntoa format_bytes format_pico_time sleep gtid_subset
  gtid_subtract current_setting current_database current_schema current_schemas inet_server_addr inet_client_addr pg_backend_pid pg_postmaster_start_time pg_conf_load_time
  pg_is_in_recovery pg_is_wal_replay_paused pg_last_xact_replay_timestamp pg_last_wal_receive_lsn pg_last_wal_replay_lsn pg_wal_lsn_diff pg_current_wal_lsn
  pg_current_wal_insert_lsn pg_current_wal_flush_lsn pg_walfile_name pg_size_pretty pg_size_bytes pg_database_size pg_relation_size pg_total_relation_size pg_table_size
  pg_indexes_size pg_column_size pg_tablespace_size pg_blocking_pids pg_get_viewdef pg_get_indexdef pg_get_constraintdef pg_get_functiondef pg_get_userbyid pg_typeof pg_sleep
  has_table_privilege has_schema_privilege has_database_privilege pg_has_role obj_description col_description format_type to_regclass
`);
/** Schema-qualified read functions: `pg_catalog.now()`, mysql's `sys.format_bytes()`. */
const READ_SCHEMAS: Record<Dialect, Record<string, Set<string>>> = {
  mysql: { sys: words('format_bytes format_time format_path format_statement') },
  postgres: { pg_catalog: READ_FUNCTIONS },
};

/** Keywords that may stand before `(` without calling anything. */
const NOT_CALLS = words(`
  IN EXISTS VALUES AS ON USING OVER FILTER WITHIN GROUP ANY ALL SOME NOT AND OR XOR WHERE SELECT FROM JOIN LATERAL ROW ARRAY DISTINCT UNION INTERSECT
  EXCEPT CASE WHEN THEN ELSE IS LIKE ILIKE BETWEEN BY HAVING LIMIT OFFSET MATCH AGAINST ROLLUP CUBE SETS PARTITION INDEX KEY ONLY TABLESAMPLE SYSTEM
  BERNOULLI REPEATABLE COLUMNS NESTED MATERIALIZED BINARY ZONE ESCAPE SIMILAR TO WITH RECURSIVE IF
`);

const PG_OPS = words(`
  + - * / % ^ < > = <= >= <> != || |/ ||/ @ & | # ~ << >> ~* !~ !~* ~~ ~~* !~~ !~~* -> ->> #> #>> #- @> <@ ? ?| ?& && @@ @? <-> => !! -|- &< &> <<|
  |>> <<= >>=
`);
const MYSQL_OPS = [':=', '<=>', '->>', '<=', '>=', '<>', '!=', '<<', '>>', '&&', '||', '->'];
const PG_OP_CHARS = '+-*/<>=~!@#%^&|`?';
const MYSQL_OP_CHARS = '+-*/<>=~!%^&|:';

const WORD_START = /[A-Za-z_\u0080-\uffff]/;
const WORD_CHAR = /[A-Za-z0-9_$\u0080-\uffff]/;
const NUMBER = /0x[0-9A-Fa-f]+|\d*\.?\d+(?:[eE][+-]?\d+)?|\d+\./y;

/** Index after the closing quote of the quoted text at `i`, or -1. */
function quoteEnd(text: string, i: number, q: string, backslash: boolean): number {
  for (let j = i + 1; j < text.length; j++) {
    if (backslash && text[j] === '\\') j++;
    else if (text[j] === q && text[++j] !== q) return j; // '' and "" stand for the quote itself
  }
  return -1;
}

/** psql meta-commands that only describe or set display options. */
function psqlMeta(name: string, args: string, at: number): Kind | 'skip' {
  if (args.includes('`')) throw new Stop('shell command in a psql meta-command', at);
  if (name === 'g' || name === 'gx') {
    if (args.trim()) throw new Stop(`psql \\${name} to a file or pipe`, at);
    return 'end';
  }
  if (name === 'x' || name === 'timing') return 'skip';
  if (/^(d.*|l\+?|list\+?|conninfo)$/.test(name)) return 'meta';
  throw new Stop(`psql \\${name}`, at);
}

function lex(text: string, d: Dialect): Tok[] {
  const toks: Tok[] = [];
  const push = (kind: Kind, from: number, to: number) => toks.push({ kind, text: text.slice(from, to), at: from });
  const quoted = (i: number, kind: Kind, backslash: boolean | 'either'): number => {
    const q = text[i]!;
    const end = quoteEnd(text, i, q, backslash !== false);
    if (end < 0) throw new Stop(kind === 'string' ? 'unterminated string' : 'unterminated quoted name', i);
    // Escapes depend on NO_BACKSLASH_ESCAPES / standard_conforming_strings: both readings must agree.
    if (backslash === 'either' && quoteEnd(text, i, q, false) !== end) throw new Stop('backslash before a quote in a string', i);
    push(kind, i, end);
    return end;
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    const rest = text.slice(i, i + 3);
    if (/\s/.test(c)) i++;
    // mysql wants a space after `--`: `1--1` is arithmetic, and `--;` would hide a statement.
    else if (rest.startsWith('--') && (d === 'postgres' || (text.charCodeAt(i + 2) || 0) <= 32)) i = lineEnd(text, i);
    else if (c === '#' && d === 'mysql') i = lineEnd(text, i);
    else if (rest.startsWith('/*')) {
      if (d === 'mysql' && (rest === '/*!' || text.startsWith('/*M!', i))) throw new Stop('mysql executable comment', i);
      i = commentEnd(text, i, d === 'postgres');
    } else if (c === '\\') i = backslash(i);
    else if (c === "'") i = quoted(i, 'string', 'either');
    else if (c === '"') i = quoted(i, d === 'mysql' ? 'string' : 'ident', d === 'mysql' ? 'either' : false);
    else if (c === '`' && d === 'mysql') i = quoted(i, 'ident', false);
    else if (c === '$' && d === 'postgres' && /^\$([A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*)?\$/.test(text.slice(i))) {
      const tag = /^\$[\w\u0080-\uffff]*\$/.exec(text.slice(i))![0];
      const end = text.indexOf(tag, i + tag.length);
      if (end < 0) throw new Stop('unterminated dollar-quoted string', i);
      push('string', i, end + tag.length);
      i = end + tag.length;
    } else if ((c === '$' && d === 'postgres') || (c === '@' && d === 'mysql')) {
      let j = i + 1;
      if (c === '@' && text[j] === '@') j++;
      if (c === '@' && /['"`]/.test(text[j] ?? '')) j = quoteEnd(text, j, text[j]!, false);
      else while (j < text.length && /[\w$.]/.test(text[j]!)) j++;
      if (j < 0) throw new Stop('unterminated quoted name', i);
      push('var', i, j);
      i = j;
    } else if (c === ':' && d === 'postgres' && text[i + 1] !== ':' && /[\w'"]/.test(text[i + 1] ?? '')) {
      throw new Stop('psql variable', i);
    } else if (/[0-9.]/.test(c) && numberEnd(text, i) > i) {
      push('number', i, (i = numberEnd(text, i)));
    } else if (WORD_START.test(c)) {
      let j = i + 1;
      while (j < text.length && WORD_CHAR.test(text[j]!)) j++;
      // postgres E'…' strings always take backslash escapes.
      if (d === 'postgres' && j === i + 1 && /[eE]/.test(c) && text[j] === "'") i = quoted(j, 'string', true);
      else push('word', i, (i = j));
    } else if (c === ';') push('end', i, ++i);
    else if (c === ':' && text[i + 1] === ':') push('punct', i, (i += 2));
    else if ((d === 'postgres' ? PG_OP_CHARS : MYSQL_OP_CHARS).includes(c)) i = operator(i);
    else push('punct', i, ++i);
  }
  return toks;

  function backslash(i: number): number {
    if (d === 'mysql') {
      const cmd = text[i + 1] ?? '';
      if (cmd !== 'g' && cmd !== 'G') throw new Stop(`client command \\${cmd}`, i);
      push('end', i, i + 2);
      return i + 2;
    }
    // psql: the name runs to a space or backslash, the arguments to the end of the line or `\\`.
    const name = /^[^\s\\]*/.exec(text.slice(i + 1))![0];
    const argsAt = i + 1 + name.length;
    let end = text.indexOf('\n', argsAt);
    if (end < 0) end = text.length;
    const sep = text.indexOf('\\\\', argsAt);
    if (sep >= 0 && sep < end) end = sep;
    const kind = psqlMeta(name, text.slice(argsAt, end), i);
    if (kind !== 'skip') push(kind, i, argsAt);
    return sep === end ? end + 2 : end;
  }

  function operator(i: number): number {
    if (d === 'mysql') {
      const op = MYSQL_OPS.find((o) => text.startsWith(o, i)) ?? text[i]!;
      if (op === ':=') throw new Stop('variable assignment :=', i);
      push('op', i, i + op.length);
      return i + op.length;
    }
    // postgres' rule: the longest run, cut before a comment, and without a trailing +/- unless it has a special character.
    let j = i;
    while (j < text.length && PG_OP_CHARS.includes(text[j]!) && (j === i || !/^(--|\/\*)/.test(text.slice(j, j + 2)))) j++;
    while (j - i > 1 && /[+-]/.test(text[j - 1]!) && !/[~!@#%^&|`?]/.test(text.slice(i, j))) j--;
    const op = text.slice(i, j);
    if (!PG_OPS.has(op)) throw new Stop(`operator ${op}`, i);
    push('op', i, j);
    return j;
  }
}

function numberEnd(text: string, i: number): number {
  NUMBER.lastIndex = i;
  return NUMBER.test(text) ? NUMBER.lastIndex : -1;
}

function lineEnd(text: string, i: number): number {
  const n = text.indexOf('\n', i);
  return n < 0 ? text.length : n + 1;
}

/** Index after the block comment at `i`; postgres comments nest. */
function commentEnd(text: string, i: number, nested: boolean): number {
  let depth = 0;
  for (let j = i; j < text.length - 1; j++) {
    if (text[j] === '/' && text[j + 1] === '*' && (nested || depth === 0)) {
      depth++;
      j++;
    } else if (text[j] === '*' && text[j + 1] === '/') {
      j++;
      if (--depth === 0) return j + 1;
    }
  }
  throw new Stop('unterminated comment', i);
}

/** Statements, split on terminators; a psql meta-command is a statement of its own. */
function split(toks: Tok[]): Tok[][] {
  const out: Tok[][] = [];
  let cur: Tok[] = [];
  for (const t of [...toks, { kind: 'end' as const, text: '', at: 0 }]) {
    if (t.kind !== 'end' && t.kind !== 'meta') cur.push(t);
    else {
      if (cur.length) out.push(cur);
      if (t.kind === 'meta') out.push([t]);
      cur = [];
    }
  }
  return out;
}

const up = (t: Tok | undefined): string => (t?.kind === 'word' ? t.text.toUpperCase() : '');

/** Known writes: the keyword and how many following words name it ("DROP DATABASE", "CHANGE REPLICATION SOURCE"). */
const WRITES: Record<string, number> = {
  INSERT: 0, UPDATE: 0, DELETE: 0, REPLACE: 0, MERGE: 0, TRUNCATE: 0, KILL: 0, CALL: 0, DO: 0, COPY: 0, GRANT: 0, REVOKE: 0, RENAME: 0, VACUUM: 0,
  ANALYZE: 0, ANALYSE: 0, OPTIMIZE: 0, REPAIR: 0, CLUSTER: 0, REINDEX: 0, USE: 0, BEGIN: 0, COMMIT: 0, ROLLBACK: 0, SAVEPOINT: 0, RELEASE: 0, PREPARE:
  0, EXECUTE: 0, DEALLOCATE: 0, HANDLER: 0, SHUTDOWN: 0, RESTART: 0, CLONE: 0, DISCARD: 0, LISTEN: 0, NOTIFY: 0, CHECKPOINT: 0, COMMENT: 0, XA: 0,
  BINLOG: 0, ABORT: 0, IMPORT: 0, DROP: 1, CREATE: 1, ALTER: 1, STOP: 1, START: 1, LOCK: 1, UNLOCK: 1, FLUSH: 1, RESET: 1, LOAD: 1, INSTALL: 1,
  UNINSTALL: 1, REASSIGN: 1, SECURITY: 1, CHANGE: 2, PURGE: 2, REFRESH: 1,
};
const QUALIFIERS = words('OR REPLACE TEMPORARY TEMP UNIQUE MATERIALIZED UNLOGGED');
const SET_SCOPES = words('GLOBAL PERSIST PERSIST_ONLY SESSION LOCAL TRANSACTION NAMES ROLE PASSWORD');
const CLIENT_WORDS = words('SYSTEM SOURCE TEE PAGER CONNECT DELIMITER');

function writeWhy(t: Tok[], k: number, d: Dialect): string | undefined {
  const kw = up(t[k]);
  if (kw === 'SET') return SET_SCOPES.has(up(t[k + 1])) ? `SET ${up(t[k + 1])}` : 'SET';
  if (CLIENT_WORDS.has(kw)) return d === 'mysql' ? `client command ${t[k]!.text.toLowerCase()}` : undefined;
  let n = WRITES[kw];
  if (n === undefined) return undefined;
  const phrase = [kw];
  for (let i = k + 1; n > 0 && up(t[i]) && up(t[i]) !== 'TO'; i++) {
    phrase.push(up(t[i]));
    if (!QUALIFIERS.has(up(t[i]))) n--;
  }
  return phrase.join(' ');
}

/** Index of the `)` closing the `(` at `i` (t.length when unbalanced). */
function closing(t: Tok[], i: number): number {
  for (let depth = 0; i < t.length; i++) {
    if (t[i]!.text === '(') depth++;
    else if (t[i]!.text === ')' && --depth === 0) return i;
  }
  return t.length;
}

function classify(t: Tok[], d: Dialect, parent?: Tok): void {
  if (t[0]?.kind === 'meta') return; // only read meta-commands get this far
  let k = 0;
  while (t[k]?.text === '(') k++; // (SELECT …) UNION (SELECT …)
  const head = t[k];
  const kw = up(head);
  const where = head ?? t[0] ?? parent!;
  if (k > 0 && !['SELECT', 'VALUES', 'TABLE', 'WITH'].includes(kw)) throw new Stop(`cannot classify "${where.text}"`, where.at);
  if (['SELECT', 'VALUES', 'TABLE', 'SHOW'].includes(kw) || (kw === 'HELP' && d === 'mysql')) return body(t, k, d);
  if (kw === 'WITH') return withQuery(t, k, d);
  if (kw === 'EXPLAIN' || (d === 'mysql' && (kw === 'DESCRIBE' || kw === 'DESC'))) return explain(t, k, d);
  throw new Stop(writeWhy(t, k, d) ?? `cannot classify "${where.text}"`, where.at);
}

function explain(t: Tok[], k: number, d: Dialect): void {
  let i = k + 1;
  let analyze = false;
  if (t[i]?.text === '(') {
    const end = closing(t, i);
    analyze = t.slice(i, end).some((x) => /^ANALY[SZ]E$/.test(up(x)));
    i = end + 1;
  }
  for (; /^(ANALY[SZ]E|VERBOSE|EXTENDED|PARTITIONS|FORMAT)$/.test(up(t[i])); i++) {
    if (/^ANALY[SZ]E$/.test(up(t[i]))) analyze = true;
    if (up(t[i]) === 'FORMAT') i += t[i + 1]?.text === '=' ? 2 : 1; // FORMAT=JSON, FORMAT JSON
  }
  if (analyze) classify(t.slice(i), d, t[i - 1]); // ANALYZE runs what it explains
}

function withQuery(t: Tok[], k: number, d: Dialect): void {
  const names = new Set<number>();
  let i = up(t[k + 1]) === 'RECURSIVE' ? k + 2 : k + 1;
  for (;;) {
    names.add(i++);
    if (t[i]?.text === '(') i = closing(t, i) + 1; // column list
    if (up(t[i]) !== 'AS') break;
    i++;
    if (up(t[i]) === 'NOT') i++;
    if (up(t[i]) === 'MATERIALIZED') i++;
    if (t[i]?.text !== '(') break;
    i = closing(t, i) + 1;
    if (t[i]?.text !== ',') break;
    i++;
  }
  body(t, k, d, names); // data-modifying CTEs first: their why is the precise one
  const main = t[i];
  if (!main || !(['SELECT', 'VALUES', 'TABLE'].includes(up(main)) || main.text === '(')) {
    const at = main ?? t[k]!;
    throw new Stop(`cannot classify "${at.text}"`, at.at);
  }
}

const LOCKS = ['UPDATE', 'SHARE', 'NO KEY UPDATE', 'KEY SHARE'];
const seq = (t: Tok[], i: number, phrase: string) => phrase.split(' ').every((w, n) => up(t[i + n]) === w);

/** What a read statement may not contain: INTO, locking clauses, DML, calls of unknown functions. */
function body(t: Tok[], from: number, d: Dialect, notCalls?: Set<number>): void {
  for (let i = from; i < t.length; i++) {
    const x = t[i]!;
    const u = up(x);
    const qualified = t[i - 1]?.text === '.';
    if (u === 'INTO') throw new Stop('SELECT … INTO', x.at);
    if (u === 'FOR') {
      const lock = LOCKS.find((l) => seq(t, i + 1, l));
      if (lock) throw new Stop(`SELECT … FOR ${lock}`, x.at);
    }
    if (u === 'LOCK' && seq(t, i + 1, 'IN SHARE MODE')) throw new Stop('LOCK IN SHARE MODE', x.at);
    const next = t[i + 1]?.text;
    if (['INSERT', 'UPDATE', 'DELETE', 'MERGE'].includes(u) && !qualified) throw new Stop(u, x.at);
    if (u === 'REPLACE' && next !== '(' && !qualified) throw new Stop(u, x.at);
    if (next !== '(' || (x.kind !== 'word' && x.kind !== 'ident') || notCalls?.has(i)) continue;
    const prev = t[i - 1];
    if (NOT_CALLS.has(u) || up(prev) === 'AS' || prev?.text === '::') continue; // a keyword, an alias' columns, a type's size
    if (x.kind === 'ident') throw new Stop(`function ${x.text}()`, x.at);
    const name = x.text.toLowerCase();
    if (qualified) {
      const schema = t[i - 2];
      if (schema?.kind === 'word' && READ_SCHEMAS[d][schema.text.toLowerCase()]?.has(name)) continue;
      throw new Stop(`function ${schema?.text ?? ''}.${x.text}()`, schema?.at ?? x.at);
    }
    if (!READ_FUNCTIONS.has(name)) throw new Stop(`function ${x.text}()`, x.at);
  }
}

export function judgeSql(text: string, dialect: Dialect): TextVerdict {
  try {
    const statements = split(lex(text, dialect));
    if (statements.length === 0) return { read: false, why: 'no statement', offset: 0 };
    if (statements.length > 1) return { read: false, why: `${statements.length} statements`, offset: statements[1]![0]!.at };
    classify(statements[0]!, dialect);
    return { read: true };
  } catch (e) {
    if (e instanceof Stop) return { read: false, why: e.why, offset: e.offset };
    throw e;
  }
}
