// The commander program. Command modules are imported only when their
// command runs, so `--help` and `list` never pay for the engine or clients.
import { Command, CommanderError, Option } from 'commander';
import { CliError, EXIT } from './exit-codes.js';
import { printError } from './output.js';
import { VERSION } from './version.js';

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function buildProgram(): Command {
  const program = new Command('oncall')
    .description('Runbooks as code: lint, rehearse and run incident runbooks step by step.')
    .version(VERSION, '--version')
    .option('--runbooks <dir>', 'runbook directory (env ONCALL_RUNBOOKS; default ./runbooks, else the bundled ones)')
    .option('--no-color', 'plain output (also NO_COLOR)')
    .showSuggestionAfterError(true)
    .exitOverride();

  program
    .command('list')
    .description('list runbooks: id, title, severity, alerts')
    .option('--json', 'print JSON')
    .action(async (opts, cmd) => (await import('./list.js')).listCommand({ ...cmd.optsWithGlobals(), ...opts }));

  program
    .command('show')
    .description('show a runbook: stages, steps with their effect, mitigation options')
    .argument('<id>', 'runbook id, e.g. INC-007')
    .option('--json', 'print the resolved runbook as JSON')
    .action(async (id, opts, cmd) => (await import('./show.js')).showCommand(id, { ...cmd.optsWithGlobals(), ...opts }));

  program
    .command('lint')
    .description('check runbooks against the schema and lint rules (exit 1 on problems)')
    .argument('[paths...]', 'files or directories (default: the runbook directory)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'github', 'sarif']).default('text'))
    .action(async (paths, opts, cmd) => (await import('./lint.js')).lintCommand(paths, { ...cmd.optsWithGlobals(), ...opts }));

  program
    .command('run')
    .description('run a runbook: Detect → Triage → Mitigate → Communicate → Resolve')
    .argument('[id]', 'runbook id, e.g. INC-007 (or give --alert)')
    .option('--alert <file>', 'start the runbook this Alertmanager payload, alert or alert title calls for (- for stdin), with its values')
    .option('--dry-run', 'rehearse: reads run for real, writes are shown and never done')
    .option('--set <key=value>', 'set a parameter (repeatable)', collect, [])
    .option('--option <id>', 'pick this mitigation option without asking')
    .option('--approve <step>', 'approve this write step in advance (repeatable)', collect, [])
    .option('--non-interactive', 'never prompt; writes need --approve')
    .option('--json', 'print one JSON event per line')
    .option('--journal-dir <dir>', 'where run journals go (env ONCALL_STATE_DIR)')
    .option('--concurrent', 'start even though another run of this runbook is live on this machine')
    .action(async (id, opts, cmd) => (await import('./run.js')).runCommand(id, { ...cmd.optsWithGlobals(), ...opts }));

  program
    .command('rehearse')
    .description('practise an incident: a scenario answers every step, a simulated clock, a score at the end (nothing is spawned or contacted)')
    .argument('<id>', 'runbook id, e.g. INC-007')
    .option('--scenario <name>', 'the scenario to play (default: one at random; the first without a terminal)')
    .option('--option <id>', 'take this mitigation option without asking')
    .option('--set <key=value>', 'set a parameter (repeatable)', collect, [])
    .option('--non-interactive', 'never prompt: walk one path (--option, else the recommended one), approving its writes')
    .option('--json', 'print one JSON event per line, then the score')
    .action(async (id, opts, cmd) => (await import('./rehearse.js')).rehearseCommand(id, { ...cmd.optsWithGlobals(), ...opts }));

  program
    .command('test')
    .description('walk every scenario along every mitigation option and check its expectations (exit 1 on a failure)')
    .argument('[paths...]', 'scenario files or directories (default: the runbook directory\'s scenarios/)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'junit']).default('text'))
    .option('--out <file>', 'write the report to a file (text still goes to stdout)')
    .action(async (paths, opts, cmd) => (await import('./test.js')).testCommand(paths, { ...cmd.optsWithGlobals(), ...opts }));

  const scenario = program.command('scenario').description('rehearsal scenarios');
  scenario
    .command('from-run')
    .description('write a scenario from a run journal: its step results and timings become a drill for oncall test')
    .argument('<run-id>', 'the run id')
    .option('--name <name>', 'scenario name (the file name; default run-<suffix>-<date>)')
    .option('--journal-dir <dir>', 'where run journals are (env ONCALL_STATE_DIR)')
    .option('--force', 'replace an existing scenario of that name')
    .action(async (runId, opts, cmd) => (await import('./scenario.js')).fromRunCommand(runId, { ...cmd.optsWithGlobals(), ...opts }));

  program
    .command('alert')
    .description('match an Alertmanager payload, an alert or an alert title to runbooks, with the command to run (exit 1: no match)')
    .argument('[file]', 'payload file, or - for stdin (the default)')
    .option('--json', 'print JSON')
    .action(async (file, opts, cmd) => (await import('./alert.js')).alertCommand(file, { ...cmd.optsWithGlobals(), ...opts }));

  program
    .command('resume')
    .description('continue an interrupted run after its last completed step')
    .argument('<run-id>', 'the run id printed when the run stopped')
    .option('--set <key=value>', 'supply a parameter the journal does not hold, e.g. a secret (repeatable)', collect, [])
    .option('--option <id>', 'pick this mitigation option when the run has not chosen one yet')
    .option('--refresh', 'run detect and triage again instead of trusting their journaled results')
    .option('--approve <step>', 'approve this write step in advance (repeatable)', collect, [])
    .option('--non-interactive', 'never prompt; writes need --approve')
    .option('--json', 'print one JSON event per line')
    .option('--journal-dir <dir>', 'where run journals go (env ONCALL_STATE_DIR)')
    .action(async (runId, opts, cmd) => (await import('./resume.js')).resumeCommand(runId, { ...cmd.optsWithGlobals(), ...opts }));

  program
    .command('report')
    .description('draft a post-mortem from a run journal: timeline, detection gap, time to mitigation and recovery, action items')
    .argument('<run-id>', 'the run id')
    .addOption(new Option('--format <format>', 'output format').choices(['md', 'json']).default('md'))
    .option('--out <file>', 'write to this file instead of stdout (never over an existing one)')
    .option('--force', 'with --out: overwrite an existing file')
    .option('--journal-dir <dir>', 'where run journals are (env ONCALL_STATE_DIR)')
    .action(async (runId, opts, cmd) => (await import('./report.js')).reportCommand(runId, { ...cmd.optsWithGlobals(), ...opts }));

  program
    .command('runs')
    .description('list run journals, newest first: runbook, start, stage reached, outcome, resumable or live')
    .option('--json', 'print JSON')
    .option('--journal-dir <dir>', 'where run journals are (env ONCALL_STATE_DIR)')
    .action(async (opts, cmd) => (await import('./runs.js')).runsCommand({ ...cmd.optsWithGlobals(), ...opts }));

  program
    .command('log')
    .description("print a run's events as its terminal showed them, from the journal")
    .argument('<run-id>', 'the run id')
    .option('--journal-dir <dir>', 'where run journals are (env ONCALL_STATE_DIR)')
    .action(async (runId, opts, cmd) => (await import('./log.js')).logCommand(runId, { ...cmd.optsWithGlobals(), ...opts }));

  program
    .command('serve')
    .description('Alertmanager webhook receiver: triage each firing alert as a dry-run and post the verdict to chat')
    .option('--listen <host:port>', 'address to listen on; anything but loopback needs --token-file', '127.0.0.1:9095')
    .option('--token-file <file>', 'bearer token every POST must carry (env ONCALL_SERVE_TOKEN)')
    .option('--webhook-url-file <file>', 'chat webhook the verdicts are posted to (env ONCALL_SERVE_WEBHOOK_URL)')
    .addOption(new Option('--chat-type <type>', 'webhook body: Slack {text}, or generic JSON {text, verdict}').choices(['slack', 'webhook']).default('slack'))
    .option('--concurrency <n>', 'triages running at once', '2')
    .option('--queue-size <n>', 'triages waiting at most; beyond it requests get 503 with Retry-After', '100')
    .option('--dedupe-window <duration>', 'a fingerprint triaged this recently is not triaged again', '15m')
    .option('--claim-ttl <duration>', 'how long a running triage holds its fingerprint before it is presumed dead', '10m')
    .option('--grace <duration>', 'on SIGTERM, how long running triages may finish before they are interrupted', '25s')
    .option('--redis <url>', 'share fingerprint claims between replicas (SET NX PX)')
    .option('--redis-prefix <prefix>', 'key prefix of the claims', 'oncall:serve:claim:')
    .option('--journal-dir <dir>', 'where triage journals go (env ONCALL_STATE_DIR)')
    .action(async (opts, cmd) => (await import('./serve.js')).serveCommand({ ...cmd.optsWithGlobals(), ...opts }));

  return program;
}

/** `oncall run … | head`: a reader that went away is not a crash. The output
 *  stops; the run goes on to its end and its journal keeps everything. */
function toleratePipeClose(stream: NodeJS.WriteStream): void {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
  });
}

export async function main(argv: string[]): Promise<void> {
  toleratePipeClose(process.stdout);
  toleratePipeClose(process.stderr);
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (e) {
    process.exitCode = exitCodeFor(e);
  }
}

function exitCodeFor(e: unknown): number {
  if (e instanceof CommanderError) {
    // commander already printed its message (or the help/version text).
    return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (e instanceof CliError) {
    printError(e.message);
    return e.exitCode;
  }
  printError(`internal error: ${(e as Error)?.message ?? String(e)}`);
  if (process.env.ONCALL_DEBUG) console.error((e as Error)?.stack);
  return EXIT.problems;
}
