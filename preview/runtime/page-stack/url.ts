/** Mini-program URLs: `/pages/x/index?a=1`, or relative to the page navigating (`../y/index`). */
export type Query = Record<string, string>;

export function parseUrl(url: string, from?: string): { route: string; query: Query } {
  const [rawPath, search = ''] = url.split('?');
  let route = rawPath.replace(/^\/+/, '');
  if (!rawPath.startsWith('/') && from) {
    const parts = from.split('/').slice(0, -1);
    for (const part of rawPath.split('/')) {
      if (part === '..') parts.pop();
      else if (part !== '.' && part !== '') parts.push(part);
    }
    route = parts.join('/');
  }
  route = route.replace(/\.html$/, '');
  const query: Query = {};
  for (const [k, v] of new URLSearchParams(search)) query[k] = v;
  return { route, query };
}

export function urlOf(route: string, query: Query): string {
  const search = new URLSearchParams(query).toString();
  return `/${route}${search ? `?${search}` : ''}`;
}
