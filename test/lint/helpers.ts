// Table-driven rule tests, Spectral-style: { name, document, errors }.
import { applyRules, lintTexts } from '../../src/lint/runner.js';
import type { Catalog, Rule } from '../../src/lint/types.js';
import type { Diagnostic } from '../../src/runbook/diagnostic.js';
import { loadText } from '../../src/runbook/load.js';
import { loadCel } from '../../src/runbook/vendor.js';
import type { Runbook } from '../../src/runbook/types.js';
import type { StepType } from '../../src/steps/types.js';

export interface ExpectedError {
  line: number;
  column: number;
  /** Substring or pattern of the message. */
  message?: string | RegExp;
  ruleId?: string;
  severity?: 'error' | 'warning';
}

export interface RuleCase {
  name: string;
  document: string;
  errors: ExpectedError[];
  /** The file name the document is linted as (default test.yaml). */
  file?: string;
}

/** The lines every test runbook starts with (4 lines: the body starts at line 5). */
export const HEADER = 'id: INC-100\ntitle: Test\nseverity: SEV-3\nalerts: [{ alertname: TestAlert }]\n';

/** A runbook whose body (params, stages…) starts at line 5. */
export const doc = (body: string): string => HEADER + body.replace(/^\n/, '');

/** Diagnostics of `rule` alone on a schema-valid document (a schema error fails the test). */
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

export function runRule(rule: Rule, document: string, catalog?: Catalog, file = 'test.yaml'): Diagnostic[] {
  const loaded = loadText(file, document);
  if (loaded.diagnostics.length) {
    throw new Error(`test document is not schema-valid:\n${loaded.diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`).join('\n')}`);
  }
  return applyRules(file, loaded.source, loaded.value as Runbook, [rule], catalog).sort((a, b) => a.line - b.line || a.column - b.column);
}

/** Registers one jest test per case. */
export function ruleTests(rule: Rule, cases: RuleCase[], catalog?: Catalog): void {
  beforeAll(() => loadCel());
  for (const c of cases) {
    test(c.name, () => {
      const got = runRule(rule, c.document, catalog, c.file);
      const shown = got.map((d) => `${d.line}:${d.column} ${d.severity} ${d.message}`).join('\n');
      expect({ count: got.length, shown }).toEqual({ count: c.errors.length, shown });
      c.errors.forEach((e, i) => {
        const d = got[i]!;
        expect(`${d.line}:${d.column}`).toBe(`${e.line}:${e.column}`);
        expect(d.ruleId).toBe(e.ruleId ?? rule.meta.id);
        if (e.severity) expect(d.severity).toBe(e.severity);
        if (typeof e.message === 'string') expect(d.message).toContain(e.message);
        else if (e.message) expect(d.message).toMatch(e.message);
      });
    });
  }
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
