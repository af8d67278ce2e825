// Does a mongosh `--eval` script only read? The script is parsed with acorn and
// every node is judged: one expression statement whose every call is known to
// read — collection reads and cursor methods rooted at `db`, a few `db`, `rs`
// and `sh` helpers, printing and pure JavaScript — with callbacks judged by the
// same rules. Each expression gets a kind (the db, a collection, a cursor, a
// plain value…) so a method is judged by what it is called on: `find()` on a
// collection reads, `map()` on an array is pure, `drop()` is never known.
//
// Decisions: `watch()` is a read (a change stream reads the oplog; the step's
// timeout bounds it). Shell objects (db, a collection) may not be passed around
// as values, so a method can only be reached through a call judged here. An
// aggregate pipeline must be written out literally: `$out`/`$merge` anywhere in
// it is a write, and a stage computed at run time cannot be checked. Inside a
// callback, `const`/`let` declarations bind local names like parameters do.
import { createRequire } from 'node:module';
import type * as acorn from 'acorn';
import type { TextVerdict } from './sql.js';

type Kind = 'db' | 'coll' | 'cursor' | 'rs' | 'sh' | 'JSON' | 'EJSON' | 'Math' | 'Object' | 'Array' | 'DateNs' | 'value' | 'fn';
type Scope = ReadonlySet<string>;
type Expr = acorn.Expression | acorn.SpreadElement | acorn.Super | acorn.PrivateIdentifier;

class Fail {
  constructor(
    readonly why: string,
    readonly offset: number,
  ) {}
}

const words = (s: string): Set<string> => new Set(s.trim().split(/\s+/));

const DB_READS = words(`getName getCollectionNames getCollectionInfos serverStatus stats currentOp version hostInfo
  isMaster hello serverBuildInfo serverCmdLineOpts getProfilingLevel getProfilingStatus getReplicationInfo
  printReplicationInfo printSecondaryReplicationInfo printCollectionStats getLogComponents`);
const COLL_READS = words(`findOne countDocuments estimatedDocumentCount count distinct getIndexes getIndexKeys
  getIndexSpecs stats dataSize storageSize totalIndexSize totalSize isCapped getName getFullName latencyStats`);
const CURSOR_CHAIN = words(`sort limit skip project projection hint batchSize maxTimeMS maxAwaitTimeMS comment
  collation allowDiskUse readPref readConcern pretty min max returnKey showRecordId noCursorTimeout map`);
const CURSOR_END = words('toArray hasNext next tryNext itcount size count explain forEach objsLeftInBatch isClosed isExhausted');
/** Known writes get a precise why; other unknown methods "cannot classify". */
const WRITES = words(`insert insertOne insertMany update updateOne updateMany replaceOne deleteOne deleteMany remove drop
  findOneAndUpdate findOneAndDelete findOneAndReplace findAndModify bulkWrite createIndex createIndexes ensureIndex
  dropIndex dropIndexes renameCollection save reIndex hideIndex unhideIndex mapReduce compact
  initializeOrderedBulkOp initializeUnorderedBulkOp createSearchIndex dropSearchIndex updateSearchIndex
  dropDatabase createCollection createView createUser updateUser dropUser dropAllUsers grantRolesToUser
  revokeRolesFromUser killOp shutdownServer fsyncLock fsyncUnlock setProfilingLevel setLogLevel
  stepDown freeze reconfig add addArb remove syncFrom enableSharding shardCollection startBalancer stopBalancer
  setBalancerState moveChunk splitAt addShard removeShard`);
