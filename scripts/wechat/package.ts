/**
 * The files an upload sends, as WeChat's compiler produces them (TypeScript as the JavaScript it
 * becomes, with the babel helpers it adds; only what `ignoreUploadUnusedFiles` keeps): their sizes
 * per package and per part, the main package's budget, and requires they cannot satisfy. This is
 * the one count of the package size; `npm run size` prints it and `npm run compile` gates on it.
 */
import { posix } from 'node:path';
import { kb } from './report';

/** Our budget for the main package: room to grow under WeChat's own 2 MB limit. */
export const MAIN_BUDGET_BYTES = 220 * 1024;

export const MAIN_PACKAGE = '__APP__';

export interface PackageSize {
  /** `__APP__` for the main package, else the subpackage root, as WeChat names them. */
  name: string;
  bytes: number;
  files: number;
  /** Bytes per part (`Vant`, `js`, `wxml`, ...), largest first. */
  parts: Array<{ part: string; bytes: number; files: number }>;
}

export type CompiledFiles = Record<string, string | Buffer>;

export const byteLength = (content: string | Buffer): number =>
  typeof content === 'string' ? Buffer.byteLength(content) : content.length;

/** What a compiled file is part of: npm copies, the helpers babel adds, the catalogues, else its extension. */
export function partOf(file: string): string {
  if (file.startsWith('miniprogram_npm/') || file.includes('/miniprogram_npm/')) return 'Vant';
  if (file.startsWith('@babel/runtime/')) return 'babel helpers';
  if (file.startsWith('i18n/')) return 'catalogues';
  return posix.extname(file).slice(1) || 'other';
}

/** Subpackage roots as WeChat normalises them (`sub/`), from app.json's either spelling. */
export function subpackageRoots(appJson: unknown): string[] {
  const app = appJson as { subpackages?: Array<{ root: string }>; subPackages?: Array<{ root: string }> };
  return (app.subpackages ?? app.subPackages ?? []).map((p) => posix.normalize(`${p.root}/`));
}

/** Bytes per package of a compiled result (the files an upload zips), main package first. */
export function packageSizes(files: CompiledFiles, appJson: unknown): PackageSize[] {
  const roots = subpackageRoots(appJson);
  const packages = new Map<string, Map<string, { bytes: number; files: number }>>([[MAIN_PACKAGE, new Map()]]);
  for (const [file, content] of Object.entries(files)) {
    const name = roots.find((root) => file.startsWith(root)) ?? MAIN_PACKAGE;
    const parts = packages.get(name) ?? new Map<string, { bytes: number; files: number }>();
    const part = partOf(name === MAIN_PACKAGE ? file : file.slice(name.length));
    const sum = parts.get(part) ?? { bytes: 0, files: 0 };
    sum.bytes += byteLength(content);
    sum.files += 1;
    parts.set(part, sum);
    packages.set(name, parts);
  }
  return [...packages].map(([name, parts]) => {
    const list = [...parts].map(([part, sum]) => ({ part, ...sum })).sort((a, b) => b.bytes - a.bytes);
    return {
      name,
      bytes: list.reduce((total, p) => total + p.bytes, 0),
      files: list.reduce((total, p) => total + p.files, 0),
      parts: list,
    };
  });
}

export const packageLabel = (size: PackageSize): string =>
  size.name === MAIN_PACKAGE ? 'main package' : `subpackage ${size.name}`;

/** Every package over a limit, as a sentence each: WeChat's limit per package, our budget for the main one. */
export function sizeProblems(sizes: PackageSize[], packageLimit: number, mainBudget = MAIN_BUDGET_BYTES): string[] {
  const problems: string[] = [];
  for (const size of sizes) {
    const label = packageLabel(size);
    if (size.bytes > packageLimit) {
      problems.push(`${label} ${kb(size.bytes)} is over WeChat's ${kb(packageLimit)} limit`);
    } else if (size.name === MAIN_PACKAGE && size.bytes > mainBudget) {
      problems.push(`${label} ${kb(size.bytes)} is over its ${kb(mainBudget)} budget`);
    }
  }
  return problems;
}

/**
 * Relative `require`s of compiled JavaScript that no file of the upload satisfies, as
 * `from -> request`. WeChat's require adds `.js` but never `/index.js`, and `ignoreUploadUnusedFiles`
 * drops a module reached only through a folder (`require('../i18n')`), so such a require ships broken.
 * A WXS module's `require` names its file whole, and a wrong path fails only when the page renders.
 */
export function missingModules(files: CompiledFiles): string[] {
  const missing: string[] = [];
  for (const [file, content] of Object.entries(files)) {
    if (!file.endsWith('.js') && !file.endsWith('.wxs')) continue;
    const code = typeof content === 'string' ? content : content.toString('utf8');
    for (const match of code.matchAll(/\brequire\(\s*["'](\.{1,2}\/[^"']*)["']\s*\)/g)) {
      const target = posix.join(posix.dirname(file), match[1]);
      if (!(target in files) && !(`${target}.js` in files)) missing.push(`${file} -> ${match[1]}`);
    }
  }
  return missing;
}

/**
 * Components used from another subpackage without a placeholder, as `user: <tag> -> path`. WeChat
 * renders a `componentPlaceholder` until that subpackage is downloaded, and throws when there is
 * none; the placeholder itself must be usable at once (a built-in, or a component of the main
 * package or of the user's own).
 */
export function placeholderProblems(files: CompiledFiles, appJson: unknown): string[] {
  const roots = subpackageRoots(appJson);
  const packageOf = (file: string): string => roots.find((root) => file.startsWith(root)) ?? MAIN_PACKAGE;
  const problems: string[] = [];
  for (const [file, content] of Object.entries(files)) {
    if (!file.endsWith('.json')) continue;
    let config: { usingComponents?: Record<string, string>; componentPlaceholder?: Record<string, string> };
    try {
      config = JSON.parse(typeof content === 'string' ? content : content.toString('utf8')) as typeof config;
    } catch {
      continue;
    }
    const using = config.usingComponents ?? {};
    const own = packageOf(file);
    const usable = (target: string): boolean => {
      const at = packageOf(target.startsWith('/') ? target.slice(1) : posix.join(posix.dirname(file), target));
      return at === MAIN_PACKAGE || at === own;
    };
    const user = file.replace(/\.json$/, '');
    for (const [tag, target] of Object.entries(using)) {
      if (target.startsWith('plugin://') || usable(target)) continue;
      const placeholder = config.componentPlaceholder?.[tag];
      if (!placeholder) problems.push(`${user}: <${tag}> -> ${target} has no componentPlaceholder`);
      else if (using[placeholder] && !usable(using[placeholder])) {
        problems.push(`${user}: <${tag}>'s placeholder <${placeholder}> is in another subpackage too`);
      }
    }
  }
  return problems;
}
