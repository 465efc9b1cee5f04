/**
 * A chat reply's Markdown, rendered from the blocks `utils/markdown` parses: every word is a text
 * node, so nothing the model writes can become markup. A tap on a link copies its address (a
 * mini-program cannot open arbitrary web pages); a code block has its own copy button.
 */
import type { Block } from '../../../utils/markdown';
import { strings, type Catalogue } from '../../../i18n/index';
import { copyText } from '../../../utils/clipboard';
import { defineComponent } from '../../../utils/define';

type DataEvent<T extends WechatMiniprogram.IAnyObject> = WechatMiniprogram.BaseEvent<Record<string, never>, T>;

defineComponent()<
  { t: Catalogue['markdown'] },
  { blocks: { type: ArrayConstructor; value: Block[] } },
  { onLink(event: DataEvent<{ href: string }>): void; onCopyCode(event: DataEvent<{ index: number }>): void }
>({
  properties: {
    blocks: { type: Array, value: [] as Block[] },
  },
  data: { t: strings().markdown },
  lifetimes: {
    attached() {
      this.setData({ t: strings().markdown });
    },
  },
  methods: {
    onLink(event) {
      copyText(event.currentTarget.dataset.href, this.data.t.linkCopied);
    },
    onCopyCode(event) {
      const block = this.data.blocks[event.currentTarget.dataset.index];
      if (block?.type === 'code') copyText(block.text, this.data.t.codeCopied);
    },
  },
});
