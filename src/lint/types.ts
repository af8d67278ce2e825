// The shape of a lint rule, ESLint-style: metadata (with the rule's message
// templates) plus `create(context)` returning the visitor hooks the rule
// needs. The runner walks the runbook once and calls every rule's hooks; rules
// report a message id with its data and a document path (and, for problems
// inside a string, an offset in it), and the runner formats the message and
// turns the path into file:line:col and a range.
import type { Diagnostic, DiagnosticSeverity } from '../runbook/diagnostic.js';
import type { DocPath, Position, SourceFile } from '../runbook/source.js';
import type { Runbook } from '../runbook/types.js';
import type { ValidateFunction } from 'ajv';
import type { Effect, StepType } from '../steps/types.js';
import type { MessageData } from './messages.js';
import type { CaseNode, ExpressionNode, OptionNode, ParamNode, RunbookModel, StepNode } from './model.js';

export type { MessageData };

export interface RuleMeta<MessageIds extends string = string> {
  /** kebab-case, shown as `[id]`. */
  id: string;
  description: string;
  /** Default severity of the rule's reports. */
  severity: DiagnosticSeverity;
  /** Message templates by id; `{{name}}` stands for `data.name` (a `${{ }}` is text). */
  messages: Readonly<Record<MessageIds, string>>;
}

export interface Report<MessageIds extends string = string> {
  path: DocPath;
  messageId: MessageIds;
  data?: MessageData;
  /** Point at the key rather than the value (unknown/duplicate keys). Default: value. */
  on?: 'key' | 'value';
  /** A character offset inside the string at `path` (expressions, command words). */
  offset?: number;
  /** How many characters from `offset` the problem spans (default one). */
  length?: number;
  /** Overrides the rule's default severity. */
  severity?: DiagnosticSeverity;
}

/** A diagnostic as lint reports it: always with an end; a rule's also with the message it was formatted from. */
export interface LintDiagnostic extends Diagnostic {
  endLine: number;
  endColumn: number;
  messageId?: string;
  data?: MessageData;
}

/** The step types lint knows about (src/steps/catalog.ts), when it loads. */
export interface Catalog {
  getStepType(name: string): StepType | undefined;
  stepTypeNames(): string[];
  effectOf(type: StepType, input: Record<string, unknown>): Effect;
  /** A validator for the type's `with:` (precompiled); default: compiled from its inputSchema. */
  validatorFor?(type: StepType): ValidateFunction | null;
}

export interface RuleContext<MessageIds extends string = string> {
  file: string;
  source: SourceFile;
  runbook: Runbook;
  model: RunbookModel;
  /** Undefined when the step catalog could not be loaded. */
  catalog?: Catalog;
  report(report: Report<MessageIds>): void;
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

export interface Rule<MessageIds extends string = string> {
  meta: RuleMeta<MessageIds>;
  create(context: RuleContext<MessageIds>): RuleVisitor;
}
