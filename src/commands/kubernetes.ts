// kubectl (and oc) and helm: a read only for the verbs that only read, with
// global flags and their values allowed anywhere; `exec … -- CMD` is judged
// by CMD. Targets come from the one kubeconfig resolver kubectl's rules use.
import { resolveKubeconfig } from '../integrations/kubeconfig.js';
import type { Env, Finding, ProgramFamily, Word } from './types.js';
import { flagValue, hasFlag, lit, opaque, parseArgs, programName, write } from './words.js';

const KUBECTL_VALUE_FLAGS = new Set([
  '-n', '--namespace', '--context', '--cluster', '--user', '--kubeconfig', '-s', '--server', '--token', '--as', '--as-group', '--as-uid',
  '--certificate-authority', '--client-certificate', '--client-key', '--request-timeout', '--tls-server-name', '-v', '--v', '--vmodule',
  '--log-file', '--log-dir', '--log-file-max-size', '--log-flush-frequency', '--log-backtrace-at', '--stderrthreshold', '--cache-dir',
  '--username', '--password', '--profile', '--profile-output', '-l', '--selector', '--field-selector', '-o', '--output', '-f', '--filename',
  '-c', '--container', '--timeout', '-k', '--kustomize', '--for', '--template', '-L', '--label-columns', '--sort-by', '--since',
  '--since-time', '--tail', '--max-log-requests', '--pod-running-timeout', '--chunk-size', '--raw', '--subresource', '--show-kind',
  '--output-watch-events', '--revision', '--containers', '--prefix', '--limit-bytes', '--types', '--api-group', '--sort-by', '--local',
  '--field-manager',
]);

/** Global flags that take no value (cobra would take the word after any other flag as its value). */
const KUBECTL_BOOLEAN_FLAGS = new Set([
  '--insecure-skip-tls-verify', '--match-server-version', '--warnings-as-errors', '--disable-compression', '--alsologtostderr',
  '--logtostderr', '--one-output', '--skip-headers', '--skip-log-headers', '--add-dir-header',
]);

/** Verbs that only read, and for verbs that need a sub-verb, the sub-verbs that only read. */
const READ_VERBS = new Set(['get', 'describe', 'logs', 'top', 'explain', 'events', 'version', 'api-resources', 'api-versions', 'cluster-info', 'wait', 'diff', 'kustomize', 'completion', 'options']);
/** Verbs whose --dry-run=client|server persists nothing. */
const DRY_RUNNABLE = new Set(['apply', 'create', 'delete', 'patch', 'replace', 'scale', 'set', 'label', 'annotate', 'expose', 'run', 'autoscale', 'taint', 'drain', 'cordon', 'uncordon']);
const READ_SUBVERBS: Record<string, Set<string>> = {
  auth: new Set(['can-i', 'whoami']),
  config: new Set(['view', 'get-contexts', 'current-context', 'get-clusters', 'get-users']),
  rollout: new Set(['status', 'history']),
  'cluster-info': new Set(['dump']),
  certificate: new Set(),
  set: new Set(),
};

