// The kafka step types, for the catalog. Importing this loads no client:
// kafkajs and execa are imported inside run/plan.

import type { StepType } from '../types.js';
import { kafkaCluster } from './cluster.js';
import { kafkaLag } from './lag.js';
import { kafkaLagTable } from './lag-table.js';
import { kafkaPeek } from './peek.js';
import { kafkaResetOffsets } from './reset-offsets.js';

export { kafkaCluster, kafkaLag, kafkaLagTable, kafkaPeek, kafkaResetOffsets };

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const kafkaStepTypes: ReadonlyArray<StepType<any, any>> = [kafkaLag, kafkaLagTable, kafkaCluster, kafkaPeek, kafkaResetOffsets];
