// ESM throughout: chalk, execa and inquirer are ESM-only, so tests run as native ESM
// (node --experimental-vm-modules) and ts-jest transpiles without type-checking
// (`npm run typecheck` does that once, faster).
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json', diagnostics: false }] },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testTimeout: 30000,
  maxWorkers: 2,
};