function kubectl(words: Word[], judge: Parameters<ProgramFamily['judge']>[1], stdin: boolean): Finding[] {
  const tool = programName(words[0]!.value);
  const { positionals, dashDash, unknown } = parseArgs(words, 1, KUBECTL_VALUE_FLAGS);
  const verb = positionals[0];
  if (!verb) return unknown ? opaque(`${tool} with an argument only known at run time`, unknown) : [];
  const v = lit(verb.word);
  if (v === undefined || (unknown && unknown.at < verb.word.at)) return opaque(`${tool} verb only known at run time`, unknown ?? verb.word);
  const hiding = words.slice(1, verb.index).find((w) => {
    const name = w.value.split('=')[0]!;
    return w.value.startsWith('-') && !KUBECTL_VALUE_FLAGS.has(name) && !KUBECTL_BOOLEAN_FLAGS.has(name);
  });
  if (hiding) return opaque(`${tool} flag ${hiding.value} before the verb is unknown (it may take the next word as its value)`, hiding);
  if (v === 'exec') {
    if (unknown) return opaque(`${tool} exec with an argument only known at run time`, unknown);
    // The command inside the pod; `kubectl exec POD cmd…` (no --) is the old form.
    const inner = dashDash > 0 ? words.slice(dashDash + 1) : positionals.length > 2 ? words.slice(positionals[2]!.index) : [];
    if (!inner.length) return [];
    const stdinIn = stdin && !!hasFlag(words, '-i', '--stdin', '-it', '-ti');
    return judge.command(inner, stdinIn).map((f) => (f.kind === 'write' ? { ...f, what: `${f.what} (inside ${tool} exec)` } : f));
  }
  const subs = READ_SUBVERBS[v];
  if (subs && v !== 'cluster-info') {
    const sub = positionals[1];
    const s = lit(sub?.word);
    if (sub && s !== undefined && subs.has(s)) return [];
    return write(`${tool} ${v}${s ? ` ${s}` : ''}`, sub?.word ?? verb.word);
  }
  if (READ_VERBS.has(v)) return [];
  // Not persisted: an explicit client or server dry-run, a label listing. A word
  // only known at run time could be a later --dry-run=none, which would win.
  if (!unknown && DRY_RUNNABLE.has(v) && words.some((w) => /^--dry-run=(client|server)$/.test(w.value))) return [];
  if (!unknown && (v === 'label' || v === 'annotate') && hasFlag(words, '--list')) return [];
  return write(`${tool} ${v}`, verb.word);
}

const HELM_VALUE_FLAGS = new Set(['-n', '--namespace', '--kube-context', '--kubeconfig', '--kube-apiserver', '--kube-token', '--kube-as-user', '--registry-config', '--repository-cache', '--repository-config', '-o', '--output', '--revision', '--max', '--version', '-f', '--values', '--set', '--set-string', '--set-file', '--timeout']);
const HELM_READS = new Set(['list', 'ls', 'status', 'history', 'hist', 'get', 'show', 'inspect', 'search', 'template', 'lint', 'version', 'env', 'verify']);
const HELM_READ_SUBS: Record<string, Set<string>> = { repo: new Set(['list', 'ls']), dependency: new Set(['list', 'ls']), plugin: new Set(['list', 'ls']) };

function helm(words: Word[]): Finding[] {
  const { positionals, unknown } = parseArgs(words, 1, HELM_VALUE_FLAGS);
  const verb = positionals[0];
  if (!verb) return unknown ? opaque('helm with an argument only known at run time', unknown) : [];
  const v = lit(verb.word);
  if (v === undefined || (unknown && unknown.at < verb.word.at)) return opaque('helm command only known at run time', unknown ?? verb.word);
  const subs = HELM_READ_SUBS[v];
  if (subs) {
    const s = lit(positionals[1]?.word);
    return s && subs.has(s) ? [] : write(`helm ${v}${s ? ` ${s}` : ''}`, positionals[1]?.word ?? verb.word);
  }
  return HELM_READS.has(v) ? [] : write(`helm ${v}`, verb.word);
}

/** "kube context prod (https://10.0.0.1:6443), namespace smp-prod", as kubectl would resolve it. */
export function kubeTarget(words: Word[], env: Env): string {
  const flags = {
    kubeconfig: flagValue(words, ['--kubeconfig']),
    context: flagValue(words, ['--context', '--kube-context']),
    namespace: flagValue(words, ['-n', '--namespace']),
    cluster: flagValue(words, ['--cluster']),
    server: flagValue(words, ['-s', '--server']),
  };
  const view = resolveKubeconfig(env, Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined)));
  const all = hasFlag(words, '-A', '--all-namespaces');
  return `kube context ${view.context ?? '(none)'}${view.server ? ` (${view.server})` : ''}, ${all ? 'all namespaces' : `namespace ${view.namespace}`}`;
}

export const kubernetes: ProgramFamily = {
  programs: ['kubectl', 'oc'],
  judge: kubectl,
  target: kubeTarget,
};

export const helmFamily: ProgramFamily = {
  programs: ['helm'],
  judge: helm,
  target: kubeTarget,
};
