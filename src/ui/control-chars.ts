// Text from a runbook or a command's output reaches the terminal as text:
// escape sequences in it (a window-title change, a clear screen, a cursor
// move) are shown escaped, never interpreted. Newlines and tabs stay.

// C0 controls but \t and \n, DEL, and C1 controls (0x80–0x9f, e.g. CSI).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

export function escapeControls(text: string): string {
  return text.replace(CONTROL, (ch) => {
    const code = ch.charCodeAt(0);
    return code === 0x1b ? '\\e' : `\\x${code.toString(16).padStart(2, '0')}`;
  });
}

/** A deep copy of plain data with every string escaped. */
export function escapeControlsDeep<T>(value: T): T {
  if (typeof value === 'string') return escapeControls(value) as T;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(escapeControlsDeep) as T;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapeControlsDeep(v)])) as T;
}
