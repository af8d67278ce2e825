// "What will this touch?" for the approval prompt, derived from the command
// the way each tool would resolve it: kube context and namespace (flags, else
// the kubeconfig's current context), Redis URL (password masked), Kafka
// bootstrap servers and group, the URL and method of an HTTP call.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, delimiter, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { splitCommand } from '../runbook/argv.js';

type Env = Record<string, string | undefined>;

function flag(argv: string[], names: string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    for (const n of names) {
      if (a === n && i + 1 < argv.length) return argv[i + 1];
      if (n.startsWith('--') && a.startsWith(`${n}=`)) return a.slice(n.length + 1);
    }
  }
  return undefined;
}

export function maskUrl(url: string): string {
  return url.replace(/(\/\/[^:@/\s]*:)[^@/\s]+@/, '$1***@');
}

interface KubeContext {
  context?: string;
  namespace?: string;
  server?: string;
}

/** The kubeconfig's view: the context kubectl would use, its namespace and server. */
export function kubeContext(env: Env, contextName?: string): KubeContext {
  const files = (env.KUBECONFIG ? env.KUBECONFIG.split(delimiter) : [join(env.HOME || homedir(), '.kube', 'config')]).filter(
    (f) => f && existsSync(f),
  );
  for (const file of files) {
    try {
      const cfg = parseYaml(readFileSync(file, 'utf8')) as {
        'current-context'?: string;
        contexts?: Array<{ name: string; context?: { cluster?: string; namespace?: string } }>;
        clusters?: Array<{ name: string; cluster?: { server?: string } }>;
      };
      const name = contextName ?? cfg?.['current-context'];
      if (!name) continue;
      const ctx = cfg.contexts?.find((c) => c.name === name)?.context;
      const server = cfg.clusters?.find((c) => c.name === ctx?.cluster)?.cluster?.server;
      return { context: name, namespace: ctx?.namespace, server };
    } catch {
      /* an unreadable kubeconfig: kubectl will say so itself */
    }
  }
  return { context: contextName };
}

function kubeTarget(argv: string[], env: Env): string {
  const explicitNs = flag(argv, ['-n', '--namespace']);
  const allNs = argv.includes('-A') || argv.includes('--all-namespaces');
  const ctx = kubeContext(env, flag(argv, ['--context']));
  const ns = allNs ? 'all namespaces' : `namespace ${explicitNs ?? ctx.namespace ?? 'default'}`;
  return `kube context ${ctx.context ?? '(none)'}${ctx.server ? ` (${ctx.server})` : ''}, ${ns}`;
}

function redisTarget(argv: string[], env: Env): string {
  const url = flag(argv, ['-u']);
  if (url) return `redis ${maskUrl(url)}`;
  const host = flag(argv, ['-h']);
  const port = flag(argv, ['-p']);
  const db = flag(argv, ['-n']);
  if (host || port) return `redis ${host ?? '127.0.0.1'}:${port ?? '6379'}${db ? ` db ${db}` : ''}`;
  return `redis ${maskUrl(env.REDIS_URL ?? '127.0.0.1:6379')}${db ? ` db ${db}` : ''}`;
}

function kafkaTarget(argv: string[], env: Env): string {
  const servers = flag(argv, ['--bootstrap-server', '--broker-list']) ?? env.KAFKA_BROKERS ?? '(no bootstrap server)';
  const parts = [`kafka ${servers}`];
  const group = flag(argv, ['--group']);
  const topic = flag(argv, ['--topic']);
  if (group) parts.push(`group ${group}`);
  if (topic) parts.push(`topic ${topic}`);
  if (argv.includes('--all-topics')) parts.push('all topics');
  return parts.join(', ');
}

function httpTarget(argv: string[]): string | undefined {
  const method = flag(argv, ['-X', '--request']) ?? (argv.some((a) => a === '-d' || a.startsWith('--data')) ? 'POST' : 'GET');
  const url = argv.slice(1).find((a) => /^https?:\/\//i.test(a));
  return url ? `${method.toUpperCase()} ${maskUrl(url)}` : undefined;
}

function sqlTarget(argv: string[]): string | undefined {
  const host = flag(argv, ['-h', '--host']);
  const db = flag(argv, ['-D', '--database']);
  const uri = argv.slice(1).find((a) => /^mongodb(\+srv)?:\/\//.test(a));
  if (uri) return `mongodb ${maskUrl(uri)}`;
  return host || db ? `${basename(argv[0]!)} ${host ?? 'localhost'}${db ? ` database ${db}` : ''}` : undefined;
}

/** The target of one argv, or undefined when the tool is not one we know. */
export function argvTarget(argv: string[], env: Env): string | undefined {
  const tool = basename(argv[0] ?? '');
  if (tool === 'kubectl' || tool === 'helm' || tool === 'oc') return kubeTarget(argv, env);
  if (tool === 'redis-cli') return redisTarget(argv, env);
  if (/^kafka-.*\.sh$/.test(tool) || tool.startsWith('kafka-')) return kafkaTarget(argv, env);
  if (tool === 'curl' || tool === 'http' || tool === 'wget') return httpTarget(argv);
  if (tool === 'mysql' || tool === 'mongosh' || tool === 'psql') return sqlTarget(argv);
  return undefined;
}

/** Targets of every command of a shell script (best effort: split on | ; && ||). */
export function scriptTarget(script: string, env: Env): string | undefined {
  const targets = new Set<string>();
  for (const part of script.split(/\|\||&&|[|;\n]/)) {
    let argv: string[];
    try {
      argv = splitCommand(part.trim());
    } catch {
      continue;
    }
    const t = argv.length ? argvTarget(argv, env) : undefined;
    if (t) targets.add(t);
  }
  return targets.size ? [...targets].join('; ') : undefined;
}
