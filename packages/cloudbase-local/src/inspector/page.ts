/**
 * The inspector page's files: index.html and its style sheets as they are, and app.js. The built
 * package ships app.js bundled; from the sources, esbuild bundles page/*.ts on the first request (a
 * few tens of ms) and keeps it until a source file changes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RouteHandler } from '../service';
import { sendBytes, sendJson } from '../wire/http';

const PAGE_DIR = path.join(__dirname, 'page');

let script: { stamp: string; text: Promise<string> } | undefined;

/** The newest modification time among the page's sources: a change means a rebuild. */
function sourcesStamp(): string {
  let newest = 0;
  for (const entry of fs.readdirSync(PAGE_DIR, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && entry.name.endsWith('.ts')) {
      newest = Math.max(newest, fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
    }
  }
  return String(newest);
}

async function bundle(): Promise<string> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [path.join(PAGE_DIR, 'main.ts')],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    sourcemap: 'inline',
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

const BUILT_SCRIPT = path.join(PAGE_DIR, 'app.js');

function pageScript(): Promise<string> {
  if (fs.existsSync(BUILT_SCRIPT)) {
    script ??= { stamp: 'built', text: fs.promises.readFile(BUILT_SCRIPT, 'utf8') };
    return script.text;
  }
  const stamp = sourcesStamp();
  if (script?.stamp !== stamp) {
    const text = bundle();
    script = { stamp, text };
    // A failed build is not kept: the next request tries again.
    text.catch(() => {
      if (script?.text === text) script = undefined;
    });
  }
  return script.text;
}

const STATIC: Record<string, { file: string; type: string }> = {
  '/_/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/_': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/_/theme.css': { file: 'theme.css', type: 'text/css; charset=utf-8' },
  '/_/layout.css': { file: 'layout.css', type: 'text/css; charset=utf-8' },
};

/** Serves the page's files; answers false for any other path. */
export const servePage: RouteHandler = async (req, res, url) => {
  if (url.pathname === '/_/app.js') {
    try {
      sendBytes(req, res, 200, 'text/javascript; charset=utf-8', await pageScript());
    } catch (error) {
      sendJson(req, res, 500, { code: 'BUILD_FAILED', message: (error as Error).message });
    }
    return true;
  }
  const entry = STATIC[url.pathname];
  if (!entry) return false;
  sendBytes(req, res, 200, entry.type, fs.readFileSync(path.join(PAGE_DIR, entry.file)));
  return true;
};
