// The shape of a lint rule, ESLint-style: metadata plus `create(context)`
// returning the visitor hooks the rule needs. The runner walks the runbook
// once and calls every rule's hooks; rules report a document path (and, for
// problems inside a string, an offset in it), and the runner turns that into
// file:line:col.
import type { DiagnosticSeverity } from '../runbook/diagnostic.js';
import type { DocPath, Position, SourceFile } from '../runbook/source.js';
import type { Runbook } from '../runbook/types.js';
import type { ValidateFunction } from 'ajv';
import type { Effect, StepType } from '../steps/types.js';
import type { CaseNode, ExpressionNode, OptionNode, ParamNode, RunbookModel, StepNode } from './model.js';

export interface RuleMeta {
  /** kebab-case, shown as `[id]`. */
  id: string;
  description: string;
  /** Default severity of the rule's reports. */
  severity: DiagnosticSeverity;
}

export interface Report {
  path: DocPath;
  message: string;
  /** Point at the key rather than the value (unknown/duplicate keys). Default: value. */
  on?: 'key' | 'value';
  /** A character offset inside the string at `path` (expressions, command words). */
  offset?: number;
  /** Overrides the rule's default severity. */
  severity?: DiagnosticSeverity;
}

/** The step types lint knows about (src/steps/catalog.ts), when it loads. */
export interface Catalog {
  getStepType(name: string): StepType | undefined;
  stepTypeNames(): string[];
  effectOf(type: StepType, input: Record<string, unknown>): Effect;
  /** A validator for the type's `with:` (precompiled); default: compiled from its inputSchema. */
  validatorFor?(type: StepType): ValidateFunction | null;
}

export interface RuleContext {
  file: string;
  source: SourceFile;
  runbook: Runbook;
  model: RunbookModel;
  /** Undefined when the step catalog could not be loaded. */
  catalog?: Catalog;
  report(report: Report): void;
  /** Where `path` is, for messages that point at an earlier definition. */
  position(path: DocPath, on?: 'key' | 'value'): Position;
}

export interface RuleVisitor {
  step?(node: StepNode): void;
  triageCase?(node: CaseNode): void;
  option?(node: OptionNode): void;
  param?(node: ParamNode): void;
  expression?(node: ExpressionNode): void;
  /** After everything was visited. */
  end?(): void;
}

export interface Rule {
  meta: RuleMeta;
  create(context: RuleContext): RuleVisitor;
}
