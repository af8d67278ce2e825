// `oncall lint DIR` over 1,000 generated runbooks (target ≤ 1.5 s, medians).
// The runbooks are realistic in size and shape (~200 lines: params, all five
// stages, run/check/manual/message steps, conditions and interpolations) and
// lint clean, so every rule does its full work. Prints one JSON object.
// Usage: node bench/lint-many.mjs [--count N] [--runs N]   (after npm run build)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const COUNT = opt('--count', 1000);
const RUNS = opt('--runs', 5);

function runbook(n) {
  const id = `INC-${String(n).padStart(4, '0')}`;
  const svc = `service-${n % 37}`;
  const mitigations = [0, 1, 2]
    .map(
      (k) => `      - id: option-${k}
        title: Mitigation ${k} for ${svc}
        recommend: steps.pods.result.exitCode == 0 && size(steps["error-rate"].result.lines) > ${k * 10}
        evidence: "\${{ size(steps['error-rate'].result.lines) }} error lines in the last 5 minutes"
        warnings:
          - Check the dashboard before and after this step
        steps:
          - id: scale-${k}
            title: Scale ${svc}
            run: kubectl -n \${{ params.namespace }} scale deployment/${svc} --replicas=\${{ params.replicas }}
            effect: write
            timeout: 2m
          - id: restart-${k}
            run: kubectl -n \${{ params.namespace }} rollout restart deployment/${svc}
            effect: write
            when: steps["scale-${k}"].status == "ok"
          - id: verify-${k}
            run: kubectl -n \${{ params.namespace }} rollout status deployment/${svc} --timeout=120s
            effect: read
            expect: result.exitCode == 0`,
    )
    .join('\n');
  return `# yaml-language-server: $schema=../schemas/runbook.schema.json
id: ${id}
title: ${svc} is degraded (${n})
severity: SEV-${1 + (n % 4)}
owner: team-${n % 7}
version: v1.${n % 10}
trigger: rate(http_requests_total{service="${svc}",code=~"5.."}[5m]) > 0.05
summary: >-
  ${svc} answers with errors or slowly. This runbook was generated for the
  lint benchmark and exercises every rule.
symptoms:
  - 5xx rate above 5%
  - p99 latency above 2s
alerts:
  - alertname: ServiceErrorRateHigh
    expr: rate(http_requests_total{service="${svc}",code=~"5.."}[5m]) > 0.05
    for: 5m
    labels: { service: ${svc} }
params:
  namespace: { default: smp-prod, pattern: "[a-z0-9-]{1,63}", description: Kubernetes namespace }
  replicas: { default: 6, pattern: "[0-9]{1,2}" }
  redis_url: { env: REDIS_URL, default: "redis://127.0.0.1:6379", pattern: "rediss?://[A-Za-z0-9._:@/-]+", secret: true }
  brokers: { env: KAFKA_BROKERS, default: "localhost:9092", pattern: "[A-Za-z0-9.:,_-]+" }
stages:
  detect:
    timebox: 5m
    notes: [Confirm the alert is real before acting]
    steps:
      - id: pods
        title: Pods of ${svc}
        run: kubectl -n \${{ params.namespace }} get pods -l app=${svc} -o wide
        effect: read
        expect: result.exitCode == 0
      - id: error-rate
        title: Recent errors
        run: kubectl -n \${{ params.namespace }} logs deployment/${svc} --since=5m --tail=500
        effect: read
        parse: lines
      - id: redis-memory
        check: redis.info
        effect: read
        with: { url: "\${{ params.redis_url }}" }
  triage:
    timebox: 10m
    steps:
      - id: events
        run: kubectl -n \${{ params.namespace }} get events --field-selector involvedObject.name=${svc}
        effect: read
      - id: lag
        check: kafka.lag
        effect: read
        with: { brokers: "\${{ params.brokers }}", group: ${svc} }
        when: steps.pods.status == "ok"
    cases:
      - id: crashloop
        title: Pods crash-loop
        when: steps.pods.result.stdout.contains("CrashLoopBackOff")
        notes: [Look at the previous container's logs]
      - id: overload
        title: Too much traffic
        when: size(steps["error-rate"].result.lines) > 100
  mitigate:
    timebox: 15m
    choose: Which scenario is this?
    options:
${mitigations}
  communicate:
    steps:
      - id: status-update
        message:
          channel: "#prod-alerts"
          text: "${svc} is degraded; mitigating (\${{ clock.elapsedMinutes }} min in, \${{ size(steps['error-rate'].result.lines) }} errors)"
  resolve:
    steps:
      - id: healthy
        run: kubectl -n \${{ params.namespace }} rollout status deployment/${svc} --timeout=60s
        effect: read
        until: { condition: result.exitCode == 0, every: 30s, timeout: 10m }
      - id: confirm
        manual: Confirm the error rate is back under 1% on the ${svc} dashboard
prevention:
  - Alert on saturation before errors
postmortem: { required: within 48h if customer impact, within: 48h }
`;
}

const dir = mkdtempSync(join(tmpdir(), 'oncall-lint-many-'));
try {
  let bytes = 0;
  for (let n = 1; n <= COUNT; n++) {
    const text = runbook(n);
    bytes += text.length;
    writeFileSync(join(dir, `INC-${String(n).padStart(4, '0')}-generated.yaml`), text);
  }
  const run = () => {
    const t = process.hrtime.bigint();
    const r = spawnSync(process.execPath, ['bin/oncall.js', 'lint', '--format', 'json', dir], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    return { ms: Number(process.hrtime.bigint() - t) / 1e6, status: r.status, problems: r.status === 2 ? null : JSON.parse(r.stdout || '[]').length, stderr: r.stderr };
  };
  run(); // warm the file cache
  const samples = [];
  let last;
  for (let i = 0; i < RUNS; i++) {
    last = run();
    samples.push(last.ms);
  }
  samples.sort((a, b) => a - b);
  const median = samples.length % 2 ? samples[samples.length >> 1] : (samples[samples.length / 2 - 1] + samples[samples.length / 2]) / 2;
  console.log(
    JSON.stringify(
      {
        runbooks: COUNT,
        totalKiB: Math.round(bytes / 1024),
        runs: RUNS,
        medianMs: Math.round(median),
        minMs: Math.round(samples[0]),
        targetMs: 1500,
        pass: median <= 1500,
        exitCode: last.status,
        problems: last.problems,
        ...(last.stderr ? { stderr: last.stderr.trim() } : {}),
      },
      null,
      2,
    ),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
