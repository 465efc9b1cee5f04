/**
 * What `npm start` reads from the project besides the functions and collections: the HTTP access
 * routes, from cloudbaserc.json as CloudBase's own tooling reads them. The CloudBase CLI's
 * `functions:deploy` hands each entry of `functions` to @cloudbase/manager-node, which creates an
 * HTTP access route (CreateCloudBaseGWAPI) for an entry's `path`; so `{ "name": "oa", "path": "/oa" }`
 * serves the oa function at /oa there and at /http/oa in the local cloud.
 */
import * as fs from 'node:fs';
import { join } from 'node:path';
import type { HttpRoute } from '../emulator';
import { REPO_ROOT } from './app';

export const PROJECT_FILE = join(REPO_ROOT, 'cloudbaserc.json');

/** The routes the project declares; none when the file is absent. Throws on a file that cannot be read. */
export function readHttpRoutes(file = PROJECT_FILE): HttpRoute[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  const functions = typeof config === 'object' && config !== null ? (config as { functions?: unknown }).functions : [];
  if (functions === undefined) return [];
  if (!Array.isArray(functions)) throw new Error(`${file}: "functions" must be a list`);
  return functions.flatMap((entry: unknown) => {
    if (typeof entry !== 'object' || entry === null) return [];
    const { name, path } = entry as { name?: unknown; path?: unknown };
    if (path === undefined) return [];
    if (typeof name !== 'string' || typeof path !== 'string') {
      throw new Error(`${file}: a function's "name" and "path" must be strings`);
    }
    return [{ path, function: name }];
  });
}
