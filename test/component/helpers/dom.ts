/** Reading and driving rendered components the way a person would: by text and by tap. */
import { eventually } from '../../helpers/eventually';
import type { Rendered } from './miniprogram';

type Node = Pick<Rendered, 'dom' | 'querySelector' | 'dispatchEvent'>;

/** Rendered text, one space between separate pieces, as a person reads the screen. */
export function textOf(component: Pick<Rendered, 'dom'>): string {
  const pieces: string[] = [];
  const walk = (node: globalThis.Node): void => {
    if (node.nodeType === 3) pieces.push(node.textContent ?? '');
    node.childNodes.forEach(walk);
  };
  if (component.dom) walk(component.dom);
  return pieces.join(' ').replace(/\s+/g, ' ').trim();
}

export async function waitForText(component: Pick<Rendered, 'dom'>, text: string, timeoutMs?: number): Promise<void> {
  await eventually(
    () => textOf(component).includes(text),
    () => `text "${text}" (shown: "${textOf(component)}")`,
    timeoutMs,
  );
}

/** Taps a Vant button (or any Vant component whose root carries `rootClass`) found by selector. */
export function tap(root: Node, selector: string, rootClass = '.van-button'): void {
  const target = root.querySelector(selector);
  if (!target) throw new Error(`nothing matches ${selector}`);
  const inner = target.querySelector(rootClass);
  (inner ?? target).dispatchEvent('tap');
}
