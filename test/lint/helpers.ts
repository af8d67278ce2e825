// Table-driven rule tests in the shape of ESLint's RuleTester: a `valid`
// table of documents the rule says nothing about, and an `invalid` table whose
// cases list every report exactly (line, column, messageId, data, severity).
import { applyRules, lintTexts } from '../../src/lint/runner.js';
import type { Catalog, LintDiagnostic, MessageData, Rule } from '../../src/lint/types.js';
import type { Diagnostic } from '../../src/runbook/diagnostic.js';
import { loadText } from '../../src/runbook/load.js';
import { loadCel } from '../../src/runbook/libraries.js';
import type { Runbook } from '../../src/runbook/types.js';
import type { StepType } from '../../src/steps/types.js';

export interface ExpectedError<MessageIds extends string = string> {
  line: number;
  column: number;
  messageId: MessageIds;
  /** The message's data, all of it (default: none). */
  data?: MessageData;
  /** Default: the rule's severity. */
  severity?: 'error' | 'warning';
  /** When given, the formatted message too, exactly. */
  message?: string;
}

export interface ValidCase {
  name: string;
  document: string;
  /** The file name the document is linted as (default test.yaml). */
  file?: string;
}

export interface InvalidCase<MessageIds extends string = string> extends ValidCase {
  errors: Array<ExpectedError<MessageIds>>;
}

export interface RuleTable<MessageIds extends string = string> {
  valid: ValidCase[];
  invalid: Array<InvalidCase<MessageIds>>;
  /** Message ids that are exercised by tests outside the table, and where. */
  exercisedElsewhere?: Partial<Record<MessageIds, string>>;
}

/** The lines every test runbook starts with (4 lines: the body starts at line 5). */
export const HEADER = 'id: INC-100\ntitle: Test\nseverity: SEV-3\nalerts: [{ alertname: TestAlert }]\n';

/** A runbook whose body (params, stages…) starts at line 5. */
export const doc = (body: string): string => HEADER + body.replace(/^\n/, '');

/** A runbook whose only detect step runs `run` (a step with id "s", on line 9). */
export const runStep = (run: string, effect = 'read', extra = ''): string =>
  doc(`
stages:
  detect:
    steps:
      - id: s
        effect: ${effect}
        run: ${run}${extra}
  resolve: {}
`);

/** Diagnostics of `rule` alone on a schema-valid document (a schema error fails the test). */
export function runRule(rule: Rule, document: string, catalog?: Catalog, file = 'test.yaml'): LintDiagnostic[] {
  const loaded = loadText(file, document);
  if (loaded.diagnostics.length) {
    throw new Error(`test document is not schema-valid:\n${loaded.diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`).join('\n')}`);
  }
  return applyRules(file, loaded.source, loaded.value as Runbook, [rule], catalog).sort((a, b) => a.line - b.line || a.column - b.column);
}

/** The report as a test states it: only the keys the expectation gives beyond the fixed ones. */
function asExpected(d: LintDiagnostic, wantMessage: boolean) {
  return { line: d.line, column: d.column, ruleId: d.ruleId, severity: d.severity, messageId: d.messageId, data: d.data ?? {}, ...(wantMessage ? { message: d.message } : {}) };
}

/** Registers the valid and invalid cases of `rule` as jest tests, and checks that every message is exercised. */
export function ruleTester<MessageIds extends string>(rule: Rule<MessageIds>, table: RuleTable<NoInfer<MessageIds>>, catalog?: Catalog): void {
  beforeAll(() => loadCel());
  describe('valid', () => {
    for (const c of table.valid) {
      test(c.name, () => {
        const got = runRule(rule as Rule, c.document, catalog, c.file);
        expect(got.map((d) => `${d.line}:${d.column} ${d.messageId} ${d.message}`)).toEqual([]);
      });
    }
  });
  describe('invalid', () => {
    for (const c of table.invalid) {
      test(c.name, () => {
        if (c.errors.length === 0) throw new Error('an invalid case lists the reports it expects; a document with none belongs in valid');
        const got = runRule(rule as Rule, c.document, catalog, c.file);
        const wanted = c.errors.map((e) => ({
          line: e.line,
          column: e.column,
          ruleId: rule.meta.id,
          severity: e.severity ?? rule.meta.severity,
          messageId: e.messageId,
          data: e.data ?? {},
          ...(e.message !== undefined ? { message: e.message } : {}),
        }));
        expect(got.map((d, i) => asExpected(d, c.errors[i]?.message !== undefined))).toEqual(wanted);
      });
    }
  });
  test('every message of the rule is exercised by an invalid case', () => {
    const used = new Set<string>(table.invalid.flatMap((c) => c.errors.map((e) => e.messageId)));
    const elsewhere = Object.keys(table.exercisedElsewhere ?? {});
    const unused = Object.keys(rule.meta.messages).filter((id) => !used.has(id) && !elsewhere.includes(id));
    expect(unused).toEqual([]);
    const unknown = [...used, ...elsewhere].filter((id) => !(id in rule.meta.messages));
    expect(unknown).toEqual([]);
  });
}

/** Lints a whole text with every rule (schema included). */
export async function lintAll(document: string, catalog: Catalog | null = null): Promise<Diagnostic[]> {
  const result = await lintTexts([{ file: 'test.yaml', text: document }], { catalog });
  return result.files[0]!.diagnostics;
}

/** A small catalog of step types, shaped like src/steps (tests of check-inputs must not depend on them). */
export function fakeCatalog(): Catalog {
  const types = [
    {
      name: 'k8s.pods',
      description: 'pods',
      effect: 'read',
      inputSchema: {
        type: 'object',
        required: ['selector'],
        additionalProperties: false,
        properties: { namespace: { type: 'string' }, selector: { type: 'string' }, minReady: { type: 'integer', minimum: 0 } },
      },
      resultSchema: {},
      run: async () => ({ ok: true, result: {}, summary: '' }),
    },
    {
      name: 'k8s.scale',
      description: 'scale',
      effect: 'write',
      inputSchema: {
        type: 'object',
        required: ['name', 'replicas'],
        additionalProperties: false,
        properties: { name: { type: 'string' }, replicas: { type: 'integer', minimum: 0 }, kind: { enum: ['deployment', 'statefulset'] } },
      },
      resultSchema: {},
      run: async () => ({ ok: true, result: {}, summary: '' }),
    },
    {
      name: 'http',
      description: 'http',
      effect: 'read',
      effectOf: (input: Record<string, unknown>) => (input.method === undefined || input.method === 'GET' || input.method === 'HEAD' ? 'read' : 'write'),
      inputSchema: {
        type: 'object',
        required: ['url'],
        additionalProperties: false,
        properties: { url: { type: 'string' }, method: { enum: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] } },
      },
      resultSchema: {},
      run: async () => ({ ok: true, result: {}, summary: '' }),
    },
  ] as StepType[];
  const byName = new Map(types.map((t) => [t.name, t]));
  return {
    getStepType: (name) => byName.get(name),
    stepTypeNames: () => [...byName.keys()].sort(),
    effectOf: (type, input) => (type as StepType & { effectOf?: (i: Record<string, unknown>) => 'read' | 'write' }).effectOf?.(input) ?? type.effect,
  };
}
