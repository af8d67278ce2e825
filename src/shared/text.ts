// Text shaping shared by every layer. This module imports nothing.

/** The first non-blank line of `text`, trimmed and cut at `max` characters:
 *  an error message or progress line fit for one line of a screen or journal. */
export function oneLine(text: string, max = 300): string {
  const line = (text.split('\n').find((l) => l.trim()) ?? text).trim();
  return line.length > max ? `${line.slice(0, max)}…` : line;
}
