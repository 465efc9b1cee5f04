/**
 * The person's conversations in a drawer, newest activity first, loaded each time it opens and a
 * page at a time: pick one (`pick`), start a new one (`new`), rename (`renamed`) or delete
 * (`removed`) one through the chat function.
 */
import type { Conversation } from '../../../../typings/chat';
import { fill, strings, type Catalogue } from '../../../i18n/index';
import { chat } from '../../../services/chat';
import { showError } from '../../../services/errors';
import { defineComponent } from '../../../utils/define';

type IndexEvent = WechatMiniprogram.BaseEvent<Record<string, never>, { index: number }>;

defineComponent<{ cursor: string | null; generation: number }>()<
  {
    t: Catalogue['chat'];
    common: Catalogue['common'];
    items: Conversation[];
    loading: boolean;
    failed: boolean;
    hasMore: boolean;
  },
  { show: BooleanConstructor; current: StringConstructor },
  {
    load(more: boolean): Promise<void>;
    onClose(): void;
    onNew(): void;
    onRetry(): void;
    onMore(): void;
    onPick(event: IndexEvent): void;
    onActions(event: IndexEvent): Promise<void>;
    rename(item: Conversation): Promise<void>;
    remove(item: Conversation): Promise<void>;
  }
>({
  properties: {
    show: Boolean,
    /** The conversation on screen, marked in the list. */
    current: String,
  },
  data: {
    t: strings().chat,
    common: strings().common,
    items: [],
    loading: false,
    failed: false,
    hasMore: false,
  },
  observers: {
    show(show: boolean) {
      if (show) void this.load(false);
    },
  },
  lifetimes: {
    created() {
      this.cursor = null;
      this.generation = 0;
    },
    attached() {
      this.setData({ t: strings().chat, common: strings().common });
    },
  },
  methods: {
    async load(more) {
      if (more && (!this.cursor || this.data.loading)) return;
      const generation = ++this.generation;
      this.setData({ loading: true, failed: false });
      const result = await chat.conversations(more ? (this.cursor ?? undefined) : undefined);
      if (generation !== this.generation) return;
      if (!result.ok) {
        this.setData({ loading: false, failed: !more });
        if (more) showError(result);
        return;
      }
      this.cursor = result.data.nextCursor;
      const items = more ? [...this.data.items, ...result.data.items] : result.data.items;
      this.setData({ loading: false, items, hasMore: result.data.nextCursor !== null });
    },
    onClose() {
      this.triggerEvent('close');
    },
    onNew() {
      this.triggerEvent('new');
    },
    onRetry() {
      void this.load(false);
    },
    onMore() {
      void this.load(true);
    },
    onPick(event) {
      const item = this.data.items[event.currentTarget.dataset.index];
      if (item) this.triggerEvent('pick', item);
    },
    async onActions(event) {
      const item = this.data.items[event.currentTarget.dataset.index];
      if (!item) return;
      const { t } = this.data;
      const choice = await wx.showActionSheet({ itemList: [t.rename, t.remove] }).catch(() => undefined);
      if (choice?.tapIndex === 0) await this.rename(item);
      else if (choice?.tapIndex === 1) await this.remove(item);
    },
    async rename(item) {
      const { t, common } = this.data;
      const answer = await wx
        .showModal({
          title: t.renameTitle,
          editable: true,
          placeholderText: t.renamePlaceholder,
          content: item.title,
          confirmText: common.save,
          cancelText: common.cancel,
        })
        .catch(() => undefined);
      const title = answer?.confirm ? (answer.content ?? '').trim() : '';
      if (!title || title === item.title) return;
      const result = await chat.rename(item.id, [...title].slice(0, 50).join(''));
      if (!result.ok) {
        showError(result);
        return;
      }
      const at = this.data.items.findIndex((c) => c.id === item.id);
      if (at >= 0) this.setData({ [`items[${at}].title`]: result.data.conversation.title });
      this.triggerEvent('renamed', result.data.conversation);
    },
    async remove(item) {
      const { t, common } = this.data;
      const answer = await wx
        .showModal({
          title: t.removeTitle,
          content: fill(t.removeConfirm, { title: item.title }),
          confirmText: t.remove,
          confirmColor: '#c4302b',
          cancelText: common.cancel,
        })
        .catch(() => undefined);
      if (!answer?.confirm) return;
      const result = await chat.remove(item.id);
      // Gone already is what the person asked for.
      if (!result.ok && result.code !== 'NOT_FOUND') {
        showError(result);
        return;
      }
      this.setData({ items: this.data.items.filter((c) => c.id !== item.id) });
      wx.showToast({ title: t.removed, icon: 'none' });
      this.triggerEvent('removed', { id: item.id });
    },
  },
});
