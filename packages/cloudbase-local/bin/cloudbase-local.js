#!/usr/bin/env node
// The command runs the compiled package (dist/), which `npm install` builds through `prepare`.
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const entry = join(__dirname, '..', 'dist', 'index.js');
if (!existsSync(entry)) {
  console.error(
    `cloudbase-local is not built (${entry} is missing): run \`npm run build\` in ${join(__dirname, '..')}`,
  );
  process.exitCode = 1;
} else {
  void require(entry).main(process.argv.slice(2));
}
