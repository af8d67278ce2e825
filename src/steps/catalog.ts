// Every native step type, by name. Step modules are light (their clients
// load inside run/plan), so lint can read effects and input schemas cheaply.
import * as http from './http.js';
import * as k8s from './k8s/index.js';
import * as kafka from './kafka/index.js';
import * as redis from './redis/index.js';
import type { Effect, StepType } from './types.js';

function isStepType(value: unknown): value is StepType {
  return !!value && typeof value === 'object' && typeof (value as StepType).name === 'string' && typeof (value as StepType).run === 'function';
}

/** Step types exported by a module, whether singly or as a list. */
function stepTypesIn(module: Record<string, unknown>): StepType[] {
  return Object.values(module).flatMap((v) => (Array.isArray(v) ? v : [v])).filter(isStepType);
}

const byName = new Map<string, StepType>();
for (const mod of [http, k8s, kafka, redis] as Array<Record<string, unknown>>) {
  for (const type of stepTypesIn(mod)) byName.set(type.name, type);
}

export function getStepType(name: string): StepType | undefined {
  return byName.get(name);
}

export function stepTypeNames(): string[] {
  return [...byName.keys()].sort();
}

/** The effect a check has with these inputs (http: GET/HEAD read, others write). */
export function effectOf(type: StepType, input: Record<string, unknown>): Effect {
  return type.effectOf?.(input) ?? type.effect;
}
