import { mutatingCommand } from '../../../src/lint/rules/mutating-command.js';
import { ruleTester, runStep } from '../helpers.js';

const step = runStep;
const write = (line: number, column: number, what: string) => ({ line, column, messageId: 'write' as const, data: { what, id: 's' } });

describe('mutating-command', () => {
  ruleTester(mutatingCommand, {
    valid: [
      { name: 'a read command declared read', document: step('kubectl -n x get pods') },
      { name: 'a write command declared write', document: step('kubectl -n x delete pod foo', 'write') },
      { name: "steps without effect: read are not this rule's business", document: step('kubectl delete pod x', 'write') },
    ],
    invalid: [
      {
        name: 'kubectl delete declared read points at the verb',
        document: step('kubectl -n x delete pod foo'),
        errors: [
          {
            ...write(10, 27, 'kubectl delete'),
            message: '"kubectl delete" changes the system, but step "s" is declared effect: read; declare effect: write so it runs only after approval',
          },
        ],
      },
      {
        name: 'a mutation inside kubectl exec',
        document: step('kubectl exec redis-0 -- redis-cli -n 2 CONFIG SET maxmemory 4gb'),
        errors: [write(10, 60, 'redis-cli CONFIG SET (inside kubectl exec)')],
      },
      {
        name: 'a mutation at the end of a pipeline with shell: true',
        document: step("redis-cli --scan --pattern 'cache:*' | xargs redis-cli UNLINK", 'read', '\n        shell: true'),
        errors: [write(10, 69, 'redis-cli UNLINK')],
      },
      { name: 'curl with an implied POST, interpolated URL', document: step('"curl -sf -d ok=1 ${{ params.url }}"'), errors: [write(10, 24, 'curl -d (a body: an implied POST)')] },
      {
        name: 'an argv list',
        document: step('[kafka-consumer-groups, --group, g, --reset-offsets, --to-latest, --execute]'),
        errors: [write(10, 80, 'kafka-consumer-groups --reset-offsets --execute')],
      },
      { name: 'SQL in mysql -e', document: step('mysql -h replica -e "STOP REPLICA"'), errors: [write(10, 34, 'mysql STOP REPLICA')] },
    ],
  });
});
