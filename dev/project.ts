/**
 * The HTTP access routes `npm start` serves: each function's `path` in cloudbaserc.json, the key
 * CloudBase's own tooling deploys them from (the CLI's `functions:deploy` hands each entry to
 * @cloudbase/manager-node, which creates the route with CreateCloudBaseGWAPI). So
 * `{ "name": "oa", "path": "/oa" }` serves the oa function at /oa there and at /http/oa locally.
 */
import type { HttpRoute } from 'cloudbase-local';
import { readCloudConfig } from '../deploy/config';
import { REPO_ROOT } from './app';

export function readHttpRoutes(root = REPO_ROOT): HttpRoute[] {
  return readCloudConfig(root).functions.flatMap((fn) =>
    fn.path === undefined ? [] : [{ path: fn.path, function: fn.name }],
  );
}

/** Each function's declared variables, by function name (cloudbaserc.json `envVariables`). */
export function readDeclaredEnv(root = REPO_ROOT): Record<string, string[]> {
  return Object.fromEntries(readCloudConfig(root).functions.map((fn) => [fn.name, fn.envVariables]));
}
