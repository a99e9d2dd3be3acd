// Two projects: `unit` needs nothing running (the time-skipping test server is started per file by the SDK);
// `integration` talks to the local stack started by scripts/stack and runs one file at a time, because its
// files share one Temporal namespace and its task queues.
//
// ESM-only dependencies (kysely, http-proxy-middleware) load through Node's require(esm), which Jest supports
// only with --experimental-vm-modules: run Jest through `npm run jest` (or scripts/test), which sets it.
const transform = {
  '^.+\\.ts$': [
    '@swc/jest',
    { jsc: { parser: { syntax: 'typescript' }, target: 'es2023' }, module: { type: 'commonjs' } },
  ],
};

const common = {
  transform,
  testEnvironment: 'node',
  testPathIgnorePatterns: ['/node_modules/', '/web/', '/.data/'],
  modulePathIgnorePatterns: ['<rootDir>/web/', '<rootDir>/.data/'],
};

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 60_000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/**/*.test.ts'],
      testPathIgnorePatterns: [...common.testPathIgnorePatterns, '\\.int\\.test\\.ts$'],
    },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/**/*.int.test.ts'] },
  ],
};
