// Copies mini-program npm dependencies into miniprogram/miniprogram_npm, the same bytes that
// WeChat DevTools' "build npm" (packNpmManually) produces: each package's `miniprogram` dir.
// Plain JS so it runs from `npm install` before any TypeScript tooling is available.
import { cpSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, 'miniprogram', 'miniprogram_npm');
const packages = ['@vant/weapp'];

for (const name of packages) {
  const pkgDir = join(root, 'node_modules', name);
  const manifest = join(pkgDir, 'package.json');
  if (!existsSync(manifest)) {
    console.error(`vendor-npm: ${name} is not installed; run npm install first`);
    process.exit(1);
  }
  // DevTools reads the `miniprogram` field of package.json (Vant: "lib").
  const { miniprogram = 'miniprogram_dist' } = JSON.parse(readFileSync(manifest, 'utf8'));
  const dest = join(target, name);
  rmSync(dest, { recursive: true, force: true });
  cpSync(join(pkgDir, miniprogram), dest, { recursive: true });
}
console.log(`vendor-npm: ${packages.join(', ')} -> miniprogram/miniprogram_npm`);
