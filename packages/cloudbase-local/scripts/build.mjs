// Builds what other projects run with plain Node: src/*.ts transpiled file by file to dist/*.js
// (esbuild), the inspector page bundled for the browser, and, unless --js-only, the type
// declarations (tsc). `npm install` runs it through `prepare`; the repository's `npm run build`
// refreshes the JavaScript only, since its type check already covers the sources.
import { execFileSync } from 'node:child_process';
import { copyFileSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SRC = join(ROOT, 'src');
const DIST = join(ROOT, 'dist');
const PAGE = join('inspector', 'page');
const jsOnly = process.argv.includes('--js-only');

/** Every .ts file under src/ except declarations and the browser page. */
function sources(dir = SRC) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = join(dir, entry.name);
    if (entry.isDirectory()) return relative(SRC, file) === PAGE ? [] : sources(file);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [file] : [];
  });
}

const started = performance.now();
// A JavaScript-only refresh keeps the declarations of the last full build.
if (!jsOnly) rmSync(DIST, { recursive: true, force: true });
await build({
  entryPoints: sources(),
  outdir: DIST,
  outbase: SRC,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
});
// The page is served as it is built here; the sources are not shipped.
await build({
  entryPoints: [join(SRC, PAGE, 'main.ts')],
  outfile: join(DIST, PAGE, 'app.js'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2020',
  minify: true,
  logLevel: 'warning',
});
for (const file of ['index.html', 'theme.css', 'layout.css'])
  copyFileSync(join(SRC, PAGE, file), join(DIST, PAGE, file));
if (!jsOnly) {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.json'), '--emitDeclarationOnly'], {
    stdio: 'inherit',
  });
}
console.log(
  `cloudbase-local: built dist/ in ${Math.round(performance.now() - started)} ms${jsOnly ? ' (JavaScript only)' : ''}`,
);
