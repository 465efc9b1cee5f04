// Jest globalSetup for the cloud tests: bundle cloudfunctions/* once, before any worker starts
// a local cloud that runs them (so test files never race to write the same index.js).
const { execFileSync } = require('node:child_process');
const { join } = require('node:path');

module.exports = () => {
  const root = join(__dirname, '../..');
  execFileSync(join(root, 'node_modules/.bin/tsx'), [join(root, 'scripts/build-functions.ts')], { stdio: 'ignore' });
};
