/**
 * Where the person is lives in the URL (`/_/?tab=database&collection=todos&doc=abc`), so a reload,
 * a bookmark or a shared link opens the same tab and selection.
 */

export type Params = Record<string, string | undefined>;

const listeners = new Set<() => void>();

/** A query parameter of the current URL, '' when absent. */
export function param(name: string): string {
  return new URL(location.href).searchParams.get(name) ?? '';
}

/**
 * Changes the URL (`undefined` or '' removes a parameter) and tells the listeners. A new selection
 * is a history entry (Back returns to it); typing in a filter only replaces the current one.
 */
export function go(changes: Params, mode: 'push' | 'replace' = 'push'): void {
  const url = new URL(location.href);
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined || value === '') url.searchParams.delete(key);
    else url.searchParams.set(key, value);
  }
  if (url.href === location.href) return;
  if (mode === 'push') history.pushState(null, '', url);
  else history.replaceState(null, '', url);
  for (const listener of listeners) listener();
}

function searchOf(params: Params): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value) search.set(key, value);
  return `?${search.toString()}`;
}

/** Opens a place given whole (`{tab, collection, doc}`): nothing of the current URL is kept. */
export function open(params: Params): void {
  history.pushState(null, '', searchOf(params));
  for (const listener of listeners) listener();
}

/** A real link to a place (it opens in a new tab too); a plain click opens it here without a reload. */
export function placeLink(text: string, params: Params, className = ''): HTMLAnchorElement {
  const link = document.createElement('a');
  link.href = searchOf(params);
  link.textContent = text;
  if (className) link.className = className;
  link.onclick = (event) => {
    if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    open(params);
  };
  return link;
}

export function onNavigate(listener: () => void): void {
  listeners.add(listener);
}

addEventListener('popstate', () => {
  for (const listener of listeners) listener();
});
