/**
 * HTTP access routes: a path served by a function. A route serves its path and everything below
 * it (`/oa` serves `/oa` and `/oa/x`), the longest matching route wins, and the function sees the
 * request path relative to its route (`/oa/x` -> `/x`, `/oa` -> `/`), as CloudBase's HTTP access
 * service does.
 */
import { FUNCTION_NAME } from '../functions/config';

export interface HttpRoute {
  /** Starts with `/`, e.g. `/oa`; `/` serves every path. */
  path: string;
  /** The cloud function that answers it. */
  function: string;
}

export interface RouteMatch {
  route: HttpRoute;
  /** The request path below the route's path, always starting with `/`. */
  subpath: string;
}

/** Checks and normalises routes (trailing slashes dropped); throws on a bad or repeated path. */
export function normalizeRoutes(routes: readonly HttpRoute[]): HttpRoute[] {
  const seen = new Set<string>();
  return routes.map(({ path, function: fn }) => {
    if (typeof path !== 'string' || !path.startsWith('/') || /\s|\?|#/.test(path)) {
      throw new Error(`HTTP access path "${String(path)}" must start with / and hold no spaces, ? or #`);
    }
    if (typeof fn !== 'string' || !FUNCTION_NAME.test(fn))
      throw new Error(`HTTP access path ${path}: bad function name "${String(fn)}"`);
    const normalized = path.length > 1 ? path.replace(/\/+$/, '') || '/' : path;
    if (seen.has(normalized)) throw new Error(`HTTP access path ${normalized} is declared twice`);
    seen.add(normalized);
    return { path: normalized, function: fn };
  });
}

export function matchRoute(routes: readonly HttpRoute[], requestPath: string): RouteMatch | undefined {
  let best: RouteMatch | undefined;
  for (const route of routes) {
    const base = route.path === '/' ? '' : route.path;
    if (requestPath !== base && !requestPath.startsWith(`${base}/`) && !(base === '' && requestPath === '')) continue;
    if (best && best.route.path.length >= route.path.length) continue;
    best = { route, subpath: requestPath.slice(base.length) || '/' };
  }
  return best;
}
