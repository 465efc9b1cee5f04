// Plain JS: Jest reads a .ts config only through ts-node, which this project does not need.
// Every test runs in China Standard Time, the zone the product displays; workers inherit it.
process.env.TZ = 'Asia/Shanghai';

// Types are checked once by `npm run typecheck`; with tsconfig's isolatedModules, ts-jest only
// transpiles, file by file.
const transform = { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] };
// The local cloud package from its TypeScript sources, as tsconfig's paths map it for tsc and tsx.
const cloudbaseLocal = { '^cloudbase-local$': '<rootDir>/packages/cloudbase-local/src/index.ts' };
const node = (name, more = {}) => ({
  displayName: name,
  testEnvironment: 'node',
  transform,
  moduleNameMapper: cloudbaseLocal,
  testMatch: [`<rootDir>/test/${name}/**/*.test.ts`],
  ...more,
});
// Suites that start a local cloud or a browser get 30 s per test (the setup file says why).
const integration = { setupFilesAfterEnv: ['<rootDir>/test/helpers/integration-timeout.ts'] };

/** @type {import('jest').Config} */
module.exports = {
  // Most suites wait on sockets, child processes and WeChat's timers rather than on the CPU, so two
  // workers overlap those waits even on two cores (Jest's default is one fewer than the cores).
  maxWorkers: 2,
  projects: [
    node('unit'),
    {
      displayName: 'component',
      testEnvironment: 'jsdom',
      transform,
      testMatch: ['<rootDir>/test/component/**/*.test.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/component/helpers/component-setup.ts'],
      // The preview's client database, run here too, imports ES modules (the realtime client's, and
      // bson's browser build, which jsdom's "browser" condition would pick): their CommonJS twins.
      moduleNameMapper: {
        ...cloudbaseLocal,
        '^@cloudbase/realtime/dist/esm/(.*)$': '@cloudbase/realtime/dist/cjs/$1',
        '^bson$': '<rootDir>/node_modules/@cloudbase/database/node_modules/bson/lib/bson.cjs',
      },
      // Cloud functions are bundled before any test starts a local cloud that runs them.
      globalSetup: '<rootDir>/test/helpers/build-functions.global.js',
    },
    node('emulator', integration),
    { ...node('cloud', integration), globalSetup: '<rootDir>/test/helpers/build-functions.global.js' },
    // Shipping: WeChat's compiler, upload and preview (WeChat CI on loopback), deploy (CloudBase API on loopback).
    node('shipping', integration),
    // The browser preview in headless Chromium (fails fast without it); the pages' test files share
    // one app cloud.
    {
      ...node('e2e', integration),
      globalSetup: '<rootDir>/test/e2e/helpers/global-setup.ts',
      globalTeardown: '<rootDir>/test/e2e/helpers/global-teardown.ts',
    },
  ],
};
