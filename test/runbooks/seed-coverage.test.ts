// The bundled runbooks against the seed they come from — the twelve incidents
// of seeds/003_88e4f9c59a12d5ed.txt, TAL-001 (seeds/000_af436abed9b48d42.txt,
// Talend on-call) and DRK-001 (seeds/002_284da4220abb11a1.txt, Darklang's
// "something is down"): every runbook keeps its distinctive
// commands, keys, warnings and messages, its option/scenario ids, and the
// safety rules (mutating commands declared write, destructive ones high-risk,
// no shell unless asked, references only to earlier steps).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileExpression, findInterpolations, references } from '../../src/runbook/expressions.js';
import { splitCommand } from '../../src/runbook/argv.js';
import { loadFile, type LoadedFile } from '../../src/runbook/load.js';
import type { MitigationOption, Process, Runbook, Step, TriageCase } from '../../src/runbook/types.js';

const DIR = fileURLToPath(new URL('../../runbooks/', import.meta.url));

interface Expected {
  id: string;
  file: string;
  options: string[];
  /** Distinctive strings of the seed that must appear somewhere in the runbook's values. */
  strings: string[];
}

const INCIDENTS: Expected[] = [
  {
    id: 'INC-001',
    file: 'INC-001-dispatch-engine-down.yaml',
    options: ['a', 'b', 'c', 'd'],
    strings: [
      'dispatch_engine_up == 0',
      'order_stuck_in_stage_02_count > 10',
      'đặt đơn không có thợ đến',
      'ERROR|FATAL|panic',
      'dispatch:queue:HCMC',
      '/admin/stats',
      'kafka-consumer-groups --describe --group dispatch-engine',
      'OOMKilled',
      'panic on nil pointer, OOM, Redis connection lost',
      '> 100 → backpressure',
      'rollout restart deployment/dispatch-engine',
      '--replicas=5',
      'scale back down',
      '"Manual dispatch" tab',
      'audit log',
      'ENABLE_AUTO_DISPATCH = false',
      'Đang xử lý đơn của bạn, ops team sẽ liên hệ trong 15 phút',
      'Dispatch engine down, investigating ETA 15 min',
      '"Dispatch" → "Degraded"',
      'Đang xử lý chậm, mời thông cảm',
      'email',
      '/health',
      'stage 02 → 03',
      '"Operational"',
      'Resolved, monitoring 30 min',
      'Detection gap',
    ],
  },
  {
    id: 'INC-002',
    file: 'INC-002-payment-webhook-failed.yaml',
    options: ['a', 'b', 'c'],
    strings: [
      'webhook_processing_errors_5xx_rate',
      'order_payment_pending_count > 50',
      'đã trả tiền nhưng app báo chưa trả',
      'app=${{ params.deployment }}',
      'db.event_log.countDocuments({status: "dlq"})',
      '/integrations/inside/payment-webhook',
      'X-Signature',
      'http://inside.local/health',
      'retry',
      'invalid signature, order_id not found, schema mismatch',
      'event_type: "inside.payment.succeeded"',
      '.limit(100)',
      '/admin/events/',
      '/replay',
      'Authorization: Bearer ',
      'Ops Finance',
      'payment_status = "pending"',
      'admin UI',
      'do NOT use in production',
      'staging',
      'SMP × inside',
      '"Payments" → "Degraded"',
      'Thanh toán đang xác nhận, mời đợi 5 phút',
      'prevent recurrence',
    ],
  },
  {
    id: 'INC-003',
    file: 'INC-003-mysql-replica-lag.yaml',
    options: ['a', 'b', 'c'],
    strings: [
      'mysql_replica_lag_seconds > 30',
      'report dashboard',
      'Slow queries on the replica',
      'prod-mysql-replica.smp.local',
      'prod-mysql-primary.smp.local',
      'SHOW REPLICA STATUS',
      'Seconds_Behind',
      'Last_Error',
      'SHOW MASTER STATUS',
      'system user',
      'SHOW FULL PROCESSLIST',
      'KILL QUERY',
      'IOPS',
      'cloud provider status page',
      'ETL',
      'MYSQL_READ_DSN',
      'user:pass@tcp(prod-mysql-primary.smp.local:3306)',
      'data inconsistency risk',
      'STOP REPLICA',
      'latest snapshot',
      'CHANGE MASTER TO',
      'START REPLICA',
      '#infra-alerts',
      'business team',
      'Seconds_Behind_Master = 0',
      'Read replica routing restored',
    ],
  },
  {
    id: 'INC-004',
    file: 'INC-004-redis-oom.yaml',
    options: ['a', 'b', 'c'],
    strings: [
      'redis_memory_used_percent > 90',
      "OOM command not allowed when used memory > 'maxmemory'",
      'Cache miss rate',
      'logged out',
      'prod-redis.smp.local',
      'INFO memory',
      'evicted_keys|keyspace_misses',
      '--bigkeys',
      '--scan',
      'cache:wms:stock:',
      'TTL of 30s',
      'session:',
      'lock:',
      'dispatch:invitations:',
      'NEVER flush session/lock',
      'never KEYS (KEYS blocks production)',
      'ElastiCache',
      'maxmemory',
      'rolling',
      'maxmemory-policy',
      '#infra-alerts',
      'Vui lòng đăng nhập lại',
      'used_memory_percent < 70',
      'result.usedMemoryPercent < 70',
      'Eviction rate < 1/s',
      'TTL bug',
    ],
  },
  {
    id: 'INC-005',
    file: 'INC-005-integration-circuit-breaker.yaml',
    options: ['a', 'b', 'c'],
    strings: [
      'integration_circuit_breaker_state{service="inside"} == 1',
      'Đang cập nhật',
      'circuit breaker open, fallback to default',
      '/admin/circuit-breaker',
      'circuit|failed_to_call',
      '--tail=500',
      'http://inside.local/health',
      'http://wms.local/health',
      'timeout (3s)',
      '5xx',
      'Auth token expired',
      'Network partition',
      '/admin/circuit-breaker/half-open',
      'INTEGRATION_BYPASS_CIRCUIT = true',
      'better than stale',
      'Acceptable for read paths (customer info)',
      'NOT acceptable for write paths (payment, stock)',
      'inside/wms team',
      'state = closed',
      'Error rate < 1%',
      'test account',
    ],
  },
  {
    id: 'INC-006',
    file: 'INC-006-kafka-broker-down.yaml',
    options: ['scenario-1', 'scenario-2', 'scenario-3'],
    strings: [
      'kafka_broker_down{cluster="prod"} > 0',
      'up{job="kafka"} == 0',
      'dial tcp: connection refused',
      'Producer write timeouts',
      'get pods -n ${{ params.namespace }} -l app=',
      '--tail=200',
      'kafka-broker-api-versions.sh',
      'kafka-topics.sh --describe',
      '--under-replicated-partitions',
      'min ISR 2',
      'not to deploy anything new',
      'rollout restart statefulset/kafka',
      '--replicas=4',
      'SEV-1',
      '~30s',
      'Tech Lead + CTO',
      'direct HTTP mode',
      'DR runbook',
      'buffered events',
      'Multi-AZ',
      'liveness probe',
      'under_replicated_partitions > 0 for > 5min',
      'result.underReplicatedPartitions == 0',
      'result.totalLag < 1000',
    ],
  },
  {
    id: 'INC-007',
    file: 'INC-007-consumer-lag-spike.yaml',
    options: ['scenario-1', 'scenario-2', 'scenario-3', 'scenario-4'],
    strings: [
      'kafka_consumergroup_lag{group="dispatch-engine"} > 10000',
      'lag > 10k messages for any consumer group',
      'kafka-consumer-groups.sh --bootstrap-server localhost:9092 --describe --group dispatch-engine',
      'orders.events 0 15234 28500 13266 dispatch-engine-0',
      'kubectl top pod',
      'DB slow queries',
      'customer_id',
      'doc 01 section 7.6.3',
      'steps.lag.result.maxPartitionShare > 0.5',
      '12 partitions',
      'max 12 consumers per group',
      'orders.events.dlq',
      '--from-beginning --max-messages 10',
      '--reset-offsets',
      '<next_good_offset>',
      '--execute',
      'orders.events:0',
      'result.totalLag < 1000',
      'Lag trend decreasing',
      'No DLQ messages accumulating',
      'Load test consumers',
      'HPA',
    ],
  },
  {
    id: 'INC-008',
    file: 'INC-008-debezium-connector-crashed.yaml',
    options: ['scenario-1', 'scenario-2', 'scenario-3'],
    strings: [
      'kafka_connect_connector_status{connector="smp-mysql-connector",state!="RUNNING"} > 0',
      'No new CDC events in Kafka',
      'Dashboard data freezes',
      'http://kafka-connect:8083',
      '/connectors/${{ params.connector }}/status',
      '/tasks/${{ params.task }}/status',
      'kafka-connect-0',
      '--tail=300',
      'Lost connection to MySQL',
      'Schema history topic not found',
      'Snapshot taking too long',
      'Out of order events',
      '/restart',
      'expire_logs_days',
      '>= 7d',
      '/pause',
      'duplicate events in Kafka. Consumers must be idempotent',
      'kafka-delete-records.sh',
      'offsets.json',
      '/resume',
      'schema history topic',
      'Debezium expertise',
      'result.json.connector.state == "RUNNING"',
      'smp.cdc.smp_order',
      'Monitor connector status every minute',
      'binlog retention >= 7 days',
      'staging weekly',
    ],
  },
  {
    id: 'INC-009',
    file: 'INC-009-elasticsearch-read-model-drift.yaml',
    options: ['scenario-1', 'scenario-2', 'scenario-3', 'scenario-4'],
    strings: [
      'es_sink_lag_seconds > 300',
      'lag > 60 seconds',
      'search results stale',
      'elasticsearch-sink',
      'connect-elasticsearch-sink',
      '/_cluster/health',
      '_cat/indices/',
      'orders-*',
      '_cat/allocation',
      'red',
      'old indices',
      '_reindex',
      'corrected mapping',
      'Drop the old index',
      'Pause the sink connector',
      'Delete the ES indices',
      'Debezium will re-emit all events',
      'Resume the sink',
      'drift > 0.1%',
      'staging before prod',
      'Lag < 10s',
      'Spot check',
    ],
  },
  {
    id: 'INC-010',
    file: 'INC-010-wallet-reconciliation-mismatch.yaml',
    options: ['scenario-1', 'scenario-2', 'scenario-3', 'scenario-4'],
    strings: [
      'wallet_recon_diff_pct > 0.01',
      '100k VND',
      'wallet-reconciliation-cron',
      '02:00 UTC',
      '/app/bin/recon-report --date=',
      '--format=csv',
      'recon.csv',
      'partner_id, smp_balance, gateway_balance, diff_amount, diff_pct, last_txn_id',
      '~80%',
      'Wait 1h',
      '/app/bin/replay-webhooks',
      "date -d 'yesterday 00:00'",
      "date -d 'today 00:00'",
      "type = 'adjustment'",
      'compensation, error correction',
      'expected_diff',
      'audit who made the change',
      'SELECT from_currency, to_currency, rate, rate_date',
      'INTERVAL 2 DAY',
      'ORDER BY rate_date DESC LIMIT 20',
      'Patch + backfill',
      'test case',
      'auto-correction',
      '> 5% = page CFO',
      'Monthly reconciliation report',
      'Root cause documented',
      'ticket',
    ],
  },
  {
    id: 'INC-011',
    file: 'INC-011-fraud-detection-triggered.yaml',
    options: ['scenario-1', 'scenario-2', 'scenario-3'],
    strings: [
      'fraud_detection_signals_total{severity="high"} > 0',
      'payments.events',
      'partners.events',
      '> 5 topups within 10 min',
      '10x',
      '#security-alerts',
      'TIME CRITICAL',
      '/internal/fraud-alerts/recent?hours=',
      'Bearer ${{ params.jwt }}',
      '/app/bin/admin freeze',
      '--partner=',
      '--reason=',
      'fraud_alert_INC-011',
      'email + phone call',
      'reverse pending settlements',
      'internal compliance (within 24h)',
      'State Bank of Vietnam (SBV)',
      '300M VND',
      'device fingerprints',
      'registered number',
      'partner_admin_users.notes',
      'Tune the fraud rule',
      '1M VND/day',
      '24-48h',
      'rules_engine.yaml',
      'IP allowlisting',
      'Super Admin',
      'AML',
      'Full audit trail',
    ],
  },
  {
    id: 'INC-012',
    file: 'INC-012-cross-region-replication-lag.yaml',
    options: ['scenario-1', 'scenario-2', 'scenario-3', 'scenario-4'],
    strings: [
      'region_replication_lag_seconds{region="cn-to-global"} > 300',
      '> 60 for hot data',
      'central observability cluster',
      'currency_rates / tax_configs / i18n_translations',
      'smp-asia',
      'smp-china',
      'smp-us',
      'replication-agent',
      'http://mirrormaker-asia-to-cn:8080',
      '/metrics | grep lag',
      'Wait 5-10 min',
      'ISP/cloud provider status page',
      'mirrormaker-to-cn',
      'Deploy the target schema migration first',
      'scale up replication workers',
      'PIPL/GDPR',
      'wrong invoices',
      'central analytics dashboard',
      'NEVER replicates PII outside CN',
      '3 redundant replication paths',
      'Monthly DR drill',
      'Lag < 30s for hot data, < 5min for warm data',
      'spot check 10 records',
      'deployment process',
    ],
  },
  {
    id: 'TAL-001',
    file: 'TAL-001-smart-services-alert.yaml',
    options: ['later', 'acknowledge', 'dismiss-vault-token', 'keep-investigating', 'observability-load', 'ask-topic-owner', 'grow-msk'],
    strings: [
      '#stitch-smartservices-nonprod-alerts',
      '#stitch-smartservices:',
      'no need to address them during off-hours',
      'you will get a call and possibly be woken up',
      '<Alert name>-<environment>-<centralized or regional>',
      'SmartGate5XXResponse - aws-at - centralized',
      'Opsgenie link',
      'pod name',
      'https://github.com/Talend/sre-documentation/tree/a9f33936dcbe0a652926559f7f69c373cff1968c/Infrastructure/Observability/Monitoring',
      'https://grafana.admin.central.cloud.talend.com/d/8rx4fXWVk/smart-gate?orgId=1',
      'https://grafana.admin.central.cloud.talend.com/d/CwiSfXWVk/smart-msk?orgId=1',
      'https://grafana.admin.eap-central.cloud.talend.com/d/hQ1Z-uZVz/smart-gate?orgId=1',
      'https://grafana.admin.eap-central.cloud.talend.com/d/jJoW-XZ4z/smart-msk?orgId=1',
      'https://grafana.admin.dev-central.cloud.talend.com/d/naKsKpn4k/smart-gate?orgId=1',
      'https://grafana.admin.dev-central.cloud.talend.com/d/tQSsFpnVz/smart-msk?orgId=1',
      'how widespread the error is',
      'a lot of them over the past hour',
      'increasing for a long time',
      'When did it start?',
      'Acknowledge the alert',
      'go back to sleep',
      'keep investigating',
      'stopped using Loki in favor of Kibana',
      'aws-integration-central.kb.us-east-1.aws.found.io:9243',
      'aws-at-central-talend.kb.eu-central-1.aws.cloud.es.io:9243',
      'aws-eu-production-central-talend.kb.eu-central-1.aws.cloud.es.io:9243',
      '5a89ed70-5baa-11ed-874d-dff8fcfd874b',
      '55b66f90-5bae-11ed-874d-dff8fcfd874b',
      '2a8d5a50-5bad-11ed-874d-dff8fcfd874b',
      '93660fd0-5bae-11ed-874d-dff8fcfd874b',
      '07240940-5baf-11ed-9ca3-41a3ea830240',
      '6adbd670-5baf-11ed-a7a4-43fe6ae5b0fe',
      '71c808e0-5bb0-11ed-9ca3-41a3ea830240',
      'a6e1c8e0-5bb0-11ed-a7a4-43fe6ae5b0fe',
      '2f013260-5bb1-11ed-9c3a-b33a2a969850',
      '519d5d80-5bb1-11ed-b4c8-1d9403f8df0a',
      '71644890-5bb1-11ed-9c3a-b33a2a969850',
      '97ed1730-5bb1-11ed-b4c8-1d9403f8df0a',
      'message : *error* or message : *Error* or message : *exception* or message : *ERROR* or message : *Exception*',
      'vaultToken Error',
      'vault token is expired',
      'the rest of the pod is healthy',
      "there's nothing else that we can do",
      'Service smart-gate MSK is approaching maximum CPU Utlization (<40% remaining) over last 1h',
      'https://docs.aws.amazon.com/msk/latest/developerguide/bestpractices.html',
      'which topics are using the most bytes',
      'connect-component',
      'performance tests',
      'most frequently in centralized-at',
      '#observability-kafka-integration',
      'decrease the load',
      'Who owns those topics?',
      'higher than 80%',
      'typically okay',
      'not a sudden spike',
      'increase the size of the cluster',
      'we did not lose that many messages',
      'with a friend',
      'wait until others are available',
      'SmartGateTopicsPostError - aws-dev - centralized',
      'a topic that does not exist',
      'made a typo',
      'forgot to add the new topic',
      'once or twice',
      'check with the owner of the topic',
      'SmartGateHighLatencyBuckets - aws-production - centralized',
      'behind an ELB',
      'better than smart-gate itself',
      'hitting smart-gate at high volume',
      'need to flesh this out a bit more',
      'proxy for a Kafka producer',
      'proxy for a Kafka consumer',
      'topic/subject scripts are in smart-consumer',
      'https://lucid.app/lucidchart/1aadf955-5b8f-4ad1-aa32-15214dd045f0',
    ],
  },
  {
    id: 'DRK-001',
    file: 'DRK-001-something-is-down.yaml',
    options: ['rollback-deploy', 'rollback-config', 'kill-query', 'pause-queues-crons', 'disable-handler', 'feature-flag', 'block-traffic', 'disable-user'],
    strings: [
      '#status (Discord)',
      'user-visible impact',
      'If you know how to solve it, say so. If you are investigating, say so.',
      'document what you are doing and learning in #operations',
      'probably every 30 minutes, even if there is no new information',
      'turn that into a cause, and then find a way to undo that',
      'Bad/broken code got deployed',
      'Bad/broken k8s configuration was set',
      "going wild or hitting a slow part of our code",
      'denial-of-service attack',
      "it's much more likely an accident by a user",
      'a bad migration or manual DB query',
      'quarterly DB maintenance',
      'Tuesday or Wednesday around 11am EST',
      "won't restart",
      'Google Cloud outage',
      'ops canvas',
      'GKE upgraded kubernetes',
      'during the CI deploy',
      'A cert ran out',
      'PagerDuty is triggered by something',
      'especially if a migration is running',
      'check the load balancers',
      'Probably that',
      'Usually that',
      'x-darklang-execution-id',
      'Can you pinpoint a deploy? A service? A user? A canvas? A handler?',
      'exceptions in Rollbar',
      'CPU graph in Cloud SQL',
      'boards in honeycomb',
      'constantly restarting',
      'kubernetes-bwd-ocaml',
      'service.name = CronChecker',
      'service.name = QueueWorker',
      'service.name = BwdServer',
      'service.name = ApiServer',
      'exception = true',
      'heatmap(duration_ms)',
      '"bubble up"',
      'sum(duration_ms)',
      'vertical lines in Honeycomb graphs',
      'stacktraces',
      'extra attributes',
      'a link to a trace in honeycomb',
      '"dark-west"',
      "if the CPU looks OK, it's usually not the DB",
      'postgres dataset in honeycomb',
      'name = postgres',
      'kubectl logs -n darklang deploy/apiserver-deployment -c apiserver-ctr',
      '7 day chart',
      'GKE workloads',
      'ingress/service dashboard shows you healthchecks',
      "logs that often don't exist elsewhere (eg ingress requests)",
      'server.machine.host',
      'exception in the container',
      'Pub/Sub has a dashboard',
      'kubectl rollout undo',
      'kubectl get -n darklang cm/myconfig -o yaml > myconfig.yaml',
      "devcontainer's linters",
      'upgrades dynamically',
      'at a coarse level',
      'scale the service to zero',
      'log into gcp psql',
      'the famous pg query',
      'Kill the query',
      'press the pause button',
      'delete part of the header',
      'if false',
      'are we making them too?',
      'Change made by YOURNAME to prevent operational issues, please do not reenable',
      'darklang.com/a/ops-adduser',
      'AppArmor',
      'static.darklang.com or darksa.com',
      "nginx-controller's nginx.conf",
      'scheduling rule (LibDarkInternal)',
      'that solves crons too',
      'LaunchDarkly',
      'add a new LaunchDarkly flag and redeploy',
      'Remove all their sessions',
      'auth0',
      'ops-adduser canvas (accounts.darklang.com)',
      'login.darklang.com',
      'dark-editor canvas (editor.darklang.com)',
    ],
  },
];

