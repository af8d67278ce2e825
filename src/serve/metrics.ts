// The receiver's Prometheus metrics, written in the text exposition format by
// hand: five series and one histogram do not need a client library.

const BUCKETS_S = [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

export class ServeMetrics {
  received = 0;
  triaged = 0;
  deduplicated = 0;
  failed = 0;
  rejected = 0;
  unmatched = 0;
  private readonly bucketCounts = BUCKETS_S.map(() => 0);
  private durationSum = 0;
  private durationCount = 0;

  constructor(
    private readonly queueDepth: () => number,
    private readonly running: () => number,
    /** Claims the shared store could not answer (decided by this replica alone). */
    private readonly claimErrors: () => number = () => 0,
  ) {}

  observeTriage(seconds: number): void {
    BUCKETS_S.forEach((le, i) => {
      if (seconds <= le) this.bucketCounts[i]!++;
    });
    this.durationSum += seconds;
    this.durationCount++;
  }

  text(): string {
    const lines: string[] = [];
    const counter = (name: string, help: string, value: number): void => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`, `${name} ${value}`);
    };
    const gauge = (name: string, help: string, value: number): void => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`, `${name} ${value}`);
    };
    counter('oncall_serve_alerts_received_total', 'Firing alerts received.', this.received);
    counter('oncall_serve_alerts_triaged_total', 'Alerts whose triage finished.', this.triaged);
    counter('oncall_serve_alerts_deduplicated_total', 'Alerts skipped: a triage of the same fingerprint was running or recent.', this.deduplicated);
    counter('oncall_serve_alerts_failed_total', 'Alerts whose triage could not run or failed.', this.failed);
    counter('oncall_serve_alerts_unmatched_total', 'Firing alerts no runbook matches.', this.unmatched);
    counter('oncall_serve_requests_rejected_total', 'Requests answered 503 because the queue was full.', this.rejected);
    counter('oncall_serve_claim_errors_total', 'Claims Redis could not answer; this replica decided them alone.', this.claimErrors());
    gauge('oncall_serve_queue_depth', 'Triages waiting for a worker.', this.queueDepth());
    gauge('oncall_serve_triages_running', 'Triages running now.', this.running());
    const h = 'oncall_serve_triage_duration_seconds';
    lines.push(`# HELP ${h} Time one triage took.`, `# TYPE ${h} histogram`);
    BUCKETS_S.forEach((le, i) => lines.push(`${h}_bucket{le="${le}"} ${this.bucketCounts[i]}`));
    lines.push(`${h}_bucket{le="+Inf"} ${this.durationCount}`, `${h}_sum ${this.durationSum}`, `${h}_count ${this.durationCount}`);
    return `${lines.join('\n')}\n`;
  }
}
