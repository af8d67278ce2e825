// Lets a benchmark import the test peers in test/support/*.ts as they are
// (the API server stand-in, the private redis-server): the build compiles only
// src/, and Node 20 runs no TypeScript. Importing this module registers two
// hooks: a `.js` specifier that names a missing file next to a `.ts` one
// resolves to the `.ts` (the NodeNext import style), and a `.ts` file is
// transpiled with the project's own TypeScript (types erased, no checking).
// Usage: `await import('./lib/ts-loader.mjs')`, then `await import('../test/support/x.ts')`
// (the hooks apply to imports that start after this one finished).
import { register } from 'node:module';

register('./ts-hooks.mjs', import.meta.url);
