// Jest globalSetup for the e2e tests: stop at once, with the fix, when there is no browser;
// then bundle the cloud functions the tests' local cloud runs.
const fs = require('node:fs');
const buildFunctions = require('../../helpers/build-functions.global.js');

const candidates = [
  process.env.CHROMIUM_PATH,
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
];

module.exports = () => {
  if (!candidates.some((p) => p && fs.existsSync(p))) {
    throw new Error(
      'The end-to-end tests need Chromium and found none at ' +
        candidates.filter(Boolean).join(', ') +
        '.\nInstall it with: sudo apt-get update && sudo apt-get install -y chromium  (or set CHROMIUM_PATH).',
    );
  }
  buildFunctions();
};
