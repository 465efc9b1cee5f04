// Copies the Vant components the app uses into miniprogram_npm, file for file the bytes WeChat
// DevTools' "build npm" (packNpmManually) copies from the package's `miniprogram` dir. Which ones
// is read from app.json and every usingComponents it reaches, never from a list kept by hand:
// - the main package's miniprogram_npm holds what main-package pages and components use;
// - a subpackage that uses components the main package does not gets its own miniprogram_npm with
//   those, so they download with it (WeChat resolves an npm path from the nearest miniprogram_npm
//   up the tree, so the subpackage still reaches the main package's copy for the rest);
// - each component comes with the folders its files refer to (`../picker/index`, `../common/...`,
//   and the parent or children its relations name).
// Plain JS so it runs from `npm install` before any TypeScript tooling is available.
import { cpSync, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, posix, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const PACKAGES = ['@vant/weapp'];

const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));

/** Every page and component app.json reaches, each with the npm components it uses directly. */
export function componentUse(miniprogram) {
  const app = readJson(join(miniprogram, 'app.json'));
  const subpackages = (app.subPackages ?? app.subpackages ?? []).map((p) => ({
    root: posix.normalize(`${p.root}/`),
    pages: p.pages ?? [],
  }));
  const units = new Map();
  const visit = (unit, using) => {
    if (units.has(unit)) return;
    const npm = [];
    units.set(unit, npm);
    for (const target of Object.values(using ?? {})) {
      if (target.startsWith('plugin://')) continue;
      if (target.startsWith('/') || target.startsWith('.')) {
        const next = target.startsWith('/')
          ? posix.normalize(target.slice(1))
          : posix.join(posix.dirname(unit), target);
        const json = join(miniprogram, `${next}.json`);
        if (existsSync(json)) visit(next, readJson(json).usingComponents);
      } else npm.push(target);
    }
  };
  visit('app', app.usingComponents);
  const pages = [...app.pages, ...subpackages.flatMap((s) => s.pages.map((p) => posix.join(s.root, p)))];
  for (const page of pages) visit(page, readJson(join(miniprogram, `${page}.json`)).usingComponents);
  const packageOf = (unit) => subpackages.find((s) => unit.startsWith(s.root))?.root ?? '';
  return { units, subpackages: subpackages.map((s) => s.root), packageOf };
}

/** The top-level folders of an npm package's build that `folders` need, following `../x/` references. */
export function folderClosure(dist, folders) {
  const needed = new Set();
  const add = (folder) => {
    if (needed.has(folder) || !existsSync(join(dist, folder))) return;
    needed.add(folder);
    for (const file of readdirSync(join(dist, folder), { recursive: true })) {
      const path = join(dist, folder, String(file));
      if (!/\.(js|json|wxml|wxss|wxs)$/.test(path)) continue;
      const text = readFileSync(path, 'utf8');
      for (const match of text.matchAll(/\.\.\/([\w-]+)\//g)) add(match[1]);
      // Relations name their sibling by folder (`useParent('checkbox-group')` is ../checkbox-group/index).
      for (const match of text.matchAll(/use(?:Parent|Children)\)?\(\s*['"]([\w-]+)['"]/g)) add(match[1]);
    }
  };
  folders.forEach(add);
  return [...needed].sort();
}

/** Which folders of package `name` go to which miniprogram_npm (by package root, '' for the main one). */
export function plan(miniprogram, name, dist) {
  const { units, subpackages, packageOf } = componentUse(miniprogram);
  const used = new Map([['', new Set()], ...subpackages.map((root) => [root, new Set()])]);
  for (const [unit, npm] of units) {
    for (const target of npm) {
      if (target.startsWith(`${name}/`)) used.get(packageOf(unit)).add(target.slice(name.length + 1).split('/')[0]);
    }
  }
  const main = folderClosure(dist, [...used.get('')]);
  const copies = new Map([['', main]]);
  for (const root of subpackages) {
    const own = [...used.get(root)].filter((folder) => !main.includes(folder));
    copies.set(root, own.length ? folderClosure(dist, own) : []);
  }
  return copies;
}

function vendor() {
  const miniprogram = join(repo, 'miniprogram');
  // Subpackages get a copy only while they need one: start from none.
  for (const root of componentUse(miniprogram).subpackages) {
    rmSync(join(miniprogram, root, 'miniprogram_npm'), { recursive: true, force: true });
  }
  for (const name of PACKAGES) {
    const pkgDir = join(repo, 'node_modules', name);
    const manifest = join(pkgDir, 'package.json');
    if (!existsSync(manifest)) {
      console.error(`vendor-npm: ${name} is not installed; run npm install first`);
      process.exit(1);
    }
    // DevTools reads the `miniprogram` field of package.json (Vant: "lib").
    const { miniprogram: distDir = 'miniprogram_dist' } = readJson(manifest);
    const dist = join(pkgDir, distDir);
    for (const [root, folders] of plan(miniprogram, name, dist)) {
      const dest = join(miniprogram, root, 'miniprogram_npm', name);
      rmSync(dest, { recursive: true, force: true });
      for (const folder of folders) cpSync(join(dist, folder), join(dest, folder), { recursive: true });
      if (folders.length) console.log(`vendor-npm: ${name} ${folders.join(' ')} -> ${relative(repo, dest)}`);
    }
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) vendor();
