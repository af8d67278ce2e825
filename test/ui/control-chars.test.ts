/* eslint-disable no-control-regex -- the point of this test is control characters */
// Escape sequences from a runbook's text or a command's output are shown
// escaped on the terminal, never obeyed, with colours on or off.
import { escapeControls } from '../../src/ui/control-chars.js';
import { TerminalRenderer } from '../../src/ui/terminal.js';
import { run, runbook } from '../engine/helpers.js';

const HOSTILE = 'title\u001b]0;pwned\u0007 \u001b[2J\u001b[H\u009b31m end';

test('controls are escaped, newlines and tabs kept', () => {
  expect(escapeControls(HOSTILE)).toBe('title\\e]0;pwned\\x07 \\e[2J\\e[H\\x9b31m end');
  expect(escapeControls('a\tb\nc')).toBe('a\tb\nc');
});

test.each([false, true])('the terminal shows them escaped (color %s)', async (color) => {
  let out = '';
  const r = new TerminalRenderer({ write: (s) => (out += s), color });
  const ran = await run(
    runbook({
      detect: `steps:\n  - id: s\n    title: ${JSON.stringify(HOSTILE)}\n    effect: read\n    run: [printf, "${HOSTILE.replace(/\u001b/g, '\\e').replace(/\u0007/g, '\\a').replace(/\u009b/g, '\\x9b')}"]`,
    }),
    { onEvent: (e) => r.subscriber(e) },
  );
  expect(ran.step('s')!.status).toBe('ok');
  // No raw OSC/CSI from the runbook or the output; colour codes (ESC[…m from chalk) only when on.
  expect(out).not.toMatch(/\u001b\]|\u001b\[2J|\u001b\[H|\u009b|\u0007/);
  expect(out).toContain('\\e]0;pwned\\x07');
  if (!color) expect(out).not.toContain('\u001b');
});
