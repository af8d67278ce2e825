// Shared terminal helpers for commands. Colour is off with --no-color, NO_COLOR,
// or when stdout is not a terminal.
export function printError(message: string): void {
  process.stderr.write(`oncall: ${message}\n`);
}

export function useColor(opts: { color?: boolean }): boolean {
  return opts.color !== false && !process.env.NO_COLOR && process.stdout.isTTY === true;
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
