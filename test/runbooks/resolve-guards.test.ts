// Resolve steps that must not run when the check they depend on failed, and
// mitigation branches that must be reached, shown on the bundled scenarios
// through `oncall rehearse --json` (nothing is spawned, no peer is reached).
import { assertBuilt, oncall } from '../cli-run/helpers.js';

interface Event {
  type: string;
  stepId?: string;
  status?: string;
}

beforeAll(() => assertBuilt());

async function rehearse(id: string, scenario: string, option: string): Promise<Event[]> {
  const r = await oncall(['rehearse', id, '--scenario', scenario, '--option', option, '--non-interactive', '--json'], { env: { ...process.env, NO_COLOR: '1' }, timeoutMs: 60_000 });
  return r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Event);
}

const status = (events: Event[], stepId: string) => events.find((e) => e.type === 'step-finished' && e.stepId === stepId)?.status;

test('INC-003: reads moved to the primary stay there while the replica has not caught up', async () => {
  // blocked-by-error along option A: the SQL thread stays stopped, so caughtup fails.
  const events = await rehearse('INC-003', 'blocked-by-error', 'a');
  expect(status(events, 'readprimary')).toBe('ok');
  expect(status(events, 'caughtup')).toBe('failed');
  expect(status(events, 'restorerouting')).toBe('skipped');
  expect(events.some((e) => e.type === 'approval-needed' && e.stepId === 'restorerouting')).toBe(false);
});

test('INC-003: once the replica caught up, option A restores replica routing', async () => {
  const events = await rehearse('INC-003', 'long-query', 'a');
  expect(status(events, 'caughtup')).toBe('ok');
  expect(status(events, 'restorerouting')).toBe('ok');
});

test('INC-006: when the restart brings no broker back, the replacement is scaled up', async () => {
  const events = await rehearse('INC-006', 'node-retired-replacement-broker', 'scenario-2');
  expect(status(events, 'rolloutwait')).toBe('ok');
  expect(status(events, 'scalereplacement')).toBe('ok');
  expect(status(events, 'replacementup')).toBe('ok');
});

test('INC-006: when the restart brings the brokers back, no replacement', async () => {
  const events = await rehearse('INC-006', 'two-brokers-down', 'scenario-2');
  expect(status(events, 'scalereplacement')).toBe('skipped');
});

test('INC-007: a drained lag with the DLQ still filling is not resolved', async () => {
  const events = await rehearse('INC-007', 'eta-timeouts-drain-into-dlq', 'scenario-3');
  expect(status(events, 'lagdown')).toBe('ok');
  expect(status(events, 'dlqquiet')).toBe('failed');
});