const SHELL_READS: Record<'rs' | 'sh', Set<string>> = {
  rs: words('status conf config isMaster hello printReplicationInfo printSecondaryReplicationInfo printSlaveReplicationInfo'),
  sh: words('status getBalancerState isBalancerRunning'),
};
const NAMESPACES: Record<string, Kind> = { JSON: 'JSON', EJSON: 'EJSON', Math: 'Math', Object: 'Object', Array: 'Array', Date: 'DateNs' };
const NS_METHODS: Partial<Record<Kind, Set<string>>> = {
  JSON: words('stringify parse'),
  EJSON: words('stringify parse serialize deserialize'),
  Object: words('keys values entries fromEntries'),
  Array: words('isArray from of'),
  DateNs: words('now parse UTC'),
};
/** Pure methods of arrays, strings, numbers, dates and ObjectIds: what documents and results offer. */
const VALUE_METHODS = words(`map filter forEach reduce reduceRight some every find findIndex findLast includes indexOf
  lastIndexOf slice join concat flat flatMap at keys values entries sort reverse toString toFixed toPrecision
  toISOString toJSON getTime valueOf toUpperCase toLowerCase trim trimStart trimEnd split startsWith endsWith
  padStart padEnd substring substr replace replaceAll match charAt charCodeAt localeCompare toLocaleString
  getTimestamp toHexString equals getFullYear getMonth getDate getDay getHours getMinutes getSeconds
  getUTCFullYear getUTCMonth getUTCDate getUTCHours toDateString toTimeString toNumber`);
const GLOBAL_FNS = words(`print printjson tojson Date ObjectId ISODate NumberLong NumberInt NumberDecimal Number String
  Boolean parseInt parseFloat isNaN isFinite UUID Timestamp`);
const CONSTRUCTORS = words('Date ObjectId ISODate');
const GLOBAL_VALUES = words('undefined NaN Infinity');

const requireHere = createRequire(import.meta.url);
let acornLib: typeof acorn | undefined;
/** Loaded on first use: lint and the CLI only pay for it when a mongo script is judged. */
const parser = (): typeof acorn => (acornLib ??= requireHere('acorn') as typeof acorn);

const nameOf = (n: Expr): string | undefined => (n.type === 'Identifier' ? n.name : undefined);
const methodWhy = (m: string): string => (WRITES.has(m) ? `${m}()` : `cannot classify ${m}()`);

/** An expression whose result may be passed on: no shell object (db, a collection) escapes as a value. */
function value(n: Expr, scope: Scope): void {
  const k = kind(n, scope);
  if (k !== 'value' && k !== 'cursor' && k !== 'fn') throw new Fail(`${k === 'coll' ? 'a collection' : k} used as a value`, n.start);
}

function kind(n: Expr, scope: Scope): Kind {
  switch (n.type) {
    case 'Literal':
      return 'value';
    case 'TemplateLiteral':
    case 'SequenceExpression':
      n.expressions.forEach((e) => value(e, scope));
      return 'value';
    case 'ArrayExpression':
      n.elements.forEach((e) => e && value(e, scope));
      return 'value';
    case 'ObjectExpression':
      for (const p of n.properties) {
        if (p.type === 'Property' && p.computed) value(p.key, scope);
        value(p.type === 'Property' ? p.value : p, scope);
      }
      return 'value';
    case 'SpreadElement':
      value(n.argument, scope);
      return 'value';
    case 'Identifier':
      if (scope.has(n.name) || GLOBAL_VALUES.has(n.name)) return 'value';
      if (n.name === 'db' || n.name === 'rs' || n.name === 'sh') return n.name;
      if (NAMESPACES[n.name]) return NAMESPACES[n.name]!;
      if (GLOBAL_FNS.has(n.name)) return 'fn';
      throw new Fail(`unknown name "${n.name}"`, n.start);
    case 'MemberExpression':
      return member(n, scope);
    case 'CallExpression':
      return call(n, scope);
    case 'NewExpression': {
      const c = nameOf(n.callee);
      if (!c || !CONSTRUCTORS.has(c)) throw new Fail(`new ${c ?? 'expression'}`, n.start);
      n.arguments.forEach((a) => value(a, scope));
      return 'value';
    }
    case 'ChainExpression':
    case 'ParenthesizedExpression':
      return kind(n.expression, scope);
    case 'AwaitExpression':
      return kind(n.argument, scope);
    case 'UnaryExpression':
      if (n.operator === 'delete') throw new Fail('delete operator', n.start);
      value(n.argument, scope);
      return 'value';
    case 'BinaryExpression':
    case 'LogicalExpression':
      value(n.left, scope);
      value(n.right, scope);
      return 'value';
    case 'ConditionalExpression':
      [n.test, n.consequent, n.alternate].forEach((e) => value(e, scope));
      return 'value';
    case 'ArrowFunctionExpression':
    case 'FunctionExpression':
      fn(n, scope);
      return 'fn';
    case 'AssignmentExpression':
    case 'UpdateExpression':
      throw new Fail('assignment', n.start);
    default:
      throw new Fail(`cannot classify ${n.type.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()}`, n.start);
  }
}

