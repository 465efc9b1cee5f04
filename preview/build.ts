/**
 * The browser preview's build: walks `app.json` and every `usingComponents` from the pages, compiles
 * each component's WXML (glass-easel-template-compiler) and WXSS (./wxss), and bundles the
 * mini-program's own TypeScript with the runtime (esbuild). Nothing is copied: the bundle requires
 * the files in miniprogram/ where they are.
 *
 * Output: `<outDir>/preview.js`, `preview.css`, `manifest.json`; reused while no input changed
 * (a stat of every file under miniprogram/ and preview/, so a cached start costs milliseconds).
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { TmplGroup } from 'glass-easel-template-compiler';
import { localIconFont } from './offline';
import { pageRoutes, type PackagedPages } from './runtime/pages';
import { compileWxss } from './wxss';

export const REPO_ROOT = path.resolve(__dirname, '..');
export const DEFAULT_OUT_DIR = path.join(REPO_ROOT, 'node_modules', '.cache', 'mp-preview');

export interface BuildOptions {
  /** The mini-program root (with app.json); default miniprogram/. */
  root?: string;
  outDir?: string;
  /** Rebuild even when the cache is current. */
  force?: boolean;
  /** Warnings (template errors, missing components) go here; default console.warn. */
  warn?: (line: string) => void;
}

export interface BuildResult {
  js: string;
  css: string;
  /** Milliseconds this call took (a cache hit is a few ms). */
  ms: number;
  /** The build that produced the files (equal to `ms` unless cached). */
  buildMs: number;
  cached: boolean;
  jsBytes: number;
  cssBytes: number;
  pages: string[];
  components: string[];
  warnings: string[];
}

/** What the runtime gets for each component: its path, merged JSON, and how to evaluate its code. */
interface ComponentEntry {
  /** Component path without extension or leading slash, e.g. `pages/me/index`. */
  is: string;
  script: string;
  config: Record<string, unknown>;
  wxss?: string;
  /** Class prefix when its styles are isolated. */
  scope?: string;
}

type AppJson = PackagedPages & { usingComponents?: Record<string, string> };

const readJson = <T>(file: string): T => JSON.parse(fs.readFileSync(file, 'utf8')) as T;

function scriptOf(base: string): string | undefined {
  for (const ext of ['.ts', '.js']) if (fs.existsSync(base + ext)) return base + ext;
  return undefined;
}

/** Every file under `dir` with its size and mtime, for the cache key. */
function fingerprint(dirs: string[], extra: string[]): string {
  const hash = createHash('sha256');
  const walk = (dir: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else {
        const stat = fs.statSync(full);
        hash.update(`${full}\0${stat.size}\0${stat.mtimeMs}\n`);
      }
    }
  };
  dirs.forEach(walk);
  extra.forEach((s) => hash.update(s));
  return hash.digest('hex');
}

/**
 * WXS as glass-easel 0.12.1 runs it. Scripts are registered without the `.wxs` extension because the
 * compiler looks them up that way (`<wxs src="./f.wxs">` asks for `pages/me/f`), so `require('./x.wxs')`
 * inside WXS is rewritten to match; and `x.constructor` is a type name in WXS ("Array"), not a function.
 */
