// Every lint rule, in the order their ids are documented.
import type { Rule } from '../types.js';
import { checkInputs } from './check-inputs.js';
import { expressionSyntax } from './expression-syntax.js';
import { highRiskWrite } from './high-risk-write.js';
import { idMatchesFile } from './id-matches-file.js';
import { mutatingCommand } from './mutating-command.js';
import { noRedisKeys } from './no-redis-keys.js';
import { paramPattern } from './param-pattern.js';
import { references } from './references.js';
import { shellSyntax } from './shell-syntax.js';
import { stepAction } from './step-action.js';
import { uniqueIds } from './unique-ids.js';
import { untilTiming } from './until-timing.js';

export const rules: readonly Rule[] = [
  uniqueIds,
  stepAction,
  references,
  expressionSyntax,
  mutatingCommand,
  noRedisKeys,
  shellSyntax,
  paramPattern,
  checkInputs,
  untilTiming,
  highRiskWrite,
  idMatchesFile,
];
