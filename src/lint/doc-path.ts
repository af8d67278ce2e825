// A document path as tools print it: stages.mitigate.options[1].steps[0].run.
// Keys that are not plain names (dots, spaces, quotes…) are written ["like this"],
// so the text names one node and can be read back.
import type { DocPath } from '../runbook/source.js';

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

export function docPathText(path: DocPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (PLAIN_KEY.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}
