// Parameter values reach commands as arguments, checked against the param's
// pattern (anchored by the engine: the whole value must match). So the pattern
// must compile, the default must pass it, and a param that goes into a `run`
// command should have one.
import { celReferences } from '../cel.js';
import type { Rule } from '../types.js';

/** The engine's reading of a pattern: the whole value must match. */
export function compileParamPattern(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern})$`);
}

function reason(e: unknown): string {
  const m = String((e as Error).message ?? e);
  const tail = m.slice(m.lastIndexOf(': ') + 2);
  return tail.charAt(0).toLowerCase() + tail.slice(1);
}

export const paramPattern: Rule<'invalidPattern' | 'defaultMismatch' | 'missingPattern'> = {
  meta: {
    id: 'param-pattern',
    description: 'param patterns compile and match their defaults; params used in commands have a pattern',
    severity: 'error',
    // Patterns and defaults are quoted as JSON strings, so a backslash reads as it is written.
    messages: {
      invalidPattern: 'pattern {{pattern}} of param "{{name}}" is not a valid regular expression: {{reason}}',
      defaultMismatch: 'default {{value}} of param "{{name}}" does not match its pattern {{pattern}}',
      missingPattern:
        'param "{{name}}" is used in a run command (at {{line}}) but has no pattern; add one so a value cannot become extra arguments or options',
    },
  },
  create(context) {
    return {
      param({ name, param, path }) {
        if (typeof param.pattern !== 'string') return;
        let re: RegExp;
        try {
          re = compileParamPattern(param.pattern);
        } catch (e) {
          context.report({ path: [...path, 'pattern'], messageId: 'invalidPattern', data: { pattern: JSON.stringify(param.pattern), name, reason: reason(e) } });
          return;
        }
        if (param.default !== undefined && !re.test(String(param.default))) {
          const data = { value: JSON.stringify(String(param.default)), name, pattern: JSON.stringify(param.pattern) };
          context.report({ path: [...path, 'default'], messageId: 'defaultMismatch', data });
        }
      },
      end() {
        const used = new Map<string, { path: (string | number)[]; offset: number }>();
        for (const e of context.model.expressions) {
          if (e.kind !== 'interpolation' || e.field !== 'run' || !e.parsed.ok) continue;
          for (const ref of celReferences(e.parsed.ast)) {
            const name = ref.root.name === 'params' ? ref.path[0]?.name : undefined;
            if (name && !used.has(name)) used.set(name, { path: [...e.path], offset: e.offset + ref.root.offset });
          }
        }
        for (const p of context.model.params) {
          const use = used.get(p.name);
          if (!use || typeof p.param.pattern === 'string') continue;
          const at = context.position(use.path);
          context.report({ path: p.path, on: 'key', severity: 'warning', messageId: 'missingPattern', data: { name: p.name, line: at.line } });
        }
      },
    };
  },
};