export function transformWxs(source: string): string {
  return keepUnknownEscapes(source)
    .replace(/require\(\s*(["'])([^"']+?)\.wxs\1\s*\)/g, 'require($1$2$1)')
    .replace(/([\w$]+(?:\.[\w$]+|\[\d+\])*)\.constructor\b/g, '__wxsType($1)');
}

/**
 * WXS keeps a backslash before a character that is no JS escape, so `getRegExp('^\\d+$')` in WXS
 * source means the regexp \\d+; in JS the same literal is 'd+' (repro: Vant's add-unit.wxs turns
 * 40 into "40" instead of "40px"). Doubling those backslashes gives JS the WXS meaning.
 */
/**
 * WXML as the browser needs it: WeChat's `aria-role` is the web's `role` (the other `aria-*`
 * attributes are the same on both), so screen readers and tests see the roles WeChat's do.
 */
export function transformWxml(source: string): string {
  return source.replace(/(\s)aria-role=/g, '$1role=');
}

const JS_ESCAPES = new Set(["'", '"', '\\', 'b', 'f', 'n', 'r', 't', 'v', '0', 'x', 'u', '\n']);

function keepUnknownEscapes(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"/g, (token) =>
    token.startsWith('/')
      ? token
      : token.replace(/\\([\s\S])/g, (pair, c: string) => (JS_ESCAPES.has(c) ? pair : `\\${pair}`)),
  );
}

/** Built-ins of the WXS language that glass-easel does not provide (in scope of every WXS module). */
const WXS_RUNTIME = [
  'var getRegExp=function(p,f){return new RegExp(p,f)};',
  'var getDate=function(){var a=Array.prototype.slice.call(arguments);return a.length?new (Function.prototype.bind.apply(Date,[null].concat(a)))():new Date()};',
  "var __wxsType=function(x){if(x===null||x===undefined)return x;if(Array.isArray(x))return 'Array';if(x instanceof Date)return 'Date';if(x instanceof RegExp)return 'RegExp';var t=typeof x;return t==='object'?'Object':t.charAt(0).toUpperCase()+t.slice(1)};",
].join('');

class Walker {
  readonly components = new Map<string, ComponentEntry>();
  readonly warnings: string[] = [];
  readonly group = new TmplGroup();
  private readonly templates = new Set<string>();
  private readonly scripts = new Set<string>();
  private scopeCount = 0;

  constructor(
    private readonly root: string,
    private readonly globalUsing: Record<string, string>,
  ) {}

  warn(text: string): void {
    this.warnings.push(text);
  }

  /** WeChat's resolution: `/abs`, `./rel`, or an npm path searched in miniprogram_npm up the tree. */
  resolve(from: string, target: string): string | undefined {
    const exists = (is: string): boolean => fs.existsSync(path.join(this.root, `${is}.json`));
    const candidates: string[] = [];
    if (target.startsWith('/')) candidates.push(path.posix.normalize(target.slice(1)));
    else if (target.startsWith('.')) candidates.push(path.posix.join(path.posix.dirname(from), target));
    else {
      let dir = path.posix.dirname(from);
      for (;;) {
        const base = dir === '.' ? 'miniprogram_npm' : `${dir}/miniprogram_npm`;
        candidates.push(`${base}/${target}`, `${base}/${target}/index`);
        if (dir === '.') break;
        dir = path.posix.dirname(dir);
      }
      candidates.push(path.posix.join(path.posix.dirname(from), target));
    }
    return candidates.find(exists);
  }

  add(is: string, isPage: boolean): void {
    if (this.components.has(is)) return;
    const base = path.join(this.root, is);
    const script = scriptOf(base);
    if (!script || !fs.existsSync(`${base}.json`)) {
      this.warn(`${is}: no ${fs.existsSync(`${base}.json`) ? 'script' : 'json'} file; skipped`);
      return;
    }
    const config = readJson<Record<string, unknown>>(`${base}.json`);
    const using: Record<string, string> = {};
    const declared = { ...this.globalUsing, ...((config.usingComponents as Record<string, string>) ?? {}) };
    const entry: ComponentEntry = { is, script, config };
    this.components.set(is, entry);
    for (const [tag, target] of Object.entries(declared)) {
      if (target.startsWith('plugin://')) {
        this.warn(`${is}: <${tag}> is a plugin component (${target}); plugins are not in the preview`);
        continue;
      }
      const resolved = this.resolve(is, target);
      if (!resolved) {
        this.warn(`${is}: <${tag}> -> ${target} not found`);
        continue;
      }
      using[tag] = `/${resolved}`;
      this.add(resolved, false);
    }
    for (const [name, generic] of Object.entries((config.componentGenerics as Record<string, unknown>) ?? {})) {
      const fallback = typeof generic === 'object' && generic ? (generic as { default?: string }).default : undefined;
      if (fallback) {
        const resolved = this.resolve(is, fallback);
        if (resolved) {
          (generic as { default?: string }).default = `/${resolved}`;
          this.add(resolved, false);
        } else this.warn(`${is}: generic ${name} default ${fallback} not found`);
      }
    }
    config.usingComponents = using;
    // A component (component: true) is isolated unless it says otherwise; pages share app styles.
    const isolation = config.styleIsolation as string | undefined;
    const isolated = !isPage && config.component === true && isolation !== 'shared' && isolation !== 'page-shared';
    if (isolated) entry.scope = `c${++this.scopeCount}`;
    if (fs.existsSync(`${base}.wxss`)) entry.wxss = `${base}.wxss`;
    if (fs.existsSync(`${base}.wxml`)) this.addTemplate(is);
  }

  private addTemplate(is: string): void {
    if (this.templates.has(is)) return;
    this.templates.add(is);
    const file = path.join(this.root, `${is}.wxml`);
    if (!fs.existsSync(file)) {
      this.warn(`template ${is}.wxml not found`);
      return;
    }
    const problems = this.group.addTmpl(is, transformWxml(fs.readFileSync(file, 'utf8'))) as Array<{
      message?: string;
      startLine?: number;
      isError?: boolean;
    }>;
    for (const p of problems ?? []) this.warn(`${is}.wxml:${(p.startLine ?? 0) + 1}: ${p.message ?? String(p)}`);
    for (const dep of this.group.getDirectDependencies(is) as string[]) this.addTemplate(dep);
    for (const dep of this.group.getScriptDependencies(is) as string[]) this.addScript(dep);
  }

  private addScript(is: string): void {
    if (this.scripts.has(is)) return;
    this.scripts.add(is);
    const file = path.join(this.root, `${is}.wxs`);
    if (!fs.existsSync(file)) {
      this.warn(`WXS ${is}.wxs not found`);
      return;
    }
    const source = fs.readFileSync(file, 'utf8');
    this.group.addScript(is, transformWxs(source));
    for (const m of source.matchAll(/require\(\s*["']([^"']+)["']\s*\)/g)) {
      const target = m[1].replace(/\.wxs$/, '');
      this.addScript(target.startsWith('/') ? target.slice(1) : path.posix.join(path.posix.dirname(is), target));
    }
  }
}

const js = (value: unknown): string => JSON.stringify(value);

/** Resolves `@name` values of app.json's window/tabBar against theme.json (done at run time by theme). */
function entrySource(root: string, app: AppJson, components: ComponentEntry[]): string {
  const runtime = path.join(REPO_ROOT, 'preview', 'runtime', 'index.ts');
  const themeFile = path.join(root, 'theme.json');
  const theme = fs.existsSync(themeFile) ? readJson<unknown>(themeFile) : null;
  const lines = [
    `import { boot } from ${js(runtime)};`,
    `import templates from 'mp-preview:templates';`,
    'boot({',
    `  appJson: ${js(app)},`,
    `  theme: ${js(theme)},`,
    '  templates,',
    `  app: () => require(${js(scriptOf(path.join(root, 'app')) ?? '')}),`,
    '  components: [',
    ...components.map(
      (c) =>
        `    { is: ${js(c.is)}, config: ${js(c.config)}, scope: ${js(c.scope ?? null)}, load: () => require(${js(c.script)}) },`,
    ),
    '  ],',
    '});',
  ];
  return lines.join('\n');
}

export async function buildPreview(options: BuildOptions = {}): Promise<BuildResult> {
  const started = performance.now();
  const root = path.resolve(options.root ?? path.join(REPO_ROOT, 'miniprogram'));
  const outDir = options.outDir ?? DEFAULT_OUT_DIR;
  const warn = options.warn ?? ((line: string) => console.warn(`[preview] ${line}`));
  const jsFile = path.join(outDir, 'preview.js');
  const cssFile = path.join(outDir, 'preview.css');
  const manifestFile = path.join(outDir, 'manifest.json');
  const key = fingerprint([root, path.join(REPO_ROOT, 'preview')], [process.version]);

  if (!options.force && fs.existsSync(manifestFile) && fs.existsSync(jsFile) && fs.existsSync(cssFile)) {
    let manifest: (Omit<BuildResult, 'ms' | 'cached'> & { key: string }) | undefined;
    try {
      manifest = readJson(manifestFile);
    } catch {
      manifest = undefined; // half-written by a build in another process: build again
    }
    if (manifest?.key === key) {
      const { key: _key, ...rest } = manifest;
      return { ...rest, js: jsFile, css: cssFile, ms: performance.now() - started, cached: true };
    }
  }

  const app = readJson<AppJson>(path.join(root, 'app.json'));
  const walker = new Walker(root, app.usingComponents ?? {});
  walker.group.setExtraRuntimeScript(WXS_RUNTIME);
  const pages = pageRoutes(app);
  // Subpackage components load with everything else: the page shows them, never their componentPlaceholder.
  for (const page of pages) walker.add(page, true);
  const components = [...walker.components.values()];
  const templates = `module.exports = ${walker.group.getTmplGenObjectGroups()};`;
  walker.group.free();

  const cssParts = [`/* app.wxss */\n${compileWxss(path.join(root, 'app.wxss'), root)}`];
  for (const c of components) {
    if (c.wxss) cssParts.push(`/* ${c.is}.wxss */\n${compileWxss(c.wxss, root, c.scope ? { scope: c.scope } : {})}`);
  }
  // Fonts from CDNs are served by the preview itself: nothing it shows needs the internet.
  const css = localIconFont(cssParts.join('\n'));

  fs.mkdirSync(path.dirname(outDir), { recursive: true });
  // Built aside and renamed into place: a second process (a test, npm start) never reads half a file.
  const staging = fs.mkdtempSync(path.join(path.dirname(outDir), `${path.basename(outDir)}-`));
  const result = await esbuild.build({
    stdin: { contents: entrySource(root, app, components), resolveDir: REPO_ROOT, sourcefile: 'preview-entry.js' },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    outfile: path.join(staging, 'preview.js'),
    sourcemap: 'linked',
    logLevel: 'silent',
    // glass-easel's development build checks process.env.NODE_ENV; the warnings it prints are useful here.
    define: { 'process.env.NODE_ENV': '"development"' },
    plugins: [
      {
        name: 'mp-preview-templates',
        setup(build) {
          build.onResolve({ filter: /^mp-preview:templates$/ }, () => ({ path: 'templates', namespace: 'mp-preview' }));
          build.onLoad({ filter: /.*/, namespace: 'mp-preview' }, () => ({ contents: templates, loader: 'js' }));
        },
      },
    ],
  });
  for (const w of result.warnings) walker.warn(`esbuild: ${w.text}`);
  fs.writeFileSync(path.join(staging, 'preview.css'), css);
  for (const w of walker.warnings) warn(w);

  const buildMs = performance.now() - started;
  const summary = {
    jsBytes: fs.statSync(path.join(staging, 'preview.js')).size,
    cssBytes: fs.statSync(path.join(staging, 'preview.css')).size,
    pages,
    components: components.map((c) => c.is),
    warnings: walker.warnings,
    buildMs,
  };
  fs.writeFileSync(path.join(staging, 'manifest.json'), JSON.stringify({ key, ...summary }, null, 2));
  fs.mkdirSync(outDir, { recursive: true });
  for (const name of ['preview.js', 'preview.js.map', 'preview.css', 'manifest.json']) {
    fs.renameSync(path.join(staging, name), path.join(outDir, name));
  }
  fs.rmSync(staging, { recursive: true, force: true });
  return { ...summary, js: jsFile, css: cssFile, ms: buildMs, cached: false };
}
