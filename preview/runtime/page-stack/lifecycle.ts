/**
 * Calls into the app's lifecycle hooks, as WeChat does: each call logged (`App.onShow`,
 * `pages/me/index.onLoad`), and a throwing hook or a rejected promise reported to App.onError /
 * App.onUnhandledRejection without stopping navigation.
 */

/** The App() instance: its options with `this` = itself. */
export type AppInstance = Record<string, unknown> & { globalData?: unknown };

type Hook = (...args: unknown[]) => unknown;
const hookOf = (target: object | undefined, name: string): Hook | undefined => {
  const fn = (target as Record<string, unknown> | undefined)?.[name];
  return typeof fn === 'function' ? (fn as Hook) : undefined;
};

export class Lifecycle {
  /** Every hook called, in order. */
  readonly log: string[] = [];

  constructor(private readonly app: () => AppInstance | undefined) {}

  callApp(hook: string, ...args: unknown[]): unknown {
    const app = this.app();
    const fn = hookOf(app, hook);
    if (!fn) return undefined;
    this.log.push(`App.${hook}`);
    return this.guard(`App.${hook}`, () => fn.apply(app, args));
  }

  callPage(page: { route: string; instance: object }, hook: string, ...args: unknown[]): unknown {
    const fn = hookOf(page.instance, hook);
    if (!fn) return undefined;
    this.log.push(`${page.route}.${hook}`);
    return this.guard(`${page.route} ${hook}`, () => fn.apply(page.instance, args));
  }

  /** Whether the app defines `hook`. */
  appHas(hook: string): boolean {
    return hookOf(this.app(), hook) !== undefined;
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
    console.error(`${where} threw`, error);
    const message = error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error);
    hookOf(this.app(), 'onError')?.call(this.app(), message);
  }

  reportRejection(reason: unknown): void {
    const handler = hookOf(this.app(), 'onUnhandledRejection');
    if (handler) handler.call(this.app(), { reason, promise: Promise.reject(reason).catch(() => undefined) });
    else console.error('unhandled rejection', reason);
  }
}
