/**
 * The factories every page and component is built with, so each kind of unit has one place for
 * what all its instances share, and its lifecycle methods are type-checked.
 */
import type { AppOption } from '../types';

type DataOption = WechatMiniprogram.Component.DataOption;
type PropertyOption = WechatMiniprogram.Component.PropertyOption;
type MethodOption = WechatMiniprogram.Component.MethodOption;
type NoProps = Record<string, never>;

/**
 * Pages are built with `Component` (an official form: page lifecycles go in `methods`), which
 * gives them observers and behaviors and lets the component test harness load them.
 *
 * Curried so a page names only its non-rendered instance fields and TypeScript infers the rest:
 * `definePage<{ timer?: number }>()({ data, methods })`.
 */
export function definePage<TCustom extends WechatMiniprogram.IAnyObject = NoProps>() {
  return <TData extends DataOption, TMethod extends MethodOption>(
    options: WechatMiniprogram.Component.Options<TData, NoProps, TMethod, [], TCustom, true>,
  ): string => Component<TData, NoProps, TMethod, [], TCustom, true>(options);
}

/**
 * Custom components, as vant-weapp's VantComponent does for its own: an error thrown in a
 * component's lifetime reaches the app's error log. Curried like definePage:
 * `defineComponent<{ timer?: number }>()<Data, Props, Methods>({ ... })`.
 */
export function defineComponent<TCustom extends WechatMiniprogram.IAnyObject = NoProps>() {
  return <TData extends DataOption, TProperty extends PropertyOption, TMethod extends MethodOption>(
    options: WechatMiniprogram.Component.Options<TData, TProperty, TMethod, [], TCustom, false>,
  ): string =>
    Component<TData, TProperty, TMethod, [], TCustom, false>({
      ...options,
      lifetimes: {
        error(error: Error) {
          getApp<AppOption>().recordError('component', error);
        },
        ...options.lifetimes,
      },
    });
}
