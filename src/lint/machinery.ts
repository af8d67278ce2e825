// Everything `oncall lint` needs beyond the CLI glue, behind one module:
// scripts/build-bundle.mjs compiles this module and what it imports into one
// file (dist/lint/bundle.cjs), which Node loads far faster than ~35 modules.
export { lintEntries, lintPaths, LintPathError } from './runner.js';
export { FORMATS, format, type FormatName } from './formatters/index.js';
