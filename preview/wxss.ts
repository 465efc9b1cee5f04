/**
 * WXSS to browser CSS, the parts WeChat's own compiler does that a browser does not:
 *   - `rpx` becomes `calc(N * var(--rpx))`, so 750rpx is the phone frame's width, whatever the window;
 *   - `vh`/`vw` become the phone screen's, not the desktop window's (`--vh`, `--vw`);
 *   - `@import 'x.wxss'` is inlined (the imported rules take the importing component's scope);
 *   - an isolated component's class selectors get its scope prefix (`.a` -> `.c3--a`), which is
 *     how glass-easel writes that component's class names to the DOM, and `:host` becomes the host
 *     attribute glass-easel sets (`[wx-host="c3"]`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface WxssOptions {
  /** Class prefix for an isolated component; undefined for app.wxss and shared (page) styles. */
  scope?: string;
  /** Reads an imported file; default fs. Returns undefined when it does not exist. */
  read?: (file: string) => string | undefined;
}

const UNIT = /(^|[^\w.-])(-?(?:\d+\.?\d*|\.\d+))(rpx|vh|vw)\b/g;
const UNIT_VAR: Record<string, string> = { rpx: '--rpx', vh: '--vh', vw: '--vw' };

/** Lengths only; a string or url() containing "rpx" is left alone. */
export function convertUnits(css: string): string {
  return mapOutsideStrings(css, (chunk) =>
    chunk.replace(
      UNIT,
      (_m, before: string, n: string, unit: string) => `${before}calc(${n} * var(${UNIT_VAR[unit]}))`,
    ),
  );
}

/** Applies `fn` to the parts of `css` outside quotes and url(...). */
function mapOutsideStrings(css: string, fn: (chunk: string) => string): string {
  let out = '';
  let start = 0;
  const re = /"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|url\([^)]*\)|\/\*[\s\S]*?\*\//g;
  for (let m = re.exec(css); m; m = re.exec(css)) {
    out += fn(css.slice(start, m.index)) + (m[0].startsWith('/*') ? '' : m[0]);
    start = m.index + m[0].length;
  }
  return out + fn(css.slice(start));
}

/** Prefixes class names in selectors; declarations and at-rule preludes are left as they are. */
export function scopeSelectors(css: string, scope: string): string {
  let out = '';
  let i = 0;
  let preludeStart = 0;
  // Depth of blocks whose content is declarations (inside a rule), not more rules.
  const stack: Array<'rules' | 'decls'> = [];
  const inDecls = (): boolean => stack[stack.length - 1] === 'decls';
  while (i < css.length) {
    const c = css[i];
    if (c === '"' || c === "'") {
      const end = skipString(css, i);
      i = end;
      continue;
    }
    if (c === '{') {
      const prelude = css.slice(preludeStart, i);
      if (inDecls()) {
        stack.push('decls');
        out += prelude + c;
      } else if (prelude.trim().startsWith('@')) {
        const rulesInside = /^\s*@(media|supports|document|layer|container)\b/.test(prelude);
        stack.push(rulesInside ? 'rules' : 'decls');
        out += prelude + c;
      } else {
        stack.push('decls');
        out += scopeSelector(prelude, scope) + c;
      }
      i++;
      preludeStart = i;
      continue;
    }
    if (c === '}') {
      out += css.slice(preludeStart, i) + c;
      stack.pop();
      i++;
      preludeStart = i;
      continue;
    }
    if (c === ';' && !inDecls()) {
      // A top-level statement such as @charset.
      out += css.slice(preludeStart, i + 1);
      i++;
      preludeStart = i;
      continue;
    }
    i++;
  }
  return out + css.slice(preludeStart);
}

function skipString(css: string, start: number): number {
  const quote = css[start];
  let i = start + 1;
  while (i < css.length && css[i] !== quote) i += css[i] === '\\' ? 2 : 1;
  return i + 1;
}

function scopeSelector(selector: string, scope: string): string {
  return selector
    .replace(/:host\b(?:\(([^)]*)\))?/g, (_m, inner: string | undefined) => `[wx-host="${scope}"]${inner ?? ''}`)
    .replace(/\.(-?[_a-zA-Z][\w-]*)/g, `.${scope}--$1`);
}

const IMPORT = /@import\s+(?:url\()?\s*(["'])([^"']+)\1\s*\)?\s*;?/g;

/** Inlines `@import`s (relative to `file`, or to `root` for a leading `/`), depth first, once each. */
export function inlineImports(
  css: string,
  file: string,
  root: string,
  read: (file: string) => string | undefined,
  seen = new Set<string>([file]),
): string {
  return css.replace(IMPORT, (whole, _q: string, target: string) => {
    if (/^(https?:)?\/\//.test(target)) return whole;
    const resolved = target.startsWith('/') ? path.join(root, target) : path.resolve(path.dirname(file), target);
    const withExt = resolved.endsWith('.wxss') || resolved.endsWith('.css') ? resolved : `${resolved}.wxss`;
    if (seen.has(withExt)) return '';
    seen.add(withExt);
    const text = read(withExt);
    if (text === undefined) return `/* @import ${target}: not found */`;
    return inlineImports(text, withExt, root, read, seen);
  });
}

const readIfExists = (file: string): string | undefined => {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
};

/** The whole transform for one .wxss file. */
export function compileWxss(file: string, root: string, options: WxssOptions = {}): string {
  const read = options.read ?? readIfExists;
  const source = read(file);
  if (source === undefined) return '';
  const inlined = convertUnits(inlineImports(source, file, root, read));
  return options.scope ? scopeSelectors(inlined, options.scope) : inlined;
}