// ---------------------------------------------------------------- helpers

function load(file: string): LoadedFile {
  return loadFile(join(DIR, file));
}

function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (typeof value === 'number' || typeof value === 'boolean') out.push(String(value));
  else if (Array.isArray(value)) value.forEach((v) => strings(v, out));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => strings(v, out));
  return out;
}

interface Located {
  step: Step;
  where: string;
}

/** Every step in execution order: detect, triage (stage, then cases), mitigate (stage, then options), communicate, resolve. */
function allSteps(rb: Runbook): Located[] {
  const s = rb.stages;
  const out: Located[] = [];
  const add = (steps: Step[] | undefined, where: string) => (steps ?? []).forEach((step) => out.push({ step, where }));
  add(s.detect.steps, 'detect');
  add(s.triage?.steps, 'triage');
  (s.triage?.cases ?? []).forEach((c) => add(c.steps, `triage.${c.id}`));
  add(s.mitigate?.steps, 'mitigate');
  (s.mitigate?.options ?? []).forEach((o) => add(o.steps, `mitigate.${o.id}`));
  add(s.communicate?.steps, 'communicate');
  add(s.resolve.steps, 'resolve');
  return out;
}

function commandOf(step: Step): string {
  return Array.isArray(step.run) ? step.run.join(' ') : (step.run ?? '');
}

