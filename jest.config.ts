import type { Config } from 'jest';

// Every test runs in China Standard Time, the zone the product displays; workers inherit it.
process.env.TZ = 'Asia/Shanghai';

const tsJest = { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json', isolatedModules: true }] };

const config: Config = {
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform: tsJest,
      testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
    },
    {
      displayName: 'component',
      testEnvironment: 'jsdom',
      transform: tsJest,
      testMatch: ['<rootDir>/test/component/**/*.test.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/helpers/component-setup.ts'],
    },
    {
      displayName: 'emulator',
      testEnvironment: 'node',
      transform: tsJest,
      testMatch: ['<rootDir>/test/emulator/**/*.test.ts'],
    },
    {
      displayName: 'cloud',
      testEnvironment: 'node',
      transform: tsJest,
      testMatch: ['<rootDir>/test/cloud/**/*.test.ts'],
    },
  ],
};

export default config;
