/**
 * Prints the main package's size as an upload with `ignoreUploadUnusedFiles` sends it: only the
 * files reachable from app.json (pages, their components, the Vant components actually used and
 * what they require, WXS, WXSS imports, images), with TypeScript compiled and minified as
 * DevTools does with `minified: true`. Exits non-zero past the budget.
 */
import { transformSync } from 'esbuild';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

export const BUDGET_BYTES = 256 * 1024;
// WeChat's own limit for the main package.
const WECHAT_LIMIT_BYTES = 2 * 1024 * 1024;

interface Entry {
  file: string;
  bytes: number;
}

export class PackageWalker {
  private readonly seen = new Map<string, number>();

  constructor(private readonly root: string) {}

  walk(): Entry[] {
    const appJson = join(this.root, 'app.json');
    const app = this.json(appJson) as {
      pages: string[];
      usingComponents?: Record<string, string>;
      themeLocation?: string;
      sitemapLocation?: string;
      tabBar?: { list: Array<{ iconPath?: string; selectedIconPath?: string }> };
    };
    this.add(appJson);
    for (const extra of [app.themeLocation, app.sitemapLocation]) if (extra) this.add(join(this.root, extra));
    // `@name` icons come from theme.json, one file per theme.
    const theme = app.themeLocation
      ? (this.json(join(this.root, app.themeLocation)) as Record<string, Record<string, string>>)
      : {};
    for (const tab of app.tabBar?.list ?? []) {
      for (const icon of [tab.iconPath, tab.selectedIconPath]) {
        if (!icon) continue;
        const files = icon.startsWith('@') ? Object.values(theme).map((vars) => vars[icon.slice(1)]) : [icon];
        for (const file of files) if (file) this.add(join(this.root, file));
      }
    }
    this.unit(join(this.root, 'app'), app.usingComponents ?? {});
    for (const page of app.pages) this.component(join(this.root, page));
    return [...this.seen].map(([file, bytes]) => ({ file: relative(this.root, file), bytes }));
  }

  /** A page or component: its four files, its components, recursively. */
  private component(base: string): void {
    if (this.seen.has(`${base}.json`)) return;
    const json = this.json(`${base}.json`) as { usingComponents?: Record<string, string> };
    this.add(`${base}.json`);
    this.unit(base, json.usingComponents ?? {});
  }

  private unit(base: string, using: Record<string, string>): void {
    this.script(base);
    this.template(`${base}.wxml`);
    this.style(`${base}.wxss`);
    for (const target of Object.values(using)) {
      // Plugins and generics are not files in this package.
      if (target.startsWith('plugin://')) continue;
      this.component(this.resolveComponent(base, target));
    }
  }

  private resolveComponent(from: string, target: string): string {
    if (target.startsWith('/')) return join(this.root, target);
    if (target.startsWith('.')) return resolve(dirname(from), target);
    // Bare names are npm packages, as DevTools' "build npm" lays them out.
    return join(this.root, 'miniprogram_npm', target);
  }

  /** A .ts or .js module and everything it requires, as the minified JS that ships. */
  private script(base: string): void {
    const source = [`${base}.ts`, `${base}.js`].find((f) => existsSync(f));
    if (!source || this.seen.has(source)) return;
    let text = readFileSync(source, 'utf8');
    // DevTools' TypeScript plugin emits CommonJS per file, as tsc does; then `minified` shrinks it.
    if (source.endsWith('.ts')) {
      text = ts.transpileModule(text, {
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2018, esModuleInterop: false },
      }).outputText;
    }
    const { code } = transformSync(text, { loader: 'js', minify: true, target: 'es2018' });
    this.seen.set(source, Buffer.byteLength(code));
    for (const match of code.matchAll(/require\(["']([^"']+)["']\)/g)) {
      const spec = match[1];
      if (!spec.startsWith('.')) continue;
      const target = resolve(dirname(source), spec).replace(/\.(ts|js)$/, '');
      this.script(existsSync(`${target}.ts`) || existsSync(`${target}.js`) ? target : join(target, 'index'));
    }
  }

  private template(file: string): void {
    if (!existsSync(file) || this.seen.has(file)) return;
    const text = readFileSync(file, 'utf8');
    this.add(file);
    for (const match of text.matchAll(/<(?:wxs|import|include)\b[^>]*\bsrc=["']([^"'{}]+)["']/g)) {
      const target = this.resolveAsset(file, match[1]);
      if (target.endsWith('.wxs')) this.wxs(target);
      else this.template(target.endsWith('.wxml') ? target : `${target}.wxml`);
    }
    // Any attribute naming a package image: `src` of <image>, and component properties such as
    // van-empty's `image`.
    for (const match of text.matchAll(/\b[\w-]+=["'](\/[^"'{}]+\.(?:png|jpe?g|gif|svg|webp))["']/g)) {
      this.add(this.resolveAsset(file, match[1]));
    }
  }

  private wxs(file: string): void {
    if (!existsSync(file) || this.seen.has(file)) return;
    this.add(file);
    for (const match of readFileSync(file, 'utf8').matchAll(/require\(["']([^"']+)["']\)/g)) {
      this.wxs(resolve(dirname(file), match[1]));
    }
  }

  private style(file: string): void {
    if (!existsSync(file) || this.seen.has(file)) return;
    this.add(file);
    for (const match of readFileSync(file, 'utf8').matchAll(/@import\s+["']([^"']+)["']/g)) {
      this.style(this.resolveAsset(file, match[1]));
    }
  }

  private resolveAsset(from: string, target: string): string {
    return target.startsWith('/') ? join(this.root, target) : resolve(dirname(from), target);
  }

  private json(file: string): unknown {
    if (!existsSync(file)) throw new Error(`${relative(this.root, file)} is referenced but missing`);
    return JSON.parse(readFileSync(file, 'utf8'));
  }

  private add(file: string): void {
    if (!existsSync(file)) throw new Error(`${relative(this.root, file)} is referenced but missing`);
    this.seen.set(file, statSync(file).size);
  }
}

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

function main(): void {
  const root = join(__dirname, '..', 'miniprogram');
  if (!existsSync(join(root, 'miniprogram_npm'))) {
    console.error('miniprogram_npm is missing: run `npm install` (or `npm run build`) first');
    process.exit(1);
  }
  const entries = new PackageWalker(root).walk();
  const total = entries.reduce((sum, e) => sum + e.bytes, 0);
  const byKind = new Map<string, number>();
  for (const e of entries) {
    const kind = e.file.startsWith('miniprogram_npm/')
      ? 'npm (Vant)'
      : e.file.startsWith('i18n/')
        ? 'catalogues'
        : extname(e.file).slice(1);
    byKind.set(kind, (byKind.get(kind) ?? 0) + e.bytes);
  }
  console.log(`main package: ${total} bytes (${kb(total)}) in ${entries.length} files`);
  for (const [kind, bytes] of [...byKind].sort((a, b) => b[1] - a[1])) console.log(`  ${kind.padEnd(12)} ${kb(bytes)}`);
  console.log(
    `budget ${kb(BUDGET_BYTES)} (WeChat's limit ${kb(WECHAT_LIMIT_BYTES)}): ${total <= BUDGET_BYTES ? 'within' : 'OVER'}`,
  );
  if (total > BUDGET_BYTES) process.exit(1);
}

if (require.main === module) main();
