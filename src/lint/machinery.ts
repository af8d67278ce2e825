// Everything `oncall lint` needs beyond the CLI glue, behind one module that
// the CLI imports only when it lints.
export { lintEntries, lintPaths, LintPathError } from './runner.js';
export { FORMATS, format, type FormatName } from './formatters/index.js';
