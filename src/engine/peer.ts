// Which peer a failed step needed, read from its one-line error: Kafka
// brokers, a kubernetes cluster (or no kubeconfig at all), a Redis, an HTTP
// endpoint. A rehearsal on a laptop with no peers then names each one once,
// with what to set, instead of one failure per step that needed it.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { Param, Step } from '../runbook/types.js';
import type { PeerRef } from './events.js';

type Env = Record<string, string | undefined>;

/** "refused the connection (ECONNREFUSED)" → "connection refused": the cause in a few words. */
function causeOf(rest: string): string {
  const r = rest.trim();
  if (/refused/i.test(r)) return 'connection refused';
  if (/host not found|could not be resolved/i.test(r)) return 'host not found';
  const answer = /did not (?:answer|accept the connection)(?: a command)? within (\S+)/i.exec(r);
  if (answer) return `no answer within ${answer[1]}`;
  if (/closed the connection/i.test(r)) return 'connection closed';
  const code = /unreachable \(([^)]+)\)/i.exec(r);
  return code ? `unreachable (${code[1]})` : r.replace(/^[:\s]+/, '');
}

/** What kubectl and the client would read; missing when none of it exists. */
function missingKubeconfig(env: Env): string | undefined {
  const paths = env.KUBECONFIG ? env.KUBECONFIG.split(delimiter).filter(Boolean) : [join(env.HOME || homedir(), '.kube', 'config')];
  if (paths.some((p) => existsSync(p))) return undefined;
  return `${env.KUBECONFIG ? `KUBECONFIG=${env.KUBECONFIG}` : (paths[0] ?? '~/.kube/config')} does not exist`;
}

/** "set KAFKA_BROKERS or --set brokers=…" for the parameter the step's `with.<key>` is made of. */
function paramHint(step: Step, key: string, params: Record<string, Param> | undefined): string | undefined {
  const template = step.with?.[key];
  const name = typeof template === 'string' ? /\bparams\.([A-Za-z_][\w-]*)/.exec(template)?.[1] : undefined;
  if (!name) return undefined;
  const env = params?.[name]?.env;
  return `${env ? `set ${env} or ` : ''}--set ${name}=…`;
}

function kubeHint(step: Step, params: Record<string, Param> | undefined): string {
  const context = paramHint(step, 'context', params);
  return `set KUBECONFIG${context ? ` or ${context.replace(/^set \S+ or /, '')}` : ''}`;
}

/** The peer named in a failure's summary (or a plan's error), if the failure is that peer not answering. */
export function peerOf(step: Step, text: string, params: Record<string, Param> | undefined, env: Env): PeerRef | undefined {
  // Kubernetes failures of one step share a peer per kube context the step names.
  const kube = (name: string, cause: string): PeerRef => ({
    kind: 'kubernetes',
    key: `kubernetes:${typeof step.with?.context === 'string' ? step.with.context : ''}`,
    name,
    cause,
    hint: kubeHint(step, params),
  });
  let m = /no kubeconfig found \(([^)]*)\)/.exec(text);
  if (m) return kube('kubeconfig', m[1]!);
  m = /kubernetes API at (\S+ \(context [^)]+\)) (refused|closed|could not|is unreachable|did not)(.*)$/.exec(text);
  if (m) return kube(`kubernetes API at ${m[1]}`, causeOf(`${m[2]}${m[3]}`));
  m = /[Tt]he connection to the server (\S+) was refused|[Uu]nable to connect to the server: (.*)$/.exec(text);
  if (m) {
    // kubectl with no kubeconfig falls back to localhost:8080: the missing file is the news.
    const missing = missingKubeconfig(env);
    if (missing) return kube('kubeconfig', missing);
    return kube(`kubernetes API at ${m[1] ?? 'the configured server'}`, m[1] ? 'connection refused' : causeOf(m[2]!));
  }
  m = /none of the \d+ kafka bootstrap brokers answered: (.*)$/.exec(text);
  if (m) {
    const each = m[1]!.split('; ');
    const brokers = each.map((b) => b.split(' ')[0]!.replace(/:$/, '')).join(',');
    return { kind: 'kafka', key: `kafka:${brokers}`, name: `Kafka at ${brokers}`, cause: causeOf(each[0]!.slice(each[0]!.indexOf(' '))), ...hint(paramHint(step, 'brokers', params)) };
  }
  m = /kafka brokers (\S+?):? ((?:refused|are unreachable|did not|host not found).*)$/.exec(text);
  if (m) return { kind: 'kafka', key: `kafka:${m[1]}`, name: `Kafka at ${m[1]}`, cause: causeOf(m[2]!), ...hint(paramHint(step, 'brokers', params)) };
  m = /redis at (\S+?):? ((?:refused|is not reachable|did not|closed|does not speak|host not found).*)$/.exec(text);
  if (m) return { kind: 'redis', key: `redis:${m[1]}`, name: `Redis at ${m[1]}`, cause: causeOf(m[2]!), ...hint(paramHint(step, 'url', params)) };
  m = /\b(?:GET|HEAD|POST|PUT|PATCH|DELETE) (\S+?):? ((?:refused|host not found|did not answer|is unreachable).*)$/.exec(text);
  if (m) {
    let origin = m[1]!;
    try {
      origin = new URL(origin).origin;
    } catch {
      /* shown as written */
    }
    return { kind: 'http', key: `http:${origin}`, name: `answer from ${origin}`, cause: causeOf(m[2]!), ...hint(paramHint(step, 'url', params)) };
  }
  return undefined;
}

function hint(h: string | undefined): { hint?: string } {
  return h ? { hint: h } : {};
}

/** The line a rehearsal prints once per peer: "no Kafka at localhost:9092 (connection refused): set KAFKA_BROKERS or --set brokers=…". */
export function peerHeadline(p: PeerRef): string {
  return `no ${p.name} (${p.cause})${p.hint ? `: ${p.hint}` : ''}`;
}

/** The peer in the final line: "Kafka at localhost:9092 (4 steps)", "kubernetes (no kubeconfig, 6 steps)". */
export function peerTally(p: PeerRef, steps: number): string {
  const n = `${steps} step${steps === 1 ? '' : 's'}`;
  return p.name === 'kubeconfig' ? `kubernetes (no kubeconfig, ${n})` : `${p.name} (${n})`;
}
