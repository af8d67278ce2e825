// CLI tests run the built program. The test command (`npm test`) builds it
// once, before jest; a test never builds. Running a CLI test by hand after
// editing src/ without `npm run build` fails here, naming the fix, instead of
// testing yesterday's program.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(new URL('../..', import.meta.url).pathname);

function newest(dir: string): { file: string; mtimeMs: number } {
  let best = { file: '', mtimeMs: 0 };
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    const found = entry.isDirectory() ? newest(p) : { file: p, mtimeMs: statSync(p).mtimeMs };
    if (found.mtimeMs > best.mtimeMs) best = found;
  }
  return best;
}

/** Throws unless dist/ holds a build at least as new as every file under src/. */
export function assertBuilt(): void {
  const main = join(ROOT, 'dist', 'cli', 'main.js');
  if (!existsSync(main)) throw new Error('dist/ is missing: run `npm run build` (npm test does it first)');
  const built = newest(join(ROOT, 'dist'));
  const source = newest(join(ROOT, 'src'));
  if (source.mtimeMs > built.mtimeMs) {
    throw new Error(`dist/ is older than ${source.file.slice(ROOT.length + 1)}: run \`npm run build\` (npm test does it first)`);
  }
}
