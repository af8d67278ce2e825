// The runbook as the engine sees it. schemas/runbook.schema.json is the
// authority on shape; these types mirror it for the code.

export type Severity = 'SEV-1' | 'SEV-2' | 'SEV-3' | 'SEV-4';
export type StageName = 'detect' | 'triage' | 'mitigate' | 'communicate' | 'resolve';
export const STAGE_ORDER: readonly StageName[] = ['detect', 'triage', 'mitigate', 'communicate', 'resolve'];

export interface Alert {
  alertname: string;
  expr?: string;
  for?: string;
  /** Label matchers the alert carries, e.g. { group: dispatch-engine }. */
  labels?: Record<string, string>;
  description?: string;
}

export interface Param {
  description?: string;
  default?: string | number | boolean;
  /** Regular expression every value must match (anchored by the author). */
  pattern?: string;
  /** Environment variable that supplies the value when --set does not. */
  env?: string;
  /** Alert label that supplies the value when a run starts from an alert. */
  fromLabel?: string;
  secret?: boolean;
  required?: boolean;
}

export interface Until {
  condition: string;
  every: string;
  timeout: string;
}

export interface Message {
  channel: string;
  text: string;
  /** Customer-facing strings may stay in the seed's language with a translation. */
  translation?: string;
  /** Really send it (an external effect: approved like a write). Without it, the text is shown only. */
  post?: MessagePost;
}

export interface MessagePost {
  /** slack: an incoming webhook, body {"text"}; webhook: any JSON endpoint (Mattermost, Discord, Google Chat, Teams, Statuspage). */
  type: 'slack' | 'webhook';
  /** The URL, usually `${{ params.x }}` of a secret parameter. */
  url?: string;
  /** Environment variable holding the URL (used when `url` is absent or empty); its value is secret. */
  urlEnv?: string;
  /** webhook only; default POST. */
  method?: 'POST' | 'PUT' | 'PATCH';
  /** webhook only; values may interpolate secret parameters. */
  headers?: Record<string, string>;
  /** webhook only: the JSON body, interpolated; default {"channel", "text"}. */
  body?: Record<string, unknown>;
}

export interface Step {
  id: string;
  title?: string;
  effect?: 'read' | 'write';
  /** Typed confirmation (the operator types `confirm`, default the target) instead of "y". */
  highRisk?: boolean;
  confirm?: string;
  timeout?: string;
  retries?: number;
  when?: string;
  expect?: string;
  until?: Until;
  // Exactly one action:
  run?: string | string[];
  shell?: boolean;
  parse?: 'text' | 'json' | 'lines';
  check?: string;
  with?: Record<string, unknown>;
  manual?: string;
  message?: Message;
  /** The seed left this command out; the standard command was added. */
  added?: string;
  notes?: string[];
  warnings?: string[];
}

export interface TriageCase {
  id: string;
  title: string;
  /** Evidence condition evaluated on detect/triage results. */
  when?: string;
  notes?: string[];
  steps?: Step[];
}

export interface MitigationOption {
  id: string;
  title: string;
  /** CEL condition on triage results; true → recommended. */
  recommend?: string;
  evidence?: string;
  lastResort?: boolean;
  warnings?: string[];
  notes?: string[];
  steps: Step[];
}

export interface Stage {
  timebox?: string;
  notes?: string[];
  steps?: Step[];
}

export interface TriageStage extends Stage {
  cases?: TriageCase[];
}

export interface MitigateStage extends Stage {
  choose?: string;
  options: MitigationOption[];
}

export interface Escalation {
  after: string;
  action: string;
}

export interface Runbook {
  id: string;
  title: string;
  severity: Severity;
  owner?: string;
  summary?: string;
  version?: string;
  trigger?: string;
  symptoms?: string[];
  alerts: Alert[];
  params?: Record<string, Param>;
  stages: {
    detect: Stage;
    triage?: TriageStage;
    mitigate?: MitigateStage;
    communicate?: Stage;
    resolve: Stage;
  };
  prevention?: string[];
  postmortem?: { required?: string; within?: string; sections?: string[]; notes?: string[] };
  escalation?: Escalation[];
  reminders?: { statusUpdateEvery?: string };
  notes?: string[];
  related?: string[];
}

/** The general incident process shared by every runbook (runbooks/process.yaml). */
export interface Process {
  kind: 'process';
  severities: Array<{ level: Severity; definition: string; response: string }>;
  escalation: Escalation[];
  reminders?: { statusUpdateEvery?: string };
  steps?: Array<{ title: string; items: string[] }>;
  roles?: string[];
  postmortem?: { within?: string; sections?: string[]; notes?: string[] };
  rotation?: string[];
  tools?: Array<{ tool: string; url: string; login: string }>;
}
