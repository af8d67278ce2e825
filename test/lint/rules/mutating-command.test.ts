import { mutatingCommand } from '../../../src/lint/rules/mutating-command.js';
import { ruleTests, runStep } from '../helpers.js';

const step = runStep;

describe('mutating-command', () => {
  ruleTests(mutatingCommand, [
    { name: 'a read command declared read', document: step('kubectl -n x get pods'), errors: [] },
    { name: 'a write command declared write', document: step('kubectl -n x delete pod foo', 'write'), errors: [] },
    {
      name: 'kubectl delete declared read points at the verb',
      document: step('kubectl -n x delete pod foo'),
      errors: [{ line: 10, column: 27, message: '"kubectl delete" changes the system, but step "s" is declared effect: read; declare effect: write' }],
    },
    {
      name: 'a mutation inside kubectl exec',
      document: step("kubectl exec redis-0 -- redis-cli -n 2 CONFIG SET maxmemory 4gb"),
      errors: [{ line: 10, column: 60, message: '"redis-cli CONFIG SET (inside kubectl exec)"' }],
    },
    {
      name: 'a mutation at the end of a pipeline with shell: true',
      document: step("redis-cli --scan --pattern 'cache:*' | xargs redis-cli UNLINK", 'read', '\n        shell: true'),
      errors: [{ line: 10, column: 69, message: '"redis-cli UNLINK"' }],
    },
    {
      name: 'curl with an implied POST, interpolated URL',
      document: step('"curl -sf -d ok=1 ${{ params.url }}"'),
      errors: [{ line: 10, column: 24, message: '"curl -d (a body: an implied POST)"' }],
    },
    {
      name: 'an argv list',
      document: step('[kafka-consumer-groups, --group, g, --reset-offsets, --to-latest, --execute]'),
      errors: [{ line: 10, column: 80, message: '"kafka-consumer-groups --reset-offsets --execute"' }],
    },
    {
      name: 'SQL in mysql -e',
      document: step('mysql -h replica -e "STOP REPLICA"'),
      errors: [{ line: 10, column: 34, message: '"mysql STOP REPLICA"' }],
    },
    { name: 'steps without effect: read are not this rule\'s business', document: step('kubectl delete pod x', 'write'), errors: [] },
  ]);
});
