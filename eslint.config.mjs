import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import clock from './scripts/eslint-clock.mjs';
import walls from './scripts/eslint-walls.mjs';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'miniprogram/**/miniprogram_npm/',
      'miniprogram/shared/',
      'miniprogram/subpackages/*/shared/',
      'cloudfunctions/*/index.js',
      'packages/*/dist/',
      '.cloud/',
      '.cloud-*/',
      'artifacts/',
      'coverage/',
      'test/fixtures/**/*.js',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // Shipped code never imports local-only code; the local cloud never imports the app (scripts/eslint-walls.mjs).
    plugins: { walls },
    rules: { 'walls/imports': 'error' },
  },
  {
    // Time-zone arithmetic only in the clock module (scripts/eslint-clock.mjs); tests build instants freely.
    files: ['**/*.ts', '**/*.mjs', '**/*.js'],
    ignores: ['test/**', 'bench/**'],
    plugins: { clock },
    rules: { 'clock/one-clock': 'error' },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    // Plain .js files here are CommonJS on purpose (Jest config and setup, Node scripts).
    rules: { '@typescript-eslint/no-require-imports': 'off' },
    languageOptions: {
      globals: {
        console: 'readonly',
        process: 'readonly',
        module: 'writable',
        require: 'readonly',
        __dirname: 'readonly',
      },
    },
  },
  {
    // Scripts the end-to-end tests run inside the preview page: browser JavaScript.
    files: ['test/e2e/in-page/*.js'],
    languageOptions: {
      globals: { window: 'readonly', document: 'readonly', getComputedStyle: 'readonly', NodeFilter: 'readonly' },
    },
  },
  {
    // Tests load the mini-program's modules afresh on purpose (a cold start per test).
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // WXS is ES5 run by WeChat's own engine: `var`, `module.exports` and its built-ins are the language.
    files: ['**/*.wxs'],
    languageOptions: {
      globals: { module: 'writable', require: 'readonly', getRegExp: 'readonly', getDate: 'readonly' },
    },
    rules: { 'no-var': 'off', '@typescript-eslint/no-require-imports': 'off' },
  },
);
