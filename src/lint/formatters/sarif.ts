// `--format sarif`: SARIF 2.1.0, the format GitHub code scanning reads
// (uploaded with github/codeql-action/upload-sarif). One run; its driver lists
// every check lint makes (the YAML and schema layers, lint's own failure, each
// rule) with the help text of docs/lint.md; each result points at the file,
// the region and the document path. Loaded only for --format sarif.
import { readFileSync } from 'node:fs';
import { isAbsolute, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DiagnosticSeverity } from '../../runbook/diagnostic.js';
import { docPathText } from '../doc-path.js';
import { RULE_HELP } from '../rule-help.js';
import { rules as allRules } from '../rules/index.js';
import type { LintResult } from '../runner.js';
import type { LintDiagnostic } from '../types.js';

export const SARIF_SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

interface Check {
  id: string;
  description: string;
  severity: DiagnosticSeverity;
}

/** What lint reports besides the rules in rules/. */
const LAYERS: Check[] = [
  { id: 'yaml-syntax', description: 'the file is UTF-8 YAML text that parses', severity: 'error' },
  { id: 'schema', description: 'the file matches the runbook (or process) JSON Schema', severity: 'error' },
  { id: 'internal', description: 'lint failed on this file (a bug in oncall)', severity: 'error' },
];

/** The tables of docs/lint.md in plain text: code spans and emphasis unwrapped, escaped pipes unescaped. */
export function plainText(markdown: string): string {
  return markdown
    .replace(/`([^`]*)`/g, '$1')
    .replace(/\*\*([^*]+)\*\*/g, '$1')
    .replace(/\\\|/g, '|');
}

function descriptor(check: Check) {
  const help = RULE_HELP[check.id] ?? check.description;
  const text = plainText(help);
  return {
    id: check.id,
    shortDescription: { text: check.description },
    // GitHub shows at most 1,000 characters of it.
    fullDescription: { text: text.length > 1000 ? `${text.slice(0, 999)}…` : text },
    help: { text, markdown: help },
    defaultConfiguration: { level: check.severity },
  };
}

/** Relative to the working directory, as lint shows the file: a relative URI reference with `/`; else a file: URI. */
export function artifactUri(file: string): string {
  if (isAbsolute(file)) return pathToFileURL(file).href;
  const parts = sep === '\\' ? file.split(/[\\/]/) : file.split('/');
  return parts.map(encodeURIComponent).join('/');
}

/** The package's version and home page (JSON.stringify leaves out what is undefined). */
function toolInfo(): { version?: string; informationUri?: string } {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: unknown; homepage?: unknown };
    return {
      version: typeof pkg.version === 'string' ? pkg.version : undefined,
      informationUri: typeof pkg.homepage === 'string' && /^https?:\/\//.test(pkg.homepage) ? pkg.homepage : undefined,
    };
  } catch {
    return {};
  }
}

function sarifResult(d: LintDiagnostic, ruleIndex: number) {
  const path = d.path && d.path.length ? docPathText(d.path) : undefined;
  return {
    ruleId: d.ruleId,
    ruleIndex,
    level: d.severity === 'error' ? 'error' : 'warning',
    message: { text: d.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: artifactUri(d.file) },
          region: { startLine: d.line, startColumn: d.column, endLine: d.endLine, endColumn: d.endColumn },
        },
        logicalLocations: path ? [{ fullyQualifiedName: path }] : undefined,
      },
    ],
  };
}

export function formatSarif(lint: LintResult): string {
  const checks: Check[] = [...LAYERS, ...allRules.map((r) => r.meta)];
  const index = new Map(checks.map((c, i) => [c.id, i]));
  const results = lint.files.flatMap((f) =>
    f.diagnostics.map((d) => {
      let i = index.get(d.ruleId);
      if (i === undefined) {
        // Not a known check (a rule set passed in by a caller): still a valid reference.
        i = checks.push({ id: d.ruleId, description: d.ruleId, severity: d.severity }) - 1;
        index.set(d.ruleId, i);
      }
      return sarifResult(d, i);
    }),
  );
  const tool = toolInfo();
  const log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'oncall',
            version: tool.version,
            semanticVersion: tool.version,
            informationUri: tool.informationUri,
            rules: checks.map(descriptor),
          },
        },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
