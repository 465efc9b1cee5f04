/**
 * `process.env` inside a worker that serves several invocations at once: CloudBase gives each
 * instance one caller at a time and `cloud.getWXContext()` reads the caller from the environment,
 * so here each invocation's own variables (the keys the host sets per call) live in its async
 * context, and everything else is the process's. Reads in an invocation's code, and in the SDK
 * calls it makes, see that invocation's caller.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** One invocation's variables; null: the caller has none (the key reads as unset). */
export type Overlay = Record<string, string | null>;

export function scopedEnvironment(
  real: NodeJS.ProcessEnv,
  context: AsyncLocalStorage<{ env: Overlay }>,
): NodeJS.ProcessEnv {
  const base: Record<string, string | undefined> = { ...real };
  const own = (key: string | symbol): Overlay | undefined => {
    const overlay = context.getStore()?.env;
    return typeof key === 'string' && overlay && Object.prototype.hasOwnProperty.call(overlay, key)
      ? overlay
      : undefined;
  };
  return new Proxy(base, {
    get(target, key) {
      const overlay = own(key);
      if (overlay) return overlay[key as string] ?? undefined;
      return Reflect.get(target, key);
    },
    set(target, key, value) {
      const overlay = own(key);
      const text = String(value);
      if (overlay) overlay[key as string] = text;
      else Reflect.set(target, key, text);
      // Node applies a new TZ only through the real environment object.
      if (key === 'TZ') real.TZ = text;
      return true;
    },
    deleteProperty(target, key) {
      const overlay = own(key);
      if (overlay) overlay[key as string] = null;
      else Reflect.deleteProperty(target, key);
      return true;
    },
    has(target, key) {
      const overlay = own(key);
      return overlay ? overlay[key as string] !== null : Reflect.has(target, key);
    },
    ownKeys(target) {
      const overlay = context.getStore()?.env ?? {};
      const keys = new Set(Reflect.ownKeys(target));
      for (const [key, value] of Object.entries(overlay)) {
        if (value === null) keys.delete(key);
        else keys.add(key);
      }
      return [...keys];
    },
    getOwnPropertyDescriptor(target, key) {
      const overlay = own(key);
      if (!overlay) return Reflect.getOwnPropertyDescriptor(target, key);
      const value = overlay[key as string];
      return value === null ? undefined : { value, writable: true, enumerable: true, configurable: true };
    },
  }) as NodeJS.ProcessEnv;
}
