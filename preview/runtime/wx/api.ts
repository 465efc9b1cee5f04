/**
 * The base library's calling convention, typed by miniprogram-api-typings: every implementation takes
 * the typings' option type and resolves the typings' success type; without callbacks the call
 * returns a promise, with any of success / fail / complete it calls them and returns undefined.
 */
export type Wx = WechatMiniprogram.Wx;
/** The `wx` members that are functions (not `wx.cloud`, `wx.env`). */
export type ApiName = { [K in keyof Wx]: Wx[K] extends (...args: never[]) => unknown ? K : never }[keyof Wx];
type Fn<K extends ApiName> = Extract<Wx[K], (...args: never[]) => unknown>;
export type OptionOf<K extends ApiName> = NonNullable<Parameters<Fn<K>>[0]>;
export type SuccessOf<K extends ApiName> =
  OptionOf<K> extends { success?: (result: infer R) => void } ? Omit<R, 'errMsg'> : Record<string, never>;
export type Callbacks = {
  success?: (r: unknown) => void;
  fail?: (e: unknown) => void;
  complete?: (r: unknown) => void;
};

/** A failure with WeChat's own errMsg (and errCode where WeChat gives one), passed to the app as is. */
export class WxError extends Error {
  constructor(
    readonly errMsg: string,
    readonly errCode?: number,
  ) {
    super(errMsg);
  }
}

/** The promise to the caller, or its outcome to the callbacks when the caller gave any. */
export function settle(run: Promise<unknown>, o: Callbacks): Promise<unknown> | undefined {
  if (!o.success && !o.fail && !o.complete) return run;
  run.then(
    (r) => {
      o.success?.(r);
      o.complete?.(r);
    },
    (e: unknown) => {
      o.fail?.(e);
      o.complete?.(e);
    },
  );
  return undefined;
}

/** `wx.<name>` around an async implementation: `<name>:ok` on success, `<name>:fail <reason>` on failure. */
export function asyncApi<K extends ApiName>(
  name: K,
  impl: (option: OptionOf<K>) => Promise<SuccessOf<K>> | SuccessOf<K>,
): Wx[K] {
  const api = (option?: OptionOf<K>): Promise<unknown> | undefined => {
    const o = (option ?? {}) as OptionOf<K> & Callbacks;
    const run = (async () => {
      try {
        return { errMsg: `${String(name)}:ok`, ...(await impl(o)) };
      } catch (error) {
        if (error instanceof WxError)
          throw { errMsg: error.errMsg, ...(error.errCode !== undefined ? { errCode: error.errCode } : {}) };
        throw { errMsg: `${String(name)}:fail ${error instanceof Error ? error.message : String(error)}` };
      }
    })();
    return settle(run, o);
  };
  return api as unknown as Wx[K];
}
