// The peers of bench/serve.mjs, on a worker thread so that their work (the API
// server answering kubectl, the chat sink) never delays the load generator's
// clock: the Kubernetes API stand-in of test/support (three contexts, an
// incident in smp-prod), librdkafka's mock cluster with a lagging consumer
// group, a private redis-server with cache keys and a queue, and a local HTTP
// sink standing in for the chat webhook. A helper, not a benchmark.
// Messages: the worker posts {type:'ready', env, sinkUrl}; it answers
// {type:'stats'} with what the peers saw and {type:'stop'} by closing them.
import http from 'node:http';
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';


await import('./ts-loader.mjs');
const { startK8sApiServer } = await import('../../test/support/k8s-api-server.ts');
const { deployment, dispatchEngineSeed, pod, statefulset } = await import('../../test/support/k8s-fixtures.ts');
const { produce, startKafkaMock } = await import('../../test/support/kafka-mock.ts');
const { commitAsMember, messages } = await import('../../test/support/e2e-kafka.ts');
const { startRedisServer } = await import('../../test/support/redis-server.ts');

/** smp-prod as the runbooks expect it: the dispatch-engine incident, and the pods other runbooks exec into. */
function clusterSeed(region) {
  const seed = dispatchEngineSeed();
  const app = (name, n, labels = { app: name }) => Array.from({ length: n }, (_, i) => pod({ name: `${name}-${i}`, labels }));
  seed.deployments.push(deployment({ name: 'integration-svc', replicas: 2 }), deployment({ name: 'mirrormaker-to-cn', replicas: 2 }));
  seed.statefulsets.push(statefulset({ name: 'kafka', replicas: 3 }));
  seed.pods.push(
    ...app('kafka', 3),
    ...app('kafka-connect', 1),
    ...app('finance-svc', 1),
    ...app('partner-svc', 1),
    ...app(`replication-agent-${region}`, 2, { app: 'replication-agent' }),
    ...app('mirrormaker-to-cn-5f6d7c8b9', 2, { app: 'mirrormaker-to-cn' }),
    ...app('integration-svc-6b7c8d9f0', 2, { app: 'integration-svc' }),
  );
  return seed;
}

// Redis keeps the receiver's priority: with --redis the receiver waits for it
// on every request, as it waits for its own CPU.
const redis = await startRedisServer();
// The other peers stand in for other machines: at a lower CPU priority they do
// not take this machine's cores from the processes measured, the sender and the
// receiver. On Linux the nice value is per thread, so this lowers only this
// worker and what it starts from now on (kcat), not the sender.
try {
  setPriority(10);
} catch {
  /* not allowed: the same figures, a little noisier */
}
const [kube, kafka] = await Promise.all([
  startK8sApiServer(clusterSeed('asia'), {
    contexts: [
      { name: 'smp-asia', namespace: 'smp-prod' },
      { name: 'smp-china', namespace: 'smp-prod', seed: clusterSeed('china') },
      { name: 'smp-us', namespace: 'smp-prod', seed: clusterSeed('us') },
    ],
  }),
  startKafkaMock({ brokers: 3, topics: [{ topic: 'orders.events' }, { topic: 'orders.events.dlq' }] }),
]);
await produce(kafka.brokers, 'orders.events', [...messages(2_000, 0), ...messages(200, 1), ...messages(100, 2)]);
await commitAsMember(kafka.brokers, 'dispatch-engine', 'orders.events', { 0: 100, 1: 100, 2: 100 });
await seedRedis(redis.port);

/** A few thousand cache keys and the dispatch queue, over one raw connection. */
async function seedRedis(port) {
  const net = await import('node:net');
  const sock = net.connect(port, '127.0.0.1');
  await new Promise((r, j) => sock.once('connect', r).once('error', j));
  const cmd = (...a) => `*${a.length}\r\n${a.map((x) => `$${Buffer.byteLength(String(x))}\r\n${x}\r\n`).join('')}`;
  let out = '';
  for (let i = 0; i < 5000; i++) out += cmd('SET', `cache:wms:stock:${i}`, 'x'.repeat(64));
  out += cmd('RPUSH', 'dispatch:queue:HCMC', ...Array.from({ length: 150 }, (_, i) => `order-${i}`));
  let replies = 0;
  await new Promise((resolve) => {
    sock.on('data', (d) => {
      replies += d.toString('latin1').split('\r\n').length - 1;
      if (replies >= 5001) resolve();
    });
    sock.write(out);
  });
  sock.destroy();
}

const posts = [];
const sink = http.createServer((req, res) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (d) => (body += d));
  req.on('end', () => {
    let fingerprint;
    try {
      fingerprint = JSON.parse(body).verdict?.fingerprint;
    } catch {
      /* counted with no fingerprint */
    }
    posts.push({ at: Date.now(), fingerprint });
    res.end('ok');
  });
});
await new Promise((r) => sink.listen(0, '127.0.0.1', r));

const clusters = Object.entries(kube.clusters);
const isExec = (r) => r.method === 'POST' && /^\/api\/v1\/namespaces\/[^/]+\/pods\/[^/]+\/exec$/.test(r.path);
parentPort.postMessage({
  type: 'ready',
  env: { KUBECONFIG: kube.env.KUBECONFIG, KUBECACHEDIR: kube.env.KUBECACHEDIR, KAFKA_BROKERS: kafka.bootstrap, REDIS_URL: redis.url },
  sinkUrl: `http://127.0.0.1:${sink.address().port}/services/T0/B0/bench`,
});

parentPort.on('message', async (m) => {
  if (m.type === 'stats') {
    const requests = clusters.flatMap(([, c]) => c.requests);
    parentPort.postMessage({
      type: 'stats',
      posts,
      k8sRequests: requests.length,
      // kubectl exec is a POST to pods/NAME/exec whatever runs inside (the command model judges
      // what runs inside, from kubectl's argv): counted apart from the other non-GET requests.
      k8sExec: requests.filter(isExec).length,
      k8sNonGet: requests.filter((r) => r.method !== 'GET' && !isExec(r)).map((r) => `${r.method} ${r.path}`),
    });
  } else if (m.type === 'stop') {
    await Promise.all([kube.close(), kafka.stop(), redis.stop(), new Promise((r) => sink.close(r))]);
    parentPort.postMessage({ type: 'stopped' });
    parentPort.close();
  }
});
