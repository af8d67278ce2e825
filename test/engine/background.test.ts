// A script's leftover background process is stopped when the script ends, and
// the run says so in a note (the step is not held until its timeout).
import { run, runbook } from './helpers.js';

test('a run step that leaves `sleep 30 &` finishes with the script and notes the stopped process', async () => {
  const t0 = Date.now();
  const r = await run(
    runbook({
      detect: `steps:
  - id: bg
    effect: read
    shell: true
    timeout: 20s
    run: |
      sleep 30 &
      echo started`,
    }),
  );
  expect(Date.now() - t0).toBeLessThan(5000);
  expect(r.step('bg')).toMatchObject({ status: 'ok', summary: 'exit 0, 1 line: started' });
  const notes = r.of('note').filter((n) => n.stepId === 'bg').map((n) => n.message);
  expect(notes).toEqual([expect.stringMatching(/^step "bg": 1 background process was left running by the script and was stopped: pid \d+ sleep$/)]);
});
