// Label and field selectors as the API server parses them, for the test API server.

/* eslint-disable @typescript-eslint/no-explicit-any */

export class SelectorError extends Error {}

type Requirement = (labels: Record<string, string>) => boolean;

/** Splits on commas that are not inside `in (a,b)` parentheses. */
function splitTerms(selector: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      terms.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  terms.push(current);
  return terms.map((t) => t.trim()).filter((t) => t.length > 0);
}

export function parseLabelSelector(selector: string | null | undefined): Requirement {
  if (!selector) return () => true;
  const requirements: Requirement[] = splitTerms(selector).map((term) => {
    let m = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
    if (m) {
      const [, key, op, list] = m;
      const values = list.split(',').map((v) => v.trim());
      return op === 'in'
        ? (l) => key in l && values.includes(l[key])
        : (l) => !(key in l) || !values.includes(l[key]);
    }
    m = /^([\w./-]+)\s*(==|=|!=)\s*([\w.-]*)$/.exec(term);
    if (m) {
      const [, key, op, value] = m;
      return op === '!=' ? (l) => l[key] !== value : (l) => l[key] === value;
    }
    m = /^(!?)([\w./-]+)$/.exec(term);
    if (m) {
      const [, not, key] = m;
      return not ? (l) => !(key in l) : (l) => key in l;
    }
    throw new SelectorError(`unable to parse requirement: ${JSON.stringify(term)}`);
  });
  return (labels) => requirements.every((r) => r(labels));
}

function fieldValue(obj: any, path: string): string {
  let node = obj;
  for (const part of path.split('.')) node = node?.[part];
  return node === undefined || node === null ? '' : String(node);
}

export function parseFieldSelector(selector: string | null | undefined): (obj: any) => boolean {
  if (!selector) return () => true;
  const requirements = splitTerms(selector).map((term) => {
    const m = /^([\w.]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!m) throw new SelectorError(`invalid selector: '${selector}'; can't understand '${term}'`);
    const [, path, op, value] = m;
    return op === '!=' ? (o: any) => fieldValue(o, path) !== value : (o: any) => fieldValue(o, path) === value;
  });
  return (obj) => requirements.every((r) => r(obj));
}

/** A LabelSelector object (matchLabels + matchExpressions) in string form. */
export function selectorToString(selector: any): string {
  const terms: string[] = [];
  for (const [k, v] of Object.entries(selector?.matchLabels ?? {})) terms.push(`${k}=${String(v)}`);
  for (const e of selector?.matchExpressions ?? []) {
    const op = String(e.operator);
    if (op === 'In') terms.push(`${e.key} in (${e.values.join(',')})`);
    else if (op === 'NotIn') terms.push(`${e.key} notin (${e.values.join(',')})`);
    else if (op === 'Exists') terms.push(e.key);
    else if (op === 'DoesNotExist') terms.push(`!${e.key}`);
  }
  return terms.join(',');
}
