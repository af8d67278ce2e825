// The three PATCH flavours the Kubernetes API accepts, applied the way the
// API server does, for the test API server. Strategic merge is approximated:
// lists of objects with a `name` merge by name (containers, env, volumes…),
// other lists are replaced, `$patch: delete` and `$setElementOrder` work.

/* eslint-disable @typescript-eslint/no-explicit-any */

export class PatchError extends Error {
  constructor(
    message: string,
    readonly status: number = 422,
  ) {
    super(message);
  }
}

const clone = <T>(v: T): T => (v === undefined ? v : JSON.parse(JSON.stringify(v)));
const isObject = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function applyMergePatch(target: any, patch: any): any {
  if (!isObject(patch)) return clone(patch);
  const out: Record<string, any> = isObject(target) ? clone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = applyMergePatch(out[key], value);
  }
  return out;
}

export function applyStrategicMergePatch(target: any, patch: any): any {
  if (!isObject(patch)) return clone(patch);
  if (patch.$patch === 'replace') {
    const { $patch: _ignored, ...rest } = patch;
    return stripDirectives(rest);
  }
  if (patch.$patch === 'delete') return undefined;
  const out: Record<string, any> = isObject(target) ? clone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith('$')) continue;
    if (value === null) {
      delete out[key];
    } else if (Array.isArray(value)) {
      out[key] = mergeList(out[key], value);
    } else if (isObject(value)) {
      const merged = applyStrategicMergePatch(out[key], value);
      if (merged === undefined) delete out[key];
      else out[key] = merged;
    } else {
      out[key] = value;
    }
  }
  return out;
}

function mergeList(current: unknown, patch: any[]): any[] {
  const byName = patch.every((item) => isObject(item) && typeof item.name === 'string');
  if (!byName || !Array.isArray(current)) return patch.filter((i) => !(isObject(i) && i.$patch === 'delete')).map(stripDirectives);
  const out = clone(current) as any[];
  for (const item of patch) {
    const index = out.findIndex((c) => isObject(c) && c.name === item.name);
    if (item.$patch === 'delete') {
      if (index >= 0) out.splice(index, 1);
    } else if (index >= 0) {
      out[index] = applyStrategicMergePatch(out[index], item);
    } else {
      out.push(stripDirectives(item));
    }
  }
  return out;
}

function stripDirectives(value: any): any {
  if (Array.isArray(value)) return value.map(stripDirectives);
  if (!isObject(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([k]) => !k.startsWith('$')).map(([k, v]) => [k, stripDirectives(v)]));
}

interface JsonPatchOp {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  from?: string;
  value?: unknown;
}

function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new PatchError(`invalid JSON pointer ${JSON.stringify(pointer)}`);
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function getAt(doc: any, tokens: string[]): any {
  let node = doc;
  for (const t of tokens) {
    if (node === null || typeof node !== 'object' || !(t in node)) return undefined;
    node = node[t];
  }
  return node;
}

function parentOf(doc: any, tokens: string[], path: string): { parent: any; key: string } {
  const parent = getAt(doc, tokens.slice(0, -1));
  if (parent === null || typeof parent !== 'object') {
    throw new PatchError(`doc is missing path: "${path}": missing value`);
  }
  return { parent, key: tokens[tokens.length - 1] };
}

export function applyJsonPatch(target: any, ops: unknown): any {
  if (!Array.isArray(ops)) throw new PatchError('json patch must be an array of operations', 400);
  let doc = clone(target);
  for (const raw of ops as JsonPatchOp[]) {
    const tokens = parsePointer(raw.path);
    switch (raw.op) {
      case 'test': {
        if (JSON.stringify(getAt(doc, tokens)) !== JSON.stringify(raw.value)) {
          throw new PatchError(`testing value ${raw.path} failed: test failed`);
        }
        break;
      }
      case 'remove': {
        const { parent, key } = parentOf(doc, tokens, raw.path);
        if (Array.isArray(parent)) parent.splice(Number(key), 1);
        else if (key in parent) delete parent[key];
        else throw new PatchError(`Unable to remove nonexistent key: ${key}: missing value`);
        break;
      }
      case 'add':
      case 'replace':
      case 'copy':
      case 'move': {
        let value = clone(raw.value);
        if (raw.op === 'copy' || raw.op === 'move') {
          const fromTokens = parsePointer(raw.from ?? '');
          value = clone(getAt(doc, fromTokens));
          if (raw.op === 'move') {
            const { parent, key } = parentOf(doc, fromTokens, raw.from ?? '');
            if (Array.isArray(parent)) parent.splice(Number(key), 1);
            else delete parent[key];
          }
        }
        if (tokens.length === 0) {
          doc = value;
          break;
        }
        const { parent, key } = parentOf(doc, tokens, raw.path);
        if (raw.op === 'replace' && !(key in parent)) {
          throw new PatchError(`replace operation does not apply: doc is missing key: ${raw.path}: missing value`);
        }
        if (Array.isArray(parent)) {
          const index = key === '-' ? parent.length : Number(key);
          if (raw.op === 'replace') parent[index] = value;
          else parent.splice(index, 0, value);
        } else {
          parent[key] = value;
        }
        break;
      }
      default:
        throw new PatchError(`Unexpected kind: ${String((raw as { op: unknown }).op)}`, 400);
    }
  }
  return doc;
}

/** Applies a PATCH body according to its Content-Type, as the API server does. */
export function applyPatch(target: any, contentType: string, body: string): any {
  let patch: unknown;
  try {
    patch = JSON.parse(body);
  } catch {
    throw new PatchError('the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json', 415);
  }
  const type = contentType.split(';')[0].trim().toLowerCase();
  if (type === 'application/json-patch+json') return applyJsonPatch(target, patch);
  if (type === 'application/merge-patch+json') return applyMergePatch(target, patch);
  if (type === 'application/strategic-merge-patch+json') return applyStrategicMergePatch(target, patch);
  throw new PatchError(`the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json`, 415);
}
