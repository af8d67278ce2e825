// `${{ expr }}` interpolation spans in a string, GitHub-Actions style. Kept
// apart from the CEL evaluator so lint can find them without loading it.

export interface Interpolation {
  expression: string;
  /** Offset of the expression text within the containing string. */
  offset: number;
  /** The whole `${{ … }}` span. */
  start: number;
  end: number;
}

const INTERPOLATION = /\$\{\{\s*([\s\S]*?)\s*\}\}/g;

export function findInterpolations(text: string): Interpolation[] {
  const found: Interpolation[] = [];
  for (const m of text.matchAll(INTERPOLATION)) {
    const start = m.index!;
    const inner = m[1]!;
    found.push({ expression: inner, offset: start + m[0].indexOf(inner, 3), start, end: start + m[0].length });
  }
  return found;
}
