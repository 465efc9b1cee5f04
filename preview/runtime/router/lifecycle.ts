/**
 * Calls into the app's lifecycle hooks, as WeChat does: each call logged (`App.onShow`,
 * `pages/me/index.onLoad`), and a throwing hook or a rejected promise reported to App.onError /
 * App.onUnhandledRejection without stopping navigation.
 */
import type { PageInstance } from '../types';

/** The App() instance: its options with `this` = itself. */
export type AppInstance = Record<string, unknown> & { globalData?: unknown };

export class Lifecycle {
  /** Every hook called, in order. */
  readonly log: string[] = [];

  constructor(private readonly app: () => AppInstance | undefined) {}

  callApp(hook: string, ...args: unknown[]): unknown {
    const app = this.app();
    const fn = app?.[hook];
    if (typeof fn !== 'function') return undefined;
    this.log.push(`App.${hook}`);
    return this.guard(`App.${hook}`, () => (fn as (...a: unknown[]) => unknown).apply(app, args));
  }

  callPage(page: { route: string; instance: PageInstance }, hook: string, ...args: unknown[]): unknown {
    const fn = page.instance[hook];
    if (typeof fn !== 'function') return undefined;
    this.log.push(`${page.route}.${hook}`);
    return this.guard(`${page.route} ${hook}`, () => (fn as (...a: unknown[]) => unknown).apply(page.instance, args));
  }

  /** Whether the app defines `hook`. */
  appHas(hook: string): boolean {
    return typeof this.app()?.[hook] === 'function';
  }

  /** A throwing lifecycle goes to App.onError, as in WeChat, and never stops navigation. */
  private guard(where: string, run: () => unknown): unknown {
    try {
      const result = run();
      if (result instanceof Promise) {
        result.catch((error: unknown) => this.reportRejection(error));
      }
      return result;
    } catch (error) {
      this.reportError(where, error);
      return undefined;
    }
  }

  reportError(where: string, error: unknown): void {
    console.error(`[preview] ${where} threw`, error);
    const message = error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error);
    const onError = this.app()?.onError;
    if (typeof onError === 'function') (onError as (m: string) => void).call(this.app(), message);
  }

  reportRejection(reason: unknown): void {
    const handler = this.app()?.onUnhandledRejection;
    if (typeof handler === 'function') {
      (handler as (r: { reason: unknown; promise: Promise<unknown> }) => void).call(this.app(), {
        reason,
        promise: Promise.reject(reason).catch(() => undefined),
      });
    } else console.error('[preview] unhandled rejection', reason);
  }
}
