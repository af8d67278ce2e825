// Runs every benchmark in bench/ one after the other and prints their JSON
// results together. Each benchmark measures its own baseline side by side.
// Usage: npm run bench [-- name-filter]
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const filter = process.argv[2] ?? '';
/** The last JSON object a benchmark printed, on one line or pretty-printed. */
function lastJsonObject(out) {
  const text = out.trim();
  for (let at = text.lastIndexOf('{'); at >= 0; at = text.lastIndexOf('{', at - 1)) {
    if (at > 0 && text[at - 1] !== '\n') continue;
    try {
      return JSON.parse(text.slice(at));
    } catch {
      /* an inner line that starts with "{"; keep looking further up */
    }
  }
  return text;
}

const results = {};
for (const name of readdirSync(dir).filter((f) => f.endsWith('.mjs') && f !== 'run.mjs' && f.includes(filter)).sort()) {
  process.stderr.write(`bench ${name}…\n`);
  try {
    const out = execFileSync(process.execPath, [`${dir}${name}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    results[name] = lastJsonObject(out);
  } catch (e) {
    results[name] = { error: e.message.split('\n')[0] };
  }
}
console.log(JSON.stringify(results, null, 2));
