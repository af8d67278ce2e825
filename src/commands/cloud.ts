// Cloud and container CLIs: aws (describe-/list-/get- operations read),
// gcloud (list/describe read), docker/podman (inspection verbs read; `exec`
// is judged by the command it runs).
import type { Finding, Judge, ProgramFamily, Word } from './types.js';
import { lit, opaque, parseArgs, programName, write } from './words.js';

const AWS_VALUE_FLAGS = new Set(['--region', '--profile', '--output', '--query', '--endpoint-url', '--cli-read-timeout', '--cli-connect-timeout', '--color', '--ca-bundle', '--cli-binary-format']);
const AWS_READ_OPERATION = /^(describe|list|get|head|lookup|search|filter|batch-get|scan|query|tail|wait|estimate|validate|test|preview|simulate)-|^(ls|tail|help|wait|presign)$/;

function aws(words: Word[]): Finding[] {
  const { positionals, unknown } = parseArgs(words, 1, AWS_VALUE_FLAGS);
  const [service, operation] = positionals;
  if (unknown && (!operation || unknown.at <= operation.word.at)) return opaque('aws argument only known at run time', unknown);
  if (!service) return [];
  const s = lit(service.word);
  const op = lit(operation?.word);
  if (s === 'sts' && op === 'get-caller-identity') return [];
  if (s === 's3' && op === 'ls') return [];
  if (s === 's3api' && op === 'get-object') return write('aws s3api get-object (writes a local file)', operation!.word);
  if (s === 'logs' && op === 'tail') return [];
  if (op && AWS_READ_OPERATION.test(op) && !/^get-(login|token)/.test(op)) return [];
  return write(`aws ${s ?? ''} ${op ?? ''}`.trim(), operation?.word ?? service.word);
}

const GCLOUD_READS = new Set(['list', 'describe', 'get-iam-policy', 'read', 'info', 'version', 'get-value', 'list-tags', 'print-access-token']);
const GCLOUD_WRITES = /^(delete|create|update|set|add|remove|reset|stop|start|resize|patch|deploy|import|export|rollback|restart|cancel|enable|disable|get-credentials|ssh|scp|attach|detach|move|promote|failover|restore|run|submit|apply)/;

function gcloud(words: Word[]): Finding[] {
  const { positionals, unknown } = parseArgs(words, 1, new Set(['--project', '--region', '--zone', '--format', '--filter', '--account', '--configuration', '--limit', '--sort-by', '--verbosity']));
  for (const p of positionals) {
    const v = lit(p.word);
    if (v === undefined) return opaque('gcloud command only known at run time', p.word);
    if (GCLOUD_WRITES.test(v)) return write(`gcloud … ${v}`, p.word);
    if (GCLOUD_READS.has(v)) return unknown ? opaque('gcloud argument only known at run time', unknown) : [];
  }
  const last = positionals[positionals.length - 1];
  return write(`gcloud ${positionals.map((p) => p.word.value).join(' ')}`.trim(), last?.word ?? words[0]!);
}

/** az: like gcloud, `list`/`show` read. */
function az(words: Word[]): Finding[] {
  const { positionals, unknown } = parseArgs(words, 1, new Set(['-g', '--resource-group', '-n', '--name', '--subscription', '-o', '--output', '--query']));
  for (const p of positionals) {
    const v = lit(p.word);
    if (v === undefined) return opaque('az command only known at run time', p.word);
    if (/^(list|show|get-.*|list-.*|show-.*|version|account)$/.test(v)) return unknown ? opaque('az argument only known at run time', unknown) : [];
    if (GCLOUD_WRITES.test(v)) return write(`az … ${v}`, p.word);
  }
  const last = positionals[positionals.length - 1];
  return write(`az ${positionals.map((p) => p.word.value).join(' ')}`.trim(), last?.word ?? words[0]!);
}