function member(n: acorn.MemberExpression, scope: Scope): Kind {
  const on = kind(n.object, scope);
  if ((on === 'db' || on === 'coll') && n.computed) throw new Fail('computed member access on db', n.property.start);
  if (on === 'db' || on === 'coll') return 'coll'; // db.orders, db.system.profile
  if (on === 'value' || (on === 'Math' && !n.computed)) {
    if (n.computed) value(n.property, scope);
    return 'value';
  }
  throw new Fail(`cannot classify a property of ${on}`, n.property.start);
}

function call(n: acorn.CallExpression, scope: Scope): Kind {
  const callee = n.callee;
  if (callee.type === 'Identifier') {
    if (scope.has(callee.name) || !GLOBAL_FNS.has(callee.name)) throw new Fail(`${callee.name}()`, callee.start);
    n.arguments.forEach((a) => value(a, scope));
    return 'value';
  }
  if (callee.type !== 'MemberExpression') throw new Fail('cannot classify a call', n.start);
  const on = kind(callee.object, scope);
  if (callee.computed || callee.property.type !== 'Identifier') {
    throw new Fail(on === 'db' || on === 'coll' ? 'computed member access on db' : 'computed method call', callee.property.start);
  }
  const m = callee.property.name;
  const at = callee.property.start;
  const result = method(on, m, at);
  if (result === undefined) throw new Fail(on === 'rs' || on === 'sh' ? `${on}.${m}()` : methodWhy(m), at);
  if (m === 'aggregate' || m === 'watch') n.arguments.forEach(pipeline);
  n.arguments.forEach((a) => value(a, scope));
  return result;
}

/** What calling `m` on a `on` gives, when known to read. */
function method(on: Kind, m: string, at: number): Kind | undefined {
  switch (on) {
    case 'db':
      if (m === 'getCollection') return 'coll';
      if (m === 'getSiblingDB') return 'db';
      if (m === 'aggregate' || m === 'watch') return 'cursor'; // db.aggregate([{ $currentOp: {} }])
      return DB_READS.has(m) ? 'value' : undefined;
    case 'coll':
      if (m === 'find' || m === 'aggregate' || m === 'watch') return 'cursor';
      if (m === 'explain') return 'coll'; // db.x.explain().find(): what follows is judged again
      return COLL_READS.has(m) ? 'value' : undefined;
    case 'cursor':
      return CURSOR_CHAIN.has(m) ? 'cursor' : CURSOR_END.has(m) ? 'value' : undefined;
    case 'rs':
    case 'sh':
      return SHELL_READS[on].has(m) ? 'value' : undefined;
    case 'Math':
      return 'value'; // every Math function is pure
    case 'value':
      return VALUE_METHODS.has(m) ? 'value' : undefined;
    case 'fn':
      throw new Fail(`cannot classify a method of a function`, at);
    default:
      return NS_METHODS[on]?.has(m) ? 'value' : undefined;
  }
}

/** A property's key when it is written out: `$out`, "$out", ["$out"]. */
function keyName(p: acorn.Property): string | undefined {
  if (p.key.type === 'Literal') return String(p.key.value);
  return !p.computed && p.key.type === 'Identifier' ? p.key.name : undefined;
}

