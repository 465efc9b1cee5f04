/**
 * Serves the browser preview from the local cloud's own port:
 *   GET /                      the preview page (the app in a phone frame); `#/pages/x/index?a=1` opens a page
 *   GET /__preview/preview.js  the bundle (and .css, .js.map)
 *   GET /__preview/mp/<path>   the mini-program's own static files (images, fonts, media)
 *   GET /__preview/fonts/...   Vant's icon font, from npm (./offline.ts)
 * A request for `/` rebuilds first when a source changed since the last build (reload to see edits).
 */
import * as fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as path from 'node:path';
import { contentTypeOf, isMediaType, type LocalCloud } from 'cloudbase-local';
import { buildPreview, REPO_ROOT, type BuildOptions, type BuildResult } from './build';
import { ICON_FONT_URL, vantIconFont } from './offline';

export interface PreviewOptions extends BuildOptions {
  /** Where to say things (build time, warnings). */
  log?: (line: string) => void;
  /**
   * Subscription templates by id, with the title WeChat's prompt shows for each (the one given
   * in the admin console); an id not listed is shown as a generic reminder.
   */
  subscribeTemplates?: Record<string, string>;
}

/** What the runtime reads from the page before it boots (`window.__mpPreviewSettings`). */
export interface PreviewSettings {
  subscribeTemplates: Record<string, string>;
}

export interface Preview {
  /** The URL to open. */
  url: string;
  /** The build being served. */
  build(): BuildResult;
  /** Rebuilds when a source changed (always when `force`). */
  refresh(force?: boolean): Promise<BuildResult>;
}

function page(build: BuildResult, settings: PreviewSettings): string {
  const v = Math.round(build.buildMs * 1000).toString(36) + build.jsBytes.toString(36);
  // `<` escaped so no value can close the script element.
  const json = JSON.stringify(settings).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>Mini-program preview</title>
<link rel="icon" type="image/png" href="/__preview/mp/images/tab/todos-active-light.png">
<link rel="stylesheet" href="/__preview/preview.css?v=${v}">
</head>
<body>
<noscript>The preview needs JavaScript.</noscript>
<script>window.__mpPreviewSettings = ${json};</script>
<script src="/__preview/preview.js?v=${v}"></script>
</body>
</html>
`;
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, {
    'content-type': type,
    'cache-control': 'no-cache',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

export async function attachPreview(
  cloud: Pick<LocalCloud, 'url' | 'registerRoute'>,
  options: PreviewOptions = {},
): Promise<Preview> {
  const log = options.log ?? ((line: string) => console.log(line));
  const root = path.resolve(options.root ?? path.join(REPO_ROOT, 'miniprogram'));
  const buildOptions: BuildOptions = { ...options, root, warn: (line) => log(`  preview: ${line}`) };
  let current = await buildPreview(buildOptions);
  let pending: Promise<BuildResult> | undefined;
  const refresh = (force = false): Promise<BuildResult> => {
    pending ??= buildPreview({ ...buildOptions, force }).then(
      (result) => {
        if (!result.cached) log(`preview rebuilt in ${Math.round(result.buildMs)} ms`);
        current = result;
        return result;
      },
      (error: unknown) => {
        log(`preview build failed: ${(error as Error).message}`);
        return current;
      },
    );
    const running = pending;
    void running.finally(() => {
      if (pending === running) pending = undefined;
    });
    return running;
  };

  const settings: PreviewSettings = { subscribeTemplates: options.subscribeTemplates ?? {} };
  let iconFont: Buffer | undefined;
  cloud.registerRoute(async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const { pathname } = url;
    if (pathname === '/' || pathname === '/index.html') {
      send(res, 200, 'text/html; charset=utf-8', page(await refresh(), settings));
      return true;
    }
    if (!pathname.startsWith('/__preview/')) return false;
    const rest = decodeURIComponent(pathname.slice('/__preview/'.length));
    const files: Record<string, [string, string]> = {
      'preview.js': [current.js, 'text/javascript; charset=utf-8'],
      'preview.js.map': [`${current.js}.map`, 'application/json'],
      'preview.css': [current.css, 'text/css; charset=utf-8'],
    };
    if (pathname === ICON_FONT_URL) {
      iconFont ??= vantIconFont();
      res.writeHead(200, { 'content-type': 'font/woff2', 'cache-control': 'max-age=86400' });
      res.end(iconFont);
      return true;
    }
    const built = files[rest];
    if (built) {
      send(res, 200, built[1], fs.readFileSync(built[0]));
      return true;
    }
    if (rest.startsWith('mp/')) {
      const file = path.resolve(root, rest.slice(3));
      const type = contentTypeOf(file);
      if (!file.startsWith(root + path.sep) || !isMediaType(type) || !fs.existsSync(file)) {
        send(res, 404, 'text/plain', `no static file ${rest.slice(3)}`);
      } else send(res, 200, type, fs.readFileSync(file));
      return true;
    }
    send(res, 404, 'text/plain', `no preview file ${rest}`);
    return true;
  });

  return { url: `${cloud.url}/`, build: () => current, refresh };
}