const TERRAFORM_READS = new Set(['show', 'output', 'validate', 'version', 'providers', 'graph', 'plan']);

/** terraform: showing, validating and planning (without -out) read; state list/show read. */
function terraform(words: Word[]): Finding[] {
  const { positionals } = parseArgs(words, 1, new Set(['-chdir']));
  const verb = positionals[0];
  const v = lit(verb?.word);
  if (!verb || v === undefined) return verb ? opaque('terraform command only known at run time', verb.word) : [];
  if (v === 'state') {
    const s = lit(positionals[1]?.word);
    return s === 'list' || s === 'show' || s === 'pull' ? [] : write(`terraform state ${s ?? ''}`.trim(), positionals[1]?.word ?? verb.word);
  }
  if (v === 'plan' && words.some((w) => w.value.startsWith('-out'))) return write('terraform plan -out (writes a plan file)', verb.word);
  return TERRAFORM_READS.has(v) ? [] : write(`terraform ${v}`, verb.word);
}

const DOCKER_VALUE_FLAGS = new Set(['-H', '--host', '--context', '--config', '-l', '--log-level', '-e', '--env', '-u', '--user', '-w', '--workdir', '--env-file', '--detach-keys', '--format', '-f', '--filter', '-n', '--tail', '--since', '--until']);
const DOCKER_READS = new Set(['ps', 'images', 'inspect', 'logs', 'stats', 'top', 'version', 'info', 'history', 'port', 'diff', 'events', 'search']);
const DOCKER_READ_SUBS: Record<string, Set<string>> = {
  container: new Set(['ls', 'list', 'ps', 'inspect', 'logs', 'stats', 'top', 'port', 'diff']),
  image: new Set(['ls', 'list', 'inspect', 'history']),
  network: new Set(['ls', 'list', 'inspect']),
  volume: new Set(['ls', 'list', 'inspect']),
  system: new Set(['df', 'info', 'events']),
  compose: new Set(['ps', 'logs', 'config', 'ls', 'images', 'top', 'version']),
  node: new Set(['ls', 'inspect', 'ps']),
  service: new Set(['ls', 'inspect', 'ps', 'logs']),
  context: new Set(['ls', 'inspect', 'show']),
};

function docker(words: Word[], judge: Judge, stdin: boolean): Finding[] {
  const tool = programName(lit(words[0])!);
  const { positionals, unknown } = parseArgs(words, 1, DOCKER_VALUE_FLAGS);
  const verb = positionals[0];
  if (!verb) return [];
  const v = lit(verb.word);
  if (v === undefined || (unknown && unknown.at < verb.word.at)) return opaque(`${tool} verb only known at run time`, unknown ?? verb.word);
  if (v === 'exec' || (v === 'container' && lit(positionals[1]?.word) === 'exec')) {
    if (unknown) return opaque(`${tool} exec with an argument only known at run time`, unknown);
    const at = v === 'exec' ? 1 : 2;
    const cmd = positionals[at + 1];
    return cmd ? judge.command(words.slice(cmd.index), stdin) : [];
  }
  const subs = DOCKER_READ_SUBS[v];
  if (subs) {
    const s = lit(positionals[1]?.word);
    return s && subs.has(s) ? [] : write(`${tool} ${v}${s ? ` ${s}` : ''}`, positionals[1]?.word ?? verb.word);
  }
  return DOCKER_READS.has(v) ? [] : write(`${tool} ${v}`, verb.word);
}

export const awsFamily: ProgramFamily = { programs: ['aws'], judge: aws };
export const gcloudFamily: ProgramFamily = { programs: ['gcloud'], judge: gcloud };
export const azFamily: ProgramFamily = { programs: ['az'], judge: az };
export const terraformFamily: ProgramFamily = { programs: ['terraform', 'tofu'], judge: terraform };
export const dockerFamily: ProgramFamily = { programs: ['docker', 'podman', 'nerdctl'], judge: docker };
