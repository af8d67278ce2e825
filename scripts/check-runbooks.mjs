// Interim helper until `oncall lint` lands: YAML + schema + expression parse on runbook files.
// Usage: node scripts/check-runbooks.mjs runbooks/*.yaml   (after `npx tsc -p tsconfig.build.json`)
import { loadFile } from '../dist/runbook/load.js';
import { compileExpression, findInterpolations } from '../dist/runbook/expressions.js';
let problems = 0;
for (const file of process.argv.slice(2)) {
  const loaded = loadFile(file);
  for (const d of loaded.diagnostics) { problems++; console.log(`${d.file}:${d.line}:${d.column}: ${d.message} [${d.ruleId}]`); }
  if (loaded.diagnostics.length) continue;
  const walk = (v, path) => {
    if (typeof v === 'string') {
      const key = path[path.length - 1];
      const exprs = ['when', 'expect', 'condition', 'recommend'].includes(key) ? [v] : findInterpolations(v).map((i) => i.expression);
      for (const e of exprs) { try { compileExpression(e); } catch (err) { problems++; console.log(`${file}: ${path.join('.')}: ${err.message}`); } }
    } else if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i]));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
  };
  walk(loaded.value, []);
}
console.log(problems ? `${problems} problem(s)` : 'clean');
process.exitCode = problems ? 1 : 0;
