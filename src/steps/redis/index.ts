// The redis.* step types, for the catalog.
import type { StepType } from '../types.js';
import { redisBigkeys } from './bigkeys.js';
import { redisConfig } from './config.js';
import { redisDeletePattern } from './delete-pattern.js';
import { redisInfo } from './info.js';
import { redisLlen } from './llen.js';
import { redisPrefixes } from './prefixes.js';

export { redisBigkeys, redisConfig, redisDeletePattern, redisInfo, redisLlen, redisPrefixes };

export const redisStepTypes: StepType[] = [redisInfo, redisLlen, redisPrefixes, redisBigkeys, redisDeletePattern, redisConfig] as StepType[];
