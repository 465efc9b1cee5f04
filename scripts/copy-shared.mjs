// Copies the rules both sides run (shared/*.ts) into miniprogram/shared/, because WeChat compiles
// only what is inside miniprogramRoot. The copies are generated like miniprogram_npm (npm install,
// npm run build) and ignored by git, so the repository holds each rule once.
// Plain JS so it runs from `npm install` before any TypeScript tooling is available.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'shared');
const target = join(root, 'miniprogram', 'shared');

rmSync(target, { recursive: true, force: true });
mkdirSync(target, { recursive: true });
const names = readdirSync(source).filter((name) => name.endsWith('.ts'));
// shared/ may import the contracts' types; one folder deeper, the copy reaches them one level further up.
const deeper = (text) => text.replace(/(from\s+')\.\.\/typings\//g, '$1../../typings/');
for (const name of names) {
  const header = `// Generated from shared/${name} by scripts/copy-shared.mjs (npm install, npm run build): do not edit.\n`;
  writeFileSync(join(target, name), header + deeper(readFileSync(join(source, name), 'utf8')));
}
console.log(`copy-shared: ${names.join(', ')} -> miniprogram/shared`);

// Rules only a subpackage's code runs, copied into it so they weigh on that subpackage, not on the
// main package (WeChat counts a file where it lies, whoever requires it).
const SUBPACKAGE_COPIES = { 'subpackages/todos/shared': ['repeat-rule.ts', 'repeat-words.ts'] };
for (const [folder, files] of Object.entries(SUBPACKAGE_COPIES)) {
  const into = join(root, 'miniprogram', folder);
  rmSync(into, { recursive: true, force: true });
  mkdirSync(into, { recursive: true });
  for (const name of files) {
    const text = readFileSync(join(source, name), 'utf8');
    if (/from\s+'\.\.\//.test(text))
      throw new Error(`shared/${name} imports outside shared/: it cannot be copied into ${folder}`);
    const header = `// Generated from shared/${name} by scripts/copy-shared.mjs (npm install, npm run build): do not edit.\n`;
    writeFileSync(join(into, name), header + text);
  }
  console.log(`copy-shared: ${files.join(', ')} -> miniprogram/${folder}`);
}
