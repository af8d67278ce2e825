// SQL and mongosh texts: the honest reads on-call engineers type must stay
// reads; every write, however it hides, is caught with its why and where.
import { judgeMongoScript, judgeSql } from '../../src/commands/sql.js';

type Dialect = 'mysql' | 'postgres';

describe('judgeSql: reads', () => {
  test.each<[Dialect, string]>([
    ['mysql', 'SHOW REPLICA STATUS'],
    ['mysql', 'SHOW REPLICA STATUS\\G'],
    ['mysql', 'SHOW MASTER STATUS'],
    ['mysql', 'SHOW FULL PROCESSLIST'],
    ['mysql', "SHOW VARIABLES WHERE Variable_name IN ('expire_logs_days', 'binlog_expire_logs_seconds')"],
    ['mysql', "SELECT ID, USER, TIME, STATE, LEFT(INFO, 120) AS QUERY FROM information_schema.PROCESSLIST WHERE USER = 'system user'"],
    ['mysql', "SELECT ID FROM information_schema.PROCESSLIST WHERE COMMAND = 'Query' AND USER <> 'system user' AND TIME > 30 ORDER BY TIME DESC"],
    ['mysql', "SELECT COUNT(*) FROM partner_wallet_transactions WHERE type = 'adjustment' AND DATE(created_at) = CURDATE() - INTERVAL 1 DAY"],
    ['mysql', 'SELECT DATEDIFF(CURDATE(), MAX(rate_date)) FROM currency_rates'],
    ['mysql', "SELECT * FROM t WHERE note = 'x; DROP TABLE y'"],
    ['postgres', 'SELECT now() - pg_last_xact_replay_timestamp() AS lag'],
    ['postgres', "SELECT pid, state, query FROM pg_stat_activity WHERE state <> 'idle'"],
    ['mysql', 'select 1;'],
    ['postgres', 'select 1;'],
    ['mysql', 'EXPLAIN SELECT * FROM orders WHERE id = 1'],
    ['postgres', 'EXPLAIN SELECT * FROM orders WHERE id = 1'],
    ['mysql', 'WITH x AS (SELECT 1) SELECT * FROM x'],
    ['postgres', 'WITH x AS (SELECT 1) SELECT * FROM x'],
    // more of the same family
    ['mysql', 'show replica status\\g'],
    ['mysql', "SELECT 'it''s', 'C:\\\\tmp', \"a \"\"b\"\"\" FROM `my ``table``` -- trailing comment\n"],
    ['mysql', 'SELECT 1 -- ; DELETE FROM t'],
    ['mysql', "SELECT 1 # ; DELETE FROM t"],
    ['mysql', 'SELECT /*+ MAX_EXECUTION_TIME(1000) */ 1'],
    ['mysql', 'SELECT @@global.read_only, sys.format_bytes(1024), SLEEP(1)'],
    ['mysql', "SELECT CAST(x AS DECIMAL(10,2)), JSON_EXTRACT(doc, '$.a') FROM t USE INDEX (idx)"],
    ['mysql', 'DESCRIBE orders'],
    ['mysql', "HELP 'contents'"],
    ['mysql', '(SELECT 1) UNION (SELECT 2)'],
    ['postgres', 'SELECT x::numeric(10,2), a->>\'k\', b >-1 FROM t'],
    ['postgres', 'SELECT pg_catalog.now(), pg_size_pretty(pg_database_size(current_database()))'],
    ['postgres', 'SELECT * FROM (VALUES (1)) AS v(a)'],
    ['postgres', 'WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT * FROM r'],
    ['postgres', 'SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY d), count(*) FILTER (WHERE ok) FROM t'],
    ['postgres', "SELECT $$; DROP TABLE t$$, E'\\'; DROP TABLE t; --'"],
    ['postgres', 'SHOW search_path'],
    ['postgres', 'TABLE pg_stat_replication'],
    ['postgres', '\\dt+ public.*'],
    ['postgres', '\\l'],
    ['postgres', '\\x\nSELECT 1'],
    ['postgres', 'SELECT 1 \\gx'],
  ])('%s: %s', (dialect, text) => {
    expect(judgeSql(text, dialect)).toEqual({ read: true });
  });
});