const runbooks = new Map<string, Runbook>();
for (const inc of INCIDENTS) {
  const loaded = load(inc.file);
  if (loaded.diagnostics.length === 0) runbooks.set(inc.id, loaded.value as Runbook);
}
const rb = (id: string): Runbook => {
  const r = runbooks.get(id);
  if (!r) throw new Error(`${id} did not load`);
  return r;
};
const stepById = (id: string, stepId: string): Step => {
  const hit = allSteps(rb(id)).find((l) => l.step.id === stepId);
  if (!hit) throw new Error(`${id}: no step ${stepId}`);
  return hit.step;
};
const option = (id: string, optionId: string): MitigationOption => {
  const hit = rb(id).stages.mitigate?.options.find((o) => o.id === optionId);
  if (!hit) throw new Error(`${id}: no option ${optionId}`);
  return hit;
};

// Commands that change the world, as the lint rule sees them (DESIGN.md invariant 3).
const MUTATING: Array<[string, RegExp]> = [
  ['kubectl write verb', /\bkubectl\b(?:(?!\s--\s).)*\s(delete|scale|patch|apply|edit|drain|cordon|uncordon|create|replace|annotate|label|set|rollout\s+(?:restart|undo))\b/],
  ['admin tool write', /\/app\/bin\/(admin\s+(?:freeze|unfreeze)|replay-webhooks)\b/],
  ['redis-cli write', /\bredis-cli\b.*\s(DEL|UNLINK|FLUSHALL|FLUSHDB|CONFIG\s+SET|CONFIG\s+REWRITE)\b/i],
  ['kafka offset reset', /--reset-offsets[\s\S]*--execute/],
  ['kafka delete records', /\bkafka-delete-records/],
  ['curl write', /\bcurl\b.*(?:-X\s*(?:POST|PUT|PATCH|DELETE)|--request\s+(?:POST|PUT|PATCH|DELETE)|\s-d\s|--data)/],
  ['SQL write', /\b(KILL|STOP\s+REPLICA|START\s+REPLICA|CHANGE\s+(?:MASTER|REPLICATION\s+SOURCE)|SET\s+GLOBAL|UPDATE\s+\w+\s+SET|DELETE\s+FROM|INSERT\s+INTO|DROP\s+(?:TABLE|DATABASE))\b/i],
  ['mongosh write', /\.(?:insert|update|delete|replace)(?:One|Many)?\(|\.drop\(/],
  ['aws write', /\baws\s+\S+\s+(?:modify|delete|create|update)-/],
];
const WRITE_CHECKS = new Set(['k8s.scale', 'k8s.rollout-restart', 'k8s.rollout-undo', 'redis.delete-pattern', 'kafka.reset-offsets']);
const READ_CHECKS = new Set([
  'k8s.pods', 'k8s.rollout-status', 'k8s.logs', 'k8s.events', 'redis.info', 'redis.llen', 'redis.prefixes', 'redis.bigkeys',
  'kafka.lag', 'kafka.cluster', 'kafka.peek', 'kafka.lag-table',
]);
const SHELL_OPERATORS = new Set(['|', '||', '&&', ';', '>', '>>', '<', '2>&1', '&']);
const VIETNAMESE = /[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹàáèéìíòóùúýãõĩũ]/i;

// ---------------------------------------------------------------- tests

describe.each(INCIDENTS)('$id ($file)', (inc) => {
  test('loads with no YAML or schema problem, id matches the file', () => {
    const loaded = load(inc.file);
    expect(loaded.diagnostics).toEqual([]);
    expect((loaded.value as Runbook).id).toBe(inc.id);
    expect(loaded.source.text.split('\n')[0]).toBe('# yaml-language-server: $schema=../schemas/runbook.schema.json');
  });

  test('keeps every distinctive item of the seed', () => {
    const text = strings(rb(inc.id)).join('\n');
    const missing = inc.strings.filter((s) => !text.includes(s));
    expect(missing).toEqual([]);
  });

  test('has alerts with expressions, detect and resolve steps', () => {
    const r = rb(inc.id);
    expect(r.alerts.length).toBeGreaterThanOrEqual(1);
    for (const a of r.alerts) {
      expect(a.alertname).toMatch(/^[A-Z][A-Za-z0-9]+$/);
      expect(a.expr).toBeTruthy();
    }
    expect(r.symptoms?.length ?? 0).toBeGreaterThan(0);
    expect(r.stages.detect.steps?.length ?? 0).toBeGreaterThanOrEqual(1);
    expect(r.stages.resolve.steps?.length ?? 0).toBeGreaterThanOrEqual(1);
  });

  test('has the seed\'s mitigation options/scenarios, each with steps', () => {
    const options = rb(inc.id).stages.mitigate?.options ?? [];
    expect(options.map((o) => o.id)).toEqual(inc.options);
    for (const o of options) expect(o.steps.length).toBeGreaterThan(0);
  });

  test('step ids are unique across stages, cases and options', () => {
    const ids = allSteps(rb(inc.id)).map((l) => l.step.id);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });

  test('every step has exactly one action, and runs/checks declare their effect', () => {
    for (const { step } of allSteps(rb(inc.id))) {
      const actions = ['run', 'check', 'manual', 'message'].filter((k) => (step as unknown as Record<string, unknown>)[k] !== undefined);
      expect({ id: step.id, actions }).toEqual({ id: step.id, actions: [actions[0]] });
      if (step.run !== undefined || step.check !== undefined) expect({ id: step.id, effect: step.effect }).toEqual({ id: step.id, effect: expect.stringMatching(/^(read|write)$/) });
    }
  });

  test('mutating commands and checks are declared write; reads are read', () => {
    for (const { step } of allSteps(rb(inc.id))) {
      const cmd = commandOf(step);
      for (const [what, re] of MUTATING) {
        if (re.test(cmd)) expect({ id: step.id, what, effect: step.effect }).toEqual({ id: step.id, what, effect: 'write' });
      }
      if (step.check && WRITE_CHECKS.has(step.check)) expect({ id: step.id, effect: step.effect }).toEqual({ id: step.id, effect: 'write' });
      if (step.check && READ_CHECKS.has(step.check)) expect({ id: step.id, effect: step.effect }).toEqual({ id: step.id, effect: 'read' });
      if (step.check === 'redis.config') {
        const w = step.with as Record<string, unknown>;
        expect({ id: step.id, effect: step.effect }).toEqual({ id: step.id, effect: w.set !== undefined || w.rewrite !== undefined ? 'write' : 'read' });
      }
      if (step.check === 'http') {
        const method = String((step.with as Record<string, unknown>)?.method ?? 'GET').toUpperCase();
        expect({ id: step.id, effect: step.effect }).toEqual({ id: step.id, effect: ['GET', 'HEAD'].includes(method) ? 'read' : 'write' });
      }
    }
  });

  test('no redis-cli KEYS, no shell operators without shell: true, no $SECRET in commands', () => {
    for (const { step } of allSteps(rb(inc.id))) {
      const cmd = commandOf(step);
      if (!cmd) continue;
      expect({ id: step.id, keys: /\bredis-cli\b.*\sKEYS\s/i.test(cmd) }).toEqual({ id: step.id, keys: false });
      expect({ id: step.id, secret: /\$(MONGO_URI|ADMIN_TOKEN|JWT|REDIS_URL)\b/.test(cmd) }).toEqual({ id: step.id, secret: false });
      if (step.shell) {
        expect(typeof step.run).toBe('string');
        continue;
      }
      const words = splitCommand(cmd);
      const operators = words.filter((w) => SHELL_OPERATORS.has(w) || w.startsWith('$('));
      expect({ id: step.id, operators }).toEqual({ id: step.id, operators: [] });
    }
  });

  test('parameters: anchored patterns that reject shell metacharacters, defaults that match, references that exist', () => {
    const r = rb(inc.id);
    const params = r.params ?? {};
    for (const [name, p] of Object.entries(params)) {
      expect({ name, pattern: p.pattern }).toEqual({ name, pattern: expect.stringMatching(/^\^.*\$$/) });
      const re = new RegExp(p.pattern!);
      for (const bad of ['a b', 'a;b', 'a$b', 'a`b', '-rf']) expect({ name, bad, ok: re.test(bad) }).toEqual({ name, bad, ok: false });
      if (p.default !== undefined) expect({ name, ok: re.test(String(p.default)) }).toEqual({ name, ok: true });
    }
    const used = new Set<string>();
    for (const s of strings(r.stages)) {
      for (const i of findInterpolations(s)) for (const ref of references(i.expression)) if (ref.root === 'params') used.add(ref.path[0]!);
    }
    const visit = (v: unknown, key?: string): void => {
      if (typeof v === 'string' && key && ['when', 'expect', 'condition', 'recommend'].includes(key)) {
        for (const ref of references(v)) if (ref.root === 'params') used.add(ref.path[0]!);
      } else if (Array.isArray(v)) v.forEach((x) => visit(x));
      else if (v && typeof v === 'object') Object.entries(v).forEach(([k, x]) => visit(x, k));
    };
    visit(r.stages);
    expect([...used].filter((u) => !(u in params))).toEqual([]);
  });

  test('expressions parse and reference only earlier steps', () => {
    const r = rb(inc.id);
    const defined = new Set<string>();
    const problems: string[] = [];
    const checkExpr = (expr: string, where: string) => {
      compileExpression(expr);
      for (const ref of references(expr)) {
        if (ref.root === 'steps' && !defined.has(ref.path[0]!)) problems.push(`${where}: steps.${ref.path[0]} is not an earlier step`);
      }
    };
    const checkValue = (v: unknown, where: string, key?: string): void => {
      if (typeof v === 'string') {
        if (key && ['when', 'expect', 'condition', 'recommend'].includes(key)) checkExpr(v, where);
        else for (const i of findInterpolations(v)) checkExpr(i.expression, where);
      } else if (Array.isArray(v)) v.forEach((x) => checkValue(x, where));
      else if (v && typeof v === 'object') Object.entries(v).forEach(([k, x]) => checkValue(x, where, k));
    };
    const steps = (list: Step[] | undefined) =>
      (list ?? []).forEach((step) => {
        checkValue(step, step.id);
        defined.add(step.id);
      });
    steps(r.stages.detect.steps);
    steps(r.stages.triage?.steps);
    (r.stages.triage?.cases ?? []).forEach((c: TriageCase) => {
      if (c.when) checkExpr(c.when, `case ${c.id}`);
      steps(c.steps);
    });
    steps(r.stages.mitigate?.steps);
    (r.stages.mitigate?.options ?? []).forEach((o) => {
      if (o.recommend) checkExpr(o.recommend, `option ${o.id}`);
      if (o.evidence) checkValue(o.evidence, `option ${o.id}`);
      steps(o.steps);
    });
    steps(r.stages.communicate?.steps);
    steps(r.stages.resolve.steps);
    expect(problems).toEqual([]);
  });

  test('customer-facing Vietnamese messages carry an English translation', () => {
    for (const { step } of allSteps(rb(inc.id))) {
      if (step.message && VIETNAMESE.test(step.message.text)) expect({ id: step.id, translation: !!step.message.translation }).toEqual({ id: step.id, translation: true });
    }
  });

  test('commands the seed leaves out are marked as added', () => {
    const r = rb(inc.id);
    for (const o of r.stages.mitigate?.options ?? []) {
      for (const step of o.steps) {
        if (step.added !== undefined) expect(step.added).toMatch(/\S/);
      }
    }
  });
});

describe('incident-specific requirements', () => {
  test('INC-001: native pods/logs/queue checks; options recommend themselves', () => {
    expect(stepById('INC-001', 'pods')).toMatchObject({ check: 'k8s.pods', with: { selector: 'app=${{ params.deployment }}' } });
    expect(stepById('INC-001', 'logs')).toMatchObject({ check: 'k8s.logs', with: { pattern: 'ERROR|FATAL|panic', tail: 200 } });
    expect(stepById('INC-001', 'queue')).toMatchObject({ check: 'redis.llen', with: { key: '${{ params.queue_key }}' } });
    expect(rb('INC-001').params?.queue_key?.default).toBe('dispatch:queue:HCMC');
    expect(rb('INC-001').params?.redis_url).toMatchObject({ env: 'REDIS_URL', secret: true });
    expect(option('INC-001', 'a').recommend).toContain('steps.pods.result.crashLooping > 0');
    expect(option('INC-001', 'a').recommend).toContain('steps.pods.result.notReady > 0');
    expect(option('INC-001', 'b').recommend).toContain('steps.queue.result.length > 100');
    expect(stepById('INC-001', 'restart')).toMatchObject({ check: 'k8s.rollout-restart', effect: 'write', with: { kind: 'deployment' } });
    expect(stepById('INC-001', 'scale')).toMatchObject({ check: 'k8s.scale', effect: 'write' });
    expect(stepById('INC-001', 'scale').with).toHaveProperty('maxReplicas');
    expect(rb('INC-001').params?.replicas?.default).toBe(5);
    expect(option('INC-001', 'd').steps.every((s) => s.run === undefined && s.check === undefined)).toBe(true);
    expect(stepById('INC-001', 'draining').until?.condition).toBe('result.length == 0');
    expect(stepById('INC-001', 'health').until?.condition).toBe('result.status == 200');
  });

  test('INC-002: option C is the last resort; the replay is a shell write with a secret token param', () => {
    expect(option('INC-002', 'c').lastResort).toBe(true);
    expect(stepById('INC-002', 'replay')).toMatchObject({ shell: true, effect: 'write' });
    expect(rb('INC-002').params?.admin_token).toMatchObject({ env: 'ADMIN_TOKEN', secret: true });
    expect(rb('INC-002').params?.mongo_uri).toMatchObject({ env: 'MONGO_URI', secret: true });
    expect(stepById('INC-002', 'webhooktest')).toMatchObject({ check: 'http', effect: 'write', with: { method: 'POST' } });
  });

  test('INC-003: replica re-init is the last resort and its writes are high-risk', () => {
    expect(option('INC-003', 'c').lastResort).toBe(true);
    for (const id of ['stopreplica', 'changemaster']) expect(stepById('INC-003', id)).toMatchObject({ effect: 'write', highRisk: true });
    expect(stepById('INC-003', 'startreplica').effect).toBe('write');
    expect(stepById('INC-003', 'killquery').effect).toBe('write');
    expect(stepById('INC-003', 'readprimary').added).toMatch(/seed gives .*no command/);
    expect(option('INC-003', 'b').warnings?.join(' ')).toContain('data inconsistency risk');
  });

  test('INC-004: info/prefixes/bigkeys; option A deletes by pattern, protecting session: and lock:', () => {
    expect(stepById('INC-004', 'memory').check).toBe('redis.info');
    expect(stepById('INC-004', 'prefixes').check).toBe('redis.prefixes');
    expect(stepById('INC-004', 'bigkeys').check).toBe('redis.bigkeys');
    const flush = stepById('INC-004', 'flush');
    expect(flush).toMatchObject({ check: 'redis.delete-pattern', effect: 'write', highRisk: true, with: { pattern: '${{ params.pattern }}' } });
    expect((flush.with as { protect: string[] }).protect).toEqual(expect.arrayContaining(['session:', 'lock:']));
    const pattern = rb('INC-004').params!.pattern!;
    expect(pattern.default).toBe('cache:wms:stock:*');
    const re = new RegExp(pattern.pattern!);
    for (const bad of ['session:*', 'lock:*', '*', 'dispatch:invitations:*']) expect({ bad, ok: re.test(bad) }).toEqual({ bad, ok: false });
    const recommend = option('INC-004', 'a').recommend!;
    expect(recommend).toContain('steps.prefixes.result.top.startsWith("cache:")');
    expect(recommend).toContain('steps.memory.result.usedMemoryPercent > 90');
    expect(option('INC-004', 'a').warnings?.join(' ')).toMatch(/NEVER flush session\/lock/);
    expect(option('INC-004', 'c').steps.some((s) => s.added)).toBe(true);
    expect(option('INC-004', 'b').steps.some((s) => s.added)).toBe(true);
    expect(stepById('INC-004', 'memoryok').until?.condition).toBe('result.usedMemoryPercent < 70');
  });

  test('INC-005: half-open is a POST write; read-path-only warning on cached data', () => {
    expect(stepById('INC-005', 'halfopen')).toMatchObject({ check: 'http', effect: 'write', with: { method: 'POST' } });
    expect(stepById('INC-005', 'breaker')).toMatchObject({ check: 'http', effect: 'read' });
    expect(option('INC-005', 'c').warnings).toContain('NOT acceptable for write paths (payment, stock).');
    expect(option('INC-005', 'b').steps[0]!.manual).toContain('INTEGRATION_BYPASS_CIRCUIT = true');
  });

  test('INC-006: kafka.cluster plus the seed\'s kubectl commands; scenarios recommend from broker counts', () => {
    expect(stepById('INC-006', 'cluster').check).toBe('kafka.cluster');
    for (const id of ['brokerpods', 'brokerlogs', 'apiversions', 'underreplicated']) {
      expect(stepById('INC-006', id)).toMatchObject({ effect: 'read', run: expect.stringContaining('kubectl') });
    }
    expect(option('INC-006', 'scenario-1').recommend).toContain('missingBrokers == 1');
    expect(option('INC-006', 'scenario-2').recommend).toContain('missingBrokers >= 2');
    expect(option('INC-006', 'scenario-3').recommend).toContain('brokers == 0');
    expect(stepById('INC-006', 'restart')).toMatchObject({ check: 'k8s.rollout-restart', with: { kind: 'statefulset' } });
    expect(stepById('INC-006', 'scalereplacement')).toMatchObject({ check: 'k8s.scale', with: { kind: 'statefulset' } });
    expect(rb('INC-006').params?.brokers?.env).toBe('KAFKA_BROKERS');
  });

  test('INC-007: lag checks, hot-partition and scale recommendations, high-risk offset reset', () => {
    expect(stepById('INC-007', 'lag').check).toBe('kafka.lag');
    expect(stepById('INC-007', 'lagtable')).toMatchObject({ check: 'kafka.lag-table', with: { pod: '${{ params.kafka_pod }}' } });
    expect(stepById('INC-007', 'dlq')).toMatchObject({ check: 'kafka.peek', with: { topic: '${{ params.dlq_topic }}', from: 'oldest', max: 10 } });
    expect(rb('INC-007').params?.dlq_topic?.default).toBe('orders.events.dlq');
    expect(rb('INC-007').params?.group).toMatchObject({ fromLabel: 'group', default: 'dispatch-engine' });
    expect(option('INC-007', 'scenario-2').recommend).toBe('steps.lag.result.maxPartitionShare > 0.5');
    expect(option('INC-007', 'scenario-4').recommend).toContain('steps.dlq.result.count > 0');
    expect(stepById('INC-007', 'resetoffset')).toMatchObject({ check: 'kafka.reset-offsets', effect: 'write', highRisk: true });
    for (const id of ['scale', 'scalehot']) {
      expect(stepById('INC-007', id)).toMatchObject({ check: 'k8s.scale', effect: 'write' });
      expect(stepById('INC-007', id).with).toHaveProperty('maxReplicas');
    }
    expect(stepById('INC-007', 'lagdown').until).toEqual({ condition: 'result.totalLag < 1000', every: '30s', timeout: '15m' });
    expect(option('INC-007', 'scenario-3').warnings?.join(' ')).toContain('12 partitions → max 12 consumers per group');
  });

  test('INC-008: connector restarts are POST writes; the offset reset (DELETE .../offsets) is high-risk with the duplicates warning', () => {
    expect(stepById('INC-008', 'restartconnector')).toMatchObject({ check: 'http', effect: 'write', with: { method: 'POST' } });
    expect(stepById('INC-008', 'stop')).toMatchObject({ effect: 'write', with: { method: 'PUT' } });
    const del = stepById('INC-008', 'deleteoffsets');
    expect(del).toMatchObject({ check: 'http', effect: 'write', highRisk: true, with: { method: 'DELETE' } });
    expect(del.warnings?.join(' ')).toContain('Consumers must be idempotent');
  });

  test('INC-009: index deletions are high-risk writes; the seed-less commands are marked added', () => {
    for (const id of ['deleteold', 'deleteindices', 'dropold']) {
      expect(stepById('INC-009', id)).toMatchObject({ check: 'http', effect: 'write', highRisk: true, with: { method: 'DELETE' } });
    }
    expect(stepById('INC-009', 'restartsink').added).toBeTruthy();
    expect(stepById('INC-009', 'deleteold').added).toBeTruthy();
    expect(stepById('INC-009', 'sinklag')).toMatchObject({ check: 'kafka.lag-table', with: { group: '${{ params.sink_group }}' } });
  });

  test('INC-010: replay-webhooks is a shell write; SQL checks are reads', () => {
    expect(stepById('INC-010', 'replay')).toMatchObject({ shell: true, effect: 'write' });
    for (const id of ['adjustments', 'rates', 'adjcount', 'ratesage']) expect(stepById('INC-010', id).effect).toBe('read');
  });

  test('INC-011: wallet freeze is a high-risk write on the partner; reporting obligations are kept', () => {
    expect(stepById('INC-011', 'freeze')).toMatchObject({ effect: 'write', highRisk: true, confirm: '${{ params.partner_id }}' });
    expect(rb('INC-011').params?.jwt).toMatchObject({ secret: true, env: 'JWT' });
    expect(rb('INC-011').notes?.join(' ')).toMatch(/within 24h.*SBV.*300M VND/);
    expect(stepById('INC-011', 'report-sbv').manual).toContain('300M VND');
  });

  test('INC-012: pods in three contexts, MirrorMaker restart in smp-asia, compliance notes', () => {
    const p = rb('INC-012').params!;
    expect([p.asia_context?.default, p.china_context?.default, p.us_context?.default]).toEqual(['smp-asia', 'smp-china', 'smp-us']);
    expect(stepById('INC-012', 'asia')).toMatchObject({ check: 'k8s.pods', with: { context: '${{ params.asia_context }}' } });
    expect(stepById('INC-012', 'china')).toMatchObject({ check: 'k8s.pods', with: { context: '${{ params.china_context }}' } });
    expect(stepById('INC-012', 'us')).toMatchObject({ check: 'k8s.pods', with: { context: '${{ params.us_context }}' } });
    expect(stepById('INC-012', 'restartmm')).toMatchObject({
      check: 'k8s.rollout-restart',
      effect: 'write',
      with: { context: '${{ params.asia_context }}', kind: 'deployment', name: '${{ params.mirrormaker }}' },
    });
    expect(stepById('INC-012', 'scaleworkers').added).toBeTruthy();
    expect(rb('INC-012').notes?.join(' ')).toContain('NEVER replicates PII outside CN');
  });
});

describe('TAL-001 and DRK-001', () => {
  test('TAL-001: the alert title fills alert, environment and scope; reads drive the recommendations; no SMP escalation', () => {
    const p = rb('TAL-001').params!;
    expect([p.alert?.fromLabel, p.environment?.fromLabel, p.scope?.fromLabel]).toEqual(['alertname', 'environment', 'scope']);
    expect(rb('TAL-001').alerts.map((a) => a.alertname)).toEqual(['SmartGate5XXResponse', 'MSKCPUUtilization', 'SmartGateTopicsPostError', 'SmartGateHighLatencyBuckets']);
    for (const id of ['signal', 'topics', 'errors', 'vault']) expect(stepById('TAL-001', id)).toMatchObject({ check: 'http', effect: 'read', with: { method: 'GET' } });
    expect(option('TAL-001', 'acknowledge').recommend).toContain('params.few_errors');
    expect(option('TAL-001', 'grow-msk').recommend).toContain('params.cpu_concern');
    expect(stepById('TAL-001', 'msk-resize')).toMatchObject({ effect: 'write', highRisk: true });
    expect(rb('TAL-001').escalation).toEqual([]);
  });

  test('DRK-001: #status first and every 30 minutes, what changed decides the rollback, posts go to Discord from secret params', () => {
    const r = rb('DRK-001');
    expect(r.reminders?.statusUpdateEvery).toBe('30m');
    expect(r.escalation).toEqual([]);
    expect(r.stages.detect.steps![0]).toMatchObject({ id: 'statusfirst', message: { post: { type: 'webhook', url: '${{ params.status_webhook }}' } } });
    for (const id of ['statusfirst', 'operationslog', 'statusupdate', 'statusresolved']) expect(stepById('DRK-001', id).message?.post?.body).toHaveProperty('content');
    expect(r.params?.status_webhook).toMatchObject({ env: 'DISCORD_STATUS_WEBHOOK_URL', secret: true });
    expect(option('DRK-001', 'rollback-deploy').recommend).toContain('steps.changes.result.json');
    expect(option('DRK-001', 'rollback-config').recommend).toContain('"ConfigMap/"');
    expect(stepById('DRK-001', 'undo')).toMatchObject({ check: 'k8s.rollout-undo', effect: 'write' });
    expect(stepById('DRK-001', 'cancel')).toMatchObject({ effect: 'write', run: expect.stringContaining('pg_cancel_backend(${{ int(') });
  });
});

describe('process.yaml', () => {
  const loaded = load('process.yaml');
  const proc = loaded.value as Process;

  test('loads as kind: process with no problem', () => {
    expect(loaded.diagnostics).toEqual([]);
    expect(loaded.kind).toBe('process');
    expect(loaded.source.text.split('\n')[0]).toBe('# yaml-language-server: $schema=../schemas/process.schema.json');
  });

  test('has the escalation matrix (15m, 30m, 1h, 2h)', () => {
    const byAfter = Object.fromEntries(proc.escalation.map((e) => [e.after, e.action]));
    expect(byAfter['15m']).toMatch(/secondary on-call/i);
    expect(byAfter['30m']).toMatch(/Tech Lead/);
    expect(byAfter['1h']).toMatch(/CTO.*escalate/);
    expect(byAfter['2h']).toMatch(/All-hands war room/i);
  });

  test('has the severity table, roles, reminders, post-mortem, rotation and tools', () => {
    expect(proc.severities.map((s) => s.level)).toEqual(['SEV-1', 'SEV-2', 'SEV-3', 'SEV-4']);
    expect(proc.severities[0]).toEqual({ level: 'SEV-1', definition: 'Total outage, data loss', response: 'War room, all hands, status page red' });
    expect(proc.reminders?.statusUpdateEvery).toBe('30m');
    expect(proc.roles?.join(' ')).toMatch(/Incident Commander.*Communications Lead.*Tech Lead.*Scribe/);
    expect(proc.postmortem?.within).toBe('48h');
    expect(proc.postmortem?.sections).toEqual(['Summary', 'Timeline', 'Root cause', 'Impact', 'What went well', 'What went wrong', 'Action items']);
    const text = strings(proc).join('\n');
    for (const s of ['within 5 min', '#incident-YYYY-MM-DD-<short>', 'Mitigate first, fix later', 'No new errors for 30 min', 'Blameless', 'Handoff Monday 10am', 'smp.pagerduty.com', 'kubectl --context=prod', 'status.smp.vn']) {
      expect({ s, found: text.includes(s) }).toEqual({ s, found: true });
    }
    expect(proc.tools?.map((t) => t.tool)).toEqual(['PagerDuty', 'Grafana', 'Loki (logs)', 'Jaeger', 'ArgoCD', 'K8s prod', 'Status page']);
  });
});

test('the runbooks directory holds exactly the runbooks above and process.yaml', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml')).sort();
  expect(files).toEqual([...INCIDENTS.map((i) => i.file), 'process.yaml'].sort());
});
