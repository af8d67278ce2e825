// The k8s.* step types. Importing this list is cheap: each module loads
// @kubernetes/client-node only when a step runs or plans.

import type { StepType } from '../types.js';
import { k8sEvents } from './events.js';
import { k8sLogs } from './logs.js';
import { k8sPods } from './pods.js';
import { k8sRolloutRestart } from './rollout-restart.js';
import { k8sRolloutStatus } from './rollout-status.js';
import { k8sRolloutUndo } from './rollout-undo.js';
import { k8sScale } from './scale.js';

export { k8sEvents, k8sLogs, k8sPods, k8sRolloutRestart, k8sRolloutStatus, k8sRolloutUndo, k8sScale };

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const k8sStepTypes: ReadonlyArray<StepType<any, any>> = [
  k8sPods,
  k8sRolloutStatus,
  k8sLogs,
  k8sEvents,
  k8sScale,
  k8sRolloutRestart,
  k8sRolloutUndo,
];