describe('judgeSql: writes', () => {
  test.each<[Dialect, string, string, number]>([
    ['mysql', 'KILL QUERY 5; DROP DATABASE smp', '2 statements', 14],
    ['mysql', 'KILL QUERY 5', 'KILL', 0],
    ['mysql', 'SELECT 1; DELETE FROM t', '2 statements', 10],
    ['postgres', 'select pg_terminate_backend(123)', 'function pg_terminate_backend()', 7],
    ['mysql', 'SELECT * FROM t FOR UPDATE', 'SELECT … FOR UPDATE', 16],
    ['mysql', "SELECT * INTO OUTFILE '/tmp/x' FROM t", 'SELECT … INTO', 9],
    ['postgres', 'WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d', 'DELETE', 11],
    ['postgres', 'EXPLAIN ANALYZE DELETE FROM t', 'DELETE', 16],
    ['mysql', '/*!50000 DROP TABLE t */', 'mysql executable comment', 0],
    ['mysql', 'STOP REPLICA', 'STOP REPLICA', 0],
    ['mysql', 'SET GLOBAL read_only = 0', 'SET GLOBAL', 0],
    ['mysql', 'CALL p()', 'CALL', 0],
    ['mysql', '\\! rm -rf /', 'client command \\!', 0],
    ['postgres', '\\! rm -rf /', 'psql \\!', 0],
    ['postgres', "COPY t TO '/tmp/x'", 'COPY', 0],
    ['mysql', 'LOCK TABLES t WRITE', 'LOCK TABLES', 0],
    ['postgres', "select set_config('x','y',false)", 'function set_config()', 7],
    ['postgres', "SELECT nextval('s')", 'function nextval()', 7],
    ['mysql', 'GRANT ALL ON *.* TO x', 'GRANT', 0],
    ['postgres', 'TRUNCATE t', 'TRUNCATE', 0],
    ['postgres', 'VACUUM', 'VACUUM', 0],
    ['mysql', 'frobnicate now', 'cannot classify "frobnicate"', 0],
    // precise names, session state, client commands
    ['mysql', 'DROP DATABASE smp', 'DROP DATABASE', 0],
    ['postgres', 'CREATE OR REPLACE VIEW v AS SELECT 1', 'CREATE OR REPLACE VIEW', 0],
    ['mysql', "CHANGE REPLICATION SOURCE TO SOURCE_HOST = 'db2'", 'CHANGE REPLICATION SOURCE', 0],
    ['mysql', 'SET sql_log_bin = 0', 'SET', 0],
    ['mysql', 'USE smp', 'USE', 0],
    ['mysql', 'source /tmp/x.sql', 'client command source', 0],
    ['mysql', 'SELECT 1 \\. /tmp/x.sql', 'client command \\.', 9],
    ['mysql', 'tee /tmp/out', 'client command tee', 0],
    ['mysql', 'SELECT 1 \\T /tmp/out', 'client command \\T', 9],
    ['postgres', 'SELECT 1 \\g /tmp/out', 'psql \\g to a file or pipe', 9],
    ['postgres', 'SELECT 1 \\gexec', 'psql \\gexec', 9],
    ['postgres', "\\copy t to '/tmp/x'", 'psql \\copy', 0],
    ['postgres', '\\set x 1', 'psql \\set', 0],
    ['postgres', '\\d `rm -rf /`', 'shell command in a psql meta-command', 0],
    ['postgres', '\\d t\nSELECT 1', '2 statements', 5],
    // hiding places
    ['mysql', 'SELECT 1 --; DELETE FROM t', '2 statements', 13],
    ['mysql', "SELECT 'a\\' ; DROP TABLE t; -- '", 'backslash before a quote in a string', 7],
    ['postgres', "SELECT 'a\\'; DROP TABLE t; --'", 'backslash before a quote in a string', 7],
    ['postgres', "/* /* */ SELECT ' */ DELETE FROM t; --'", 'DELETE', 21],
    ['postgres', 'SELECT :cmd', 'psql variable', 7],
    ['postgres', 'SELECT a &&& b', 'operator &&&', 9],
    ['postgres', 'SELECT "pg_terminate_backend"(1)', 'function "pg_terminate_backend"()', 7],
    ['postgres', 'SELECT public.purge_old()', 'function public.purge_old()', 7],
    ['mysql', "SELECT GET_LOCK('a', 1)", 'function GET_LOCK()', 7],
    ['mysql', 'SELECT @x := 1', 'variable assignment :=', 10],
    ['mysql', 'SELECT * FROM t LOCK IN SHARE MODE', 'LOCK IN SHARE MODE', 16],
    ['postgres', 'SELECT * FROM t FOR NO KEY UPDATE', 'SELECT … FOR NO KEY UPDATE', 16],
    ['postgres', 'EXPLAIN (ANALYZE, BUFFERS) UPDATE t SET a = 1', 'UPDATE', 27],
    ['postgres', 'EXPLAIN ANALYZE SELECT pg_cancel_backend(7)', 'function pg_cancel_backend()', 23],
    ['postgres', 'WITH x AS (SELECT 1) UPDATE t SET a = 1', 'UPDATE', 21],
    ['postgres', "SELECT 'unterminated", 'unterminated string', 7],
    ['mysql', 'SELECT 1 /* open', 'unterminated comment', 9],
    ['mysql', ' ; ;', 'no statement', 0],
  ])('%s: %s', (dialect, text, why, offset) => {
    expect(judgeSql(text, dialect)).toEqual({ read: false, why, offset });
  });
});

