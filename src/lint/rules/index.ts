// Every lint rule, in the order their ids are documented.
import type { Rule } from '../types.js';
import { checkInputs } from './check-inputs.js';
import { expressionSyntax } from './expression-syntax.js';
import { highRiskWrite } from './high-risk-write.js';
import { idMatchesFile } from './id-matches-file.js';
import { mutatingCommand } from './mutating-command.js';
import { noLiteralWebhookUrl } from './no-literal-webhook-url.js';
import { noRedisKeys } from './no-redis-keys.js';
import { opaqueCommand } from './opaque-command.js';
import { paramPattern } from './param-pattern.js';
import { references } from './references.js';
import { shellSyntax } from './shell-syntax.js';
import { stepAction } from './step-action.js';
import { uniqueIds } from './unique-ids.js';
import { unsafeInterpolation } from './unsafe-interpolation.js';
import { untilTiming } from './until-timing.js';
import { untypedValue } from './untyped-value.js';
import { unverifiedRead } from './unverified-read.js';

export const rules: readonly Rule[] = [
  uniqueIds,
  stepAction,
  references,
  expressionSyntax,
  mutatingCommand,
  opaqueCommand,
  unverifiedRead,
  noRedisKeys,
  unsafeInterpolation,
  untypedValue,
  shellSyntax,
  paramPattern,
  checkInputs,
  untilTiming,
  highRiskWrite,
  idMatchesFile,
  noLiteralWebhookUrl,
];
