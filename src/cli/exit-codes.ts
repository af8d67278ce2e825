// The exit codes users and CI scripts rely on (DESIGN.md, "CLI contract").
export const EXIT = {
  ok: 0,
  /** lint problems, a failed step, or resolve not verified */
  problems: 1,
  /** usage error, unknown runbook, invalid runbook */
  usage: 2,
  /** stopped before a write: declined, or approval missing when non-interactive */
  stoppedBeforeWrite: 3,
  interrupted: 130,
} as const;

/** A user-facing error: printed as one line, never with a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.usage,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
