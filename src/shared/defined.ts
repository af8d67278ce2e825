// One "omit what is not there" helper (execa's shape) instead of many
// `...(x ? { x } : {})` spreads. This module imports nothing.

/** Nothing worth saying: a field with one of these values is left out. */
type Absent = undefined | false | '';

/** `T` with every field optional and never holding an absent value, so that
 *  spreading it suits `exactOptionalPropertyTypes` (`x?: string` gets no `undefined`). */
export type Defined<T> = { [K in keyof T]?: Exclude<T[K], Absent> };

/** `{ a: 1, b: undefined, c: [], d: false, e: '' }` → `{ a: 1 }`. Leaves out
 *  undefined, false, empty strings and empty arrays; keeps 0 and null, which
 *  say something. For flags that appear only when set (`parallel: true`). */
export function defined<T extends Record<string, unknown>>(fields: T): Defined<T> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined || value === false || value === '' || (Array.isArray(value) && value.length === 0)) continue;
    out[key] = value;
  }
  return out as Defined<T>;
}
