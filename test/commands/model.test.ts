// The command model on the commands SREs write: every family the design
// names, each with read-only neighbours that must stay quiet.
import { judgeTemplate } from '../../src/commands/template.js';
import { judgeRendered } from '../../src/commands/rendered.js';

function findings(run: string | string[], shell = false) {
  return judgeTemplate(run, shell).findings.map((f) => f.finding);
}
/** The first thing that keeps the command from being a read, as its `what`. */
const mutation = (run: string | string[], shell = false) =>
  findings(run, shell)
    .filter((f) => f.kind === 'write' || f.kind === 'opaque')
    .map((f) => (f.kind === 'write' || f.kind === 'opaque' ? f.what : ''))[0];

describe('mutating commands', () => {
  const writes: Array<[string, string]> = [
    ['kubectl -n x delete pod foo', 'kubectl delete'],
    ['kubectl --context prod -n smp scale deployment/a --replicas=3', 'kubectl scale'],
    ['kubectl rollout restart deployment/a', 'kubectl rollout restart'],
    ['kubectl -n x rollout undo deploy/a', 'kubectl rollout undo'],
    ['kubectl rollout pause deploy/a', 'kubectl rollout pause'],
    ['kubectl rollout resume deploy/a', 'kubectl rollout resume'],
    ['kubectl patch deploy a -p {"spec":{}}', 'kubectl patch'],
    ['kubectl apply -f x.yaml', 'kubectl apply'],
    ['kubectl create job x --from=cronjob/y', 'kubectl create'],
    ['kubectl replace -f x.yaml', 'kubectl replace'],
    ['kubectl edit cm x', 'kubectl edit'],
    ['kubectl drain node-1 --ignore-daemonsets', 'kubectl drain'],
    ['kubectl cordon node-1', 'kubectl cordon'],
    ['kubectl uncordon node-1', 'kubectl uncordon'],
    ['kubectl taint nodes n1 k=v:NoSchedule', 'kubectl taint'],
    ['kubectl label pod a x=y', 'kubectl label'],
    ['kubectl annotate pod a x=y', 'kubectl annotate'],
    ['kubectl set image deploy/a a=img:2', 'kubectl set'],
    ['kubectl --kubeconfig /k -n x exec -it redis-0 -- redis-cli FLUSHALL', 'redis-cli FLUSHALL'],
    ['kubectl exec deploy/api -c app -- sh -c "curl -X POST http://localhost/admin/reload"', 'curl -X POST'],
    ['redis-cli DEL session:1', 'redis-cli DEL'],
    ['redis-cli -h redis -p 6380 -a secret -n 2 unlink k', 'redis-cli unlink'],
    ['redis-cli flushall', 'redis-cli flushall'],
    ['redis-cli FLUSHDB ASYNC', 'redis-cli FLUSHDB'],
    ['redis-cli -h r config set maxmemory 2gb', 'redis-cli config set'],
    ['redis-cli SET k v', 'redis-cli SET'],
    ['redis-cli -n 1 EXPIRE k 60', 'redis-cli EXPIRE'],
    ['redis-cli SHUTDOWN NOSAVE', 'redis-cli SHUTDOWN'],
    ['redis-cli --scan --pattern "cache:*" | xargs -n 100 redis-cli DEL', 'redis-cli DEL'],
    ['kafka-consumer-groups --bootstrap-server b:9092 --group g --reset-offsets --to-latest --topic t --execute', 'kafka-consumer-groups --reset-offsets --execute'],
    ['/opt/kafka/bin/kafka-consumer-groups.sh --bootstrap-server b --group g --reset-offsets --to-earliest --all-topics --execute', 'kafka-consumer-groups --reset-offsets --execute'],
    ['kafka-delete-records.sh --bootstrap-server b --offset-json-file f.json', 'kafka-delete-records'],
    ['kafka-delete-records --bootstrap-server b --offset-json-file f.json', 'kafka-delete-records'],
    ['kafka-topics --bootstrap-server b --delete --topic t', 'kafka-topics --delete'],
    ['kafka-topics.sh --bootstrap-server b --alter --topic t --partitions 12', 'kafka-topics --alter'],
    ['kafka-configs --bootstrap-server b --alter --entity-type topics --entity-name t --add-config retention.ms=1', 'kafka-configs --alter'],
    ['curl -X POST http://svc/admin/flush', 'curl -X POST'],
    ['curl -sS --request DELETE http://svc/items/1', 'curl -X DELETE'],
    ['curl -XPUT http://svc/x', 'curl -X PUT'],
    ['curl -sfX PATCH http://svc/x', 'curl -X PATCH'],
    ['curl -d {"a":1} http://svc/x', 'curl -d'],
    ['curl --data-binary @f.json http://svc/x', 'curl --data-binary'],
    ['curl -F file=@x http://svc/upload', 'curl -F'],
    ['http POST http://svc/x a=1', 'http POST'],
    ['http http://svc/x name=value', 'http with data'],
    ['wget --method=DELETE http://svc/x', 'wget --method=DELETE'],
    ['wget --post-data a=1 http://svc/x', 'wget --post-data'],
    ['mysql -h db -e "KILL 1234"', 'mysql KILL'],
    ['mysql -h replica -e "STOP REPLICA; CHANGE REPLICATION SOURCE TO SOURCE_DELAY=0; START REPLICA"', 'mysql 3 statements'],
    ['mysql -e "stop slave"', 'mysql STOP SLAVE'],
    ['mysql --execute="CHANGE MASTER TO MASTER_DELAY=0"', 'mysql CHANGE MASTER'],
    ['mysql -e"SET GLOBAL read_only = 0"', 'mysql SET GLOBAL'],
    ['psql -c "DELETE FROM jobs WHERE stuck"', 'psql DELETE'],
    ['psql -h db -c "update wallets set x = 1"', 'psql UPDATE'],
    ['psql -c "SELECT pg_terminate_backend(123)"', 'psql function pg_terminate_backend'],
    ['psql --command="TRUNCATE audit"', 'psql TRUNCATE'],
    ['mysql -e "INSERT INTO t VALUES (1)"', 'mysql INSERT'],
    ['mysql -e "DROP TABLE t"', 'mysql DROP'],
    ['mysql -e "ALTER TABLE t ADD c int"', 'mysql ALTER'],
    ['mongosh mongodb://db --eval "db.orders.deleteMany({stuck: true})"', 'mongosh --eval deleteMany'],
    ['mongosh --eval "db.x.insertOne({a:1})"', 'mongosh --eval insertOne'],
    ['mongosh --eval "db.x.drop()"', 'mongosh --eval drop'],
    ['mongosh --eval "db.x.updateOne({}, {$set: {a: 1}})"', 'mongosh --eval updateOne'],
    ['mongosh --eval "db.x.replaceOne({}, {})"', 'mongosh --eval replaceOne'],
    ['sudo -u redis redis-cli FLUSHDB', 'redis-cli FLUSHDB'],
    ['timeout 10 kubectl delete pod x', 'kubectl delete'],
    ['env KUBECONFIG=/k kubectl delete pod x', 'kubectl delete'],
    ['helm rollback api 3', 'helm rollback'],
    ['systemctl restart nginx', 'systemctl restart'],
  ];
  test.each(writes)('%s → %s', (run, what) => {
    expect(mutation(run, /[|;]/.test(run))?.toLowerCase()).toContain(what.toLowerCase());
  });

  const reads = [
    'kubectl -n x get pods -o wide',
    'kubectl describe pod delete-me',
    'kubectl logs deploy/a --tail=100',
    'kubectl rollout status deploy/a',
    'kubectl rollout history deploy/a',
    'kubectl delete pod x --dry-run=client',
    'kubectl apply -f x.yaml --dry-run=server',
    'kubectl label pods --list a',
    'kubectl -n x exec redis-0 -- redis-cli INFO memory',
    'kubectl get deploy scale',
    'kubectl top pods',
    'redis-cli INFO memory',
    'redis-cli -h r --scan --pattern "session:*"',
    'redis-cli --bigkeys',
    'redis-cli GET set',
    'redis-cli config get maxmemory',
    'redis-cli -n 1 TTL k',
    'kafka-consumer-groups --bootstrap-server b --group g --reset-offsets --to-latest --topic t',
    'kafka-consumer-groups --bootstrap-server b --describe --group g',
    'kafka-topics --bootstrap-server b --describe --topic t',
    'kafka-configs --bootstrap-server b --describe --entity-type topics',
    'curl -s http://svc/health',
    'curl -sI http://svc/health',
    'curl -G -d q=1 http://svc/search',
    'curl -X GET http://svc/x',
    'curl -H "X-Delete: POST" http://svc/x',
    'http GET http://svc/x',
    'http http://svc/x Authorization:token page==2',
    'wget -qO- http://svc/x',
    'mysql -e "SHOW SLAVE STATUS\\G"',
    'mysql -e "SELECT * FROM t WHERE note = \'DELETE me\'"',
    'psql -c "SELECT count(*) FROM jobs"',
    'mongosh --eval "db.orders.find({}).count()"',
    'echo kubectl delete pod x',
    'grep DEL file.txt',
  ];
  test.each(reads)('%s is read-only', (run) => {
    expect(findings(run)).toEqual([]);
  });

  test('argv lists are taken word by word', () => {
    expect(mutation(['kubectl', '-n', 'x', 'delete', 'pod', 'foo'])).toBe('kubectl delete');
    expect(findings(['kubectl', '-n', 'x', 'get', 'pods'])).toEqual([]);
  });

  test('redis KEYS is found, in any case, behind flags and wrappers', () => {
    const keys = (run: string, shell = false) => findings(run, shell).filter((f) => f.kind === 'redis-keys').length;
    expect(keys("redis-cli KEYS 'cache:*'")).toBe(1);
    expect(keys("redis-cli -h r -p 6379 -a pw -n 3 keys 'x*'")).toBe(1);
    expect(keys("kubectl exec redis-0 -- redis-cli KEYS '*'")).toBe(1);
    expect(keys("redis-cli KEYS 'a*' | wc -l", true)).toBe(1);
    expect(keys("redis-cli --scan --pattern 'keys*'")).toBe(0);
    expect(keys('redis-cli GET keys')).toBe(0);
  });

});

