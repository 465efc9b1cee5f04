/**
 * A chat reply's Markdown, parsed here (./parse.ts) and rendered from its blocks: every word is a
 * text node, so nothing the model writes can become markup. While a reply streams, only the blocks
 * from the first one that changed are set (`blocks[3]`), so an update redraws the paragraph being
 * written. A tap on a link copies its address (a mini-program cannot open arbitrary web pages); a
 * code block has its own copy button.
 */
import { parseMarkdown, type Block } from './parse';
import { strings, type Catalogue } from '../../../i18n/index';
import { copyText } from '../../../utils/clipboard';
import { defineComponent } from '../../../utils/define';

type DataEvent<T extends WechatMiniprogram.IAnyObject> = WechatMiniprogram.BaseEvent<Record<string, never>, T>;

defineComponent()<
  { t: Catalogue['markdown']; blocks: Block[] },
  { text: StringConstructor },
  {
    render(): void;
    onLink(event: DataEvent<{ href: string }>): void;
    onCopyCode(event: DataEvent<{ index: number }>): void;
  }
>({
  properties: {
    /** The reply's Markdown. */
    text: String,
  },
  data: { t: strings().markdown, blocks: [] },
  observers: {
    text() {
      this.render();
    },
  },
  lifetimes: {
    attached() {
      this.setData({ t: strings().markdown });
      this.render();
    },
  },
  methods: {
    render() {
      const old = this.data.blocks;
      const next = parseMarkdown(this.data.text);
      const same = (a: Block, b: Block): boolean => JSON.stringify(a) === JSON.stringify(b);
      let first = 0;
      while (first < old.length && first < next.length && same(old[first], next[first])) first++;
      if (next.length < old.length) return this.setData({ blocks: next });
      const update: Record<string, Block> = {};
      for (let i = first; i < next.length; i++) update[`blocks[${i}]`] = next[i];
      if (Object.keys(update).length) this.setData(update);
    },
    onLink(event) {
      copyText(event.currentTarget.dataset.href, this.data.t.linkCopied);
    },
    onCopyCode(event) {
      const block = this.data.blocks[event.currentTarget.dataset.index];
      if (block?.type === 'code') copyText(block.text, this.data.t.codeCopied);
    },
  },
});
