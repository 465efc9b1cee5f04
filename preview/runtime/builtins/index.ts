/**
 * WeChat's built-in components as web elements, one file each. Each is a glass-easel component whose
 * host element is the real thing (`<input>`, `<button>`), or an element styled the way the base
 * library does it (`<image>` paints a background, as WeChat's own image does). Events are the
 * mini-program's, with the detail WeChat gives; the DOM's own events are not forwarded (see env.ts),
 * so nothing fires twice. A new built-in is a file here and a line in BUILTINS.
 */
import type { CodeSpace } from 'glass-easel-miniprogram-adapter';
import { button } from './button';
import type { Builtin, BuiltinHost } from './define';
import { input, textarea } from './field';
import { icon } from './icon';
import { image } from './image';
import { navigatorBuiltin } from './navigator';
import { picker } from './picker';
import { richText } from './rich-text';
import { scrollView } from './scroll-view';
import { swiper } from './swiper';
import { switchBuiltin } from './switch';

export type { BuiltinHost } from './define';

const BUILTINS: Builtin[] = [
  image,
  input,
  textarea,
  button,
  scrollView,
  swiper,
  navigatorBuiltin,
  picker,
  switchBuiltin,
  icon,
  richText,
];

/** Registers every built-in as a global component of the main code space; returns their tags. */
export function registerBuiltins(codeSpace: CodeSpace, host: BuiltinHost): string[] {
  const space = codeSpace.getComponentSpace();
  for (const b of BUILTINS) b.register(space, host);
  return BUILTINS.map((b) => b.tag);
}