describe('the rendered command is judged with its values', () => {
  test('a value that makes a read mutate', () => {
    const judged = judgeRendered({ file: 'kubectl', args: ['delete', 'pod', 'x'] }, {});
    expect(judged.findings[0]).toMatchObject({ kind: 'write', what: 'kubectl delete' });
  });
  test('a shell script with its placeholders resolved', () => {
    const judged = judgeRendered({ file: 'bash', args: [], script: { text: 'kubectl __ONCALL0__ pod x | grep y', values: ['delete'] } }, {});
    expect(judged.findings.map((f) => f.kind)).toEqual(['write']);
    const read = judgeRendered({ file: 'bash', args: [], script: { text: 'kubectl __ONCALL0__ pods | grep y', values: ['get'] } }, {});
    expect(read.findings).toEqual([]);
  });
  test('the target names the namespace and the Redis URL with its password masked', () => {
    expect(judgeRendered({ file: 'redis-cli', args: ['-u', 'redis://u:secret@h:6379', 'INFO'] }, {}).target).toBe('redis redis://u:***@h:6379');
    expect(judgeRendered({ file: 'sudo', args: ['kubectl', '-n', 'smp', 'delete', 'pod', 'x'] }, { KUBECONFIG: '/nonexistent' }).target).toMatch(/namespace smp/);
  });
});
