#!/usr/bin/env node
// Thin entry point: everything lives in the compiled program.
import('../dist/cli/main.js').then((m) => m.main(process.argv));
