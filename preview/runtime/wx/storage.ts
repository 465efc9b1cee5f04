/** Storage is localStorage, one namespace per dev user, values kept as JSON (as WeChat serialises). */
import { asyncApi, WxError, type Wx } from './api';
import type { WxArea } from './context';

function userStorage(openid: () => string) {
  const prefix = (): string => `mp:${openid()}:`;
  const keys = (): string[] =>
    Object.keys(localStorage)
      .filter((k) => k.startsWith(prefix()))
      .map((k) => k.slice(prefix().length));
  return {
    get(key: string): unknown {
      const raw = localStorage.getItem(prefix() + key);
      if (raw === null) return undefined;
      try {
        return JSON.parse(raw) as unknown;
      } catch {
        return undefined;
      }
    },
    set(key: string, value: unknown): void {
      localStorage.setItem(prefix() + key, JSON.stringify(value));
    },
    remove(key: string): void {
      localStorage.removeItem(prefix() + key);
    },
    clear(): void {
      for (const key of keys()) localStorage.removeItem(prefix() + key);
    },
    keys,
  };
}

export const storage: WxArea = (ctx) => {
  const store = userStorage(ctx.openid);
  return {
    getStorageSync: ((key: string) => store.get(key) ?? '') as Wx['getStorageSync'],
    setStorageSync: ((key: string, value: unknown) => store.set(key, value)) as Wx['setStorageSync'],
    removeStorageSync: (key: string) => store.remove(key),
    clearStorageSync: () => store.clear(),
    getStorageInfoSync: () => ({ keys: store.keys(), currentSize: 0, limitSize: 10240 }),
    getStorage: asyncApi('getStorage', async (o) => {
      const value = store.get(o.key);
      if (value === undefined) throw new WxError('getStorage:fail data not found');
      return { data: value as never };
    }),
    setStorage: asyncApi('setStorage', async (o) => (store.set(o.key, o.data), {})),
    removeStorage: asyncApi('removeStorage', async (o) => (store.remove(o.key), {})),
    clearStorage: asyncApi('clearStorage', async () => (store.clear(), {})),
  };
};