/** A pipeline written out literally, with no `$out` or `$merge` key at any depth. */
function pipeline(n: Expr): void {
  switch (n.type) {
    case 'ArrayExpression':
      return n.elements.forEach((e) => e && pipeline(e));
    case 'ObjectExpression':
      for (const p of n.properties) {
        if (p.type !== 'Property') throw new Fail('pipeline built at run time', p.start);
        const key = keyName(p);
        if (key === undefined) throw new Fail('pipeline built at run time', p.key.start);
        if (key === '$out' || key === '$merge') throw new Fail(`${key} stage`, p.key.start);
        pipeline(p.value);
      }
      return;
    case 'LogicalExpression':
      return [n.left, n.right].forEach(pipeline);
    case 'ConditionalExpression':
      return [n.consequent, n.alternate].forEach(pipeline);
    // These give primitives, dates or ids, never an object with stage keys.
    case 'Literal':
    case 'TemplateLiteral':
    case 'BinaryExpression':
    case 'UnaryExpression':
    case 'NewExpression':
      return;
    case 'CallExpression':
      if (n.callee.type === 'Identifier' && GLOBAL_FNS.has(n.callee.name)) return;
      if (n.callee.type === 'MemberExpression' && ['Math', 'Date'].includes(nameOf(n.callee.object) ?? '')) return;
      throw new Fail('pipeline built at run time', n.start);
    default:
      throw new Fail('pipeline built at run time', n.start);
  }
}

function bind(p: acorn.Pattern, names: Set<string>, scope: Scope): void {
  switch (p.type) {
    case 'Identifier':
      return void names.add(p.name);
    case 'ObjectPattern':
      return p.properties.forEach((q) => bind(q.type === 'Property' ? q.value : q, names, scope));
    case 'ArrayPattern':
      return p.elements.forEach((e) => e && bind(e, names, scope));
    case 'RestElement':
      return bind(p.argument, names, scope);
    case 'AssignmentPattern':
      value(p.right, scope);
      return bind(p.left, names, scope);
    default:
      throw new Fail('assignment', p.start);
  }
}

/** A callback: its parameters (and local const/let) are plain values; its body follows the same rules. */
function fn(n: acorn.ArrowFunctionExpression | acorn.FunctionExpression, outer: Scope): void {
  const scope = new Set(outer);
  n.params.forEach((p) => bind(p, scope, outer));
  if (n.body.type === 'BlockStatement') statements(n.body.body, scope);
  else value(n.body, scope);
}

function statements(list: acorn.Statement[], scope: Set<string>): void {
  for (const s of list) {
    switch (s.type) {
      case 'ExpressionStatement':
        value(s.expression, scope);
        break;
      case 'ReturnStatement':
        if (s.argument) value(s.argument, scope);
        break;
      case 'VariableDeclaration':
        for (const d of s.declarations) {
          if (d.init) value(d.init, scope);
          bind(d.id, scope, scope);
        }
        break;
      case 'IfStatement':
        value(s.test, scope);
        statements(s.alternate ? [s.consequent, s.alternate] : [s.consequent], scope);
        break;
      case 'BlockStatement':
        statements(s.body, scope);
        break;
      case 'EmptyStatement':
        break;
      default:
        throw new Fail(`cannot classify ${s.type.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()}`, s.start);
    }
  }
}

export function judgeMongoScript(text: string): TextVerdict {
  let program: acorn.Program;
  try {
    program = parser().parse(text, { ecmaVersion: 'latest', sourceType: 'script', allowAwaitOutsideFunction: true });
  } catch (e) {
    return { read: false, why: 'cannot parse the script', offset: (e as { pos?: number }).pos ?? 0 };
  }
  const body = program.body.filter((s) => s.type !== 'EmptyStatement');
  if (body.length === 0) return { read: false, why: 'no statement', offset: 0 };
  if (body.length > 1) return { read: false, why: `${body.length} statements`, offset: body[1]!.start };
  const only = body[0]!;
  try {
    if (only.type !== 'ExpressionStatement') throw new Fail(`cannot classify ${only.type.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()}`, only.start);
    value(only.expression, new Set());
    return { read: true };
  } catch (e) {
    if (e instanceof Fail) return { read: false, why: e.why, offset: e.offset };
    throw e;
  }
}
