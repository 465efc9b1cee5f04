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

export function onNavigate(listener: () => void): void {
  listeners.add(listener);
}

addEventListener('popstate', () => {
  for (const listener of listeners) listener();
});