describe('judgeMongoScript: reads', () => {
  test.each([
    'db.event_log.countDocuments({status: "dlq"})',
    'printjson(db.event_log.find({status: "dlq"}).sort({_id: -1}).limit(20).toArray())',
    'db.event_log.find({status: "dlq", event_type: "inside.payment.succeeded"}).limit(100).forEach(e => print(e.event_id))',
    'rs.status()',
    'db.orders.aggregate([{ $match: { s: 1 } }, { $group: { _id: "$k", n: { $sum: 1 } } }])',
    'db.getSiblingDB("smp").orders.find().limit(5).toArray();',
    'db.getCollectionNames().forEach(n => printjson(db.getCollection(n).stats()))',
    'db.orders.find({ at: { $gt: new Date(Date.now() - 3600e3) } }).count()',
    'db.system.profile.find().sort({ ts: -1 }).limit(5).forEach(printjson)',
    'print(JSON.stringify(db.serverStatus().connections), Math.round(db.stats().dataSize / 1e6))',
    'await db.orders.findOne({ _id: ObjectId("65f0c0ffee00000000000000") })',
    'db.orders.find().forEach(function (d) { const id = d._id; if (id) { print(id.toHexString()) } })',
  ])('%s', (text) => {
    expect(judgeMongoScript(text)).toEqual({ read: true });
  });
});

describe('judgeMongoScript: writes', () => {
  test.each<[string, string, number]>([
    ['db.x.deleteMany({})', 'deleteMany()', 5],
    ['db.x.find().forEach(d => db.y.insertOne(d))', 'insertOne()', 30],
    ['db.x.aggregate([{ $merge: "y" }])', '$merge stage', 18],
    ['db.x.aggregate([{$match:{}}, {$out: "y"}])', '$out stage', 30],
    ['db.dropDatabase()', 'dropDatabase()', 3],
    ['db.x.find(); db.x.drop()', '2 statements', 13],
    ['db["x"].find()', 'computed member access on db', 3],
    ['db.runCommand({shutdown: 1})', 'cannot classify runCommand()', 3],
    ['x = 1', 'assignment', 0],
    ['load("/tmp/e.js")', 'load()', 0],
    // more ways in
    ['db.x.find(', 'cannot parse the script', 10],
    ['db.adminCommand({ setParameter: 1 })', 'cannot classify adminCommand()', 3],
    ['db.x.aggregate([{ $facet: { a: [{ "$out": "y" }] } }])', '$out stage', 34],
    ['db.x.aggregate(db.pipelines.findOne().stages)', 'pipeline built at run time', 15],
    ['db.x.find().forEach(db.y.insertOne)', 'a collection used as a value', 20],
    ['db.x.findOneAndUpdate({}, { $set: { a: 1 } })', 'findOneAndUpdate()', 5],
    ['rs.stepDown()', 'rs.stepDown()', 3],
    ['require("fs")', 'require()', 0],
    ['eval("db.x.drop()")', 'eval()', 0],
    ['process.exit(1)', 'unknown name "process"', 0],
    ['new Function("return 1")()', 'cannot classify a call', 0],
    ['db.x.find().forEach(d => { d.n = 1 })', 'assignment', 27],
    ['const r = db.x.find()', 'cannot classify variable declaration', 0],
  ])('%s', (text, why, offset) => {
    expect(judgeMongoScript(text)).toEqual({ read: false, why, offset });
  });
});
