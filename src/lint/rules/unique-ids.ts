// Step, triage case and option ids share one namespace: `--approve ID`,
// `--option ID`, `steps.ID` and the journal all name things by id.
import type { DocPath } from '../../runbook/source.js';
import type { Rule } from '../types.js';

interface Definition {
  id: string;
  kind: 'step' | 'triage case' | 'option';
  path: DocPath;
}

export const uniqueIds: Rule<'duplicate' | 'usedByOtherKind'> = {
  meta: {
    id: 'unique-ids',
    description: 'step, triage case and option ids are unique in the runbook',
    severity: 'error',
    messages: {
      duplicate: '{{kind}} id "{{id}}" is already defined at {{where}}',
      usedByOtherKind: '{{kind}} id "{{id}}" is already used by the {{firstKind}} at {{where}}; ids are unique across steps, triage cases and options',
    },
  },
  create(context) {
    const byId = new Map<string, Definition[]>();
    const add = (id: unknown, kind: Definition['kind'], owner: DocPath) => {
      if (typeof id !== 'string') return;
      const list = byId.get(id);
      const d = { id, kind, path: [...owner, 'id'] };
      if (list) list.push(d);
      else byId.set(id, [d]);
    };
    return {
      step: (node) => add(node.step.id, 'step', node.path),
      triageCase: (node) => add(node.triageCase.id, 'triage case', node.path),
      option: (node) => add(node.option.id, 'option', node.path),
      end() {
        for (const list of byId.values()) {
          if (list.length < 2) continue;
          // In file order, so "already defined" always points upwards.
          const placed = list.map((d) => ({ d, at: context.position(d.path) })).sort((a, b) => a.at.line - b.at.line || a.at.column - b.at.column);
          const first = placed[0]!;
          const where = `${first.at.line}:${first.at.column}`;
          for (const { d } of placed.slice(1)) {
            if (first.d.kind === d.kind) context.report({ path: d.path, messageId: 'duplicate', data: { kind: d.kind, id: d.id, where } });
            else context.report({ path: d.path, messageId: 'usedByOtherKind', data: { kind: d.kind, id: d.id, firstKind: first.d.kind, where } });
          }
        }
      },
    };
  },
};
