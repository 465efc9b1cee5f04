/**
 * Pages are built with `Component` (an official form: page lifecycles go in `methods`), which
 * gives them observers and behaviors and lets the component test harness load them. This keeps
 * the page flag in one place so every page's lifecycle methods are type-checked.
 *
 * Curried so a page names only its non-rendered instance fields and TypeScript infers the rest:
 * `definePage<{ timer?: number }>()({ data, methods })`.
 */
type DataOption = WechatMiniprogram.Component.DataOption;
type MethodOption = WechatMiniprogram.Component.MethodOption;
type NoProps = Record<string, never>;

export function definePage<TCustom extends WechatMiniprogram.IAnyObject = NoProps>() {
  return <TData extends DataOption, TMethod extends MethodOption>(
    options: WechatMiniprogram.Component.Options<TData, NoProps, TMethod, [], TCustom, true>,
  ): string => Component<TData, NoProps, TMethod, [], TCustom, true>(options);
}
