/**
 * The dev users a person can act as, each a separate openid with separate storage: the list kept in
 * localStorage, the current one chosen by `?user=` or the last one used.
 */
const USERS_KEY = 'mp-preview:users';
const USER_KEY = 'mp-preview:user';
const DEFAULT_USERS = ['dev_alice', 'dev_bob'];
const OPENID = /^[\w-]{1,64}$/;

export const isDevOpenid = (value: string): boolean => OPENID.test(value);

export interface DevUsers {
  list: string[];
  current: string;
}

/** Reads the list, adds `requested` (when it is a valid openid) and makes it current, and saves both. */
export function devUsers(requested: string | null): DevUsers {
  let list: string[];
  try {
    const stored = JSON.parse(localStorage.getItem(USERS_KEY) ?? '[]') as unknown;
    list = Array.isArray(stored) ? stored.filter((x): x is string => typeof x === 'string' && isDevOpenid(x)) : [];
  } catch {
    list = [];
  }
  for (const u of DEFAULT_USERS) if (!list.includes(u)) list.push(u);
  let current = localStorage.getItem(USER_KEY) ?? DEFAULT_USERS[0];
  if (requested && isDevOpenid(requested)) current = requested;
  if (!list.includes(current)) list.push(current);
  localStorage.setItem(USERS_KEY, JSON.stringify(list));
  localStorage.setItem(USER_KEY, current);
  return { list, current };
}

/** Starts the app afresh as `openid`, as `?user=` does. */
export function switchUser(openid: string): void {
  const url = new URL(location.href);
  url.searchParams.set('user', openid);
  location.href = url.toString();
}
