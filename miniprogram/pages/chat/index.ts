/**
 * The assistant. A reply streams into the page through the database: the chat function rewrites
 * the reply's document as it grows, and the page watches the conversation's messages
 * (services/messages), updating only the changed row by path (rows.ts). The watch is the one
 * source of what a message says; a call's answer (the reply's final state) is shown only when no
 * watch is live, through the same mapping. A new conversation gets its id here, so its messages
 * are watched before the first reply starts. The view follows the newest text unless the person
 * scrolled up.
 */
import type { ChatMessage, ChatQuota, Conversation } from '../../../typings/chat';
import type { ApiError } from '../../../typings/contract';
import { fill, strings, titlePage } from '../../i18n/index';
import { auth } from '../../services/auth';
import { chat } from '../../services/chat';
import { showError, userMessage } from '../../services/errors';
import { MESSAGE_MAX } from '../../shared/limits';
import { watchMessages, type MessageChanges, type MessageWatch } from '../../services/messages';
import { copyText } from '../../utils/clipboard';
import { definePage } from '../../utils/define';
import { formatRelative } from '../../utils/time';
import { atEnd, toEnd } from './follow';
import {
  applyChanges,
  copyableText,
  localRow,
  newConversationId,
  newestReplyId,
  rowOf,
  unsentError,
  type Row,
} from './rows';

const DRAFT_KEY = 'chat.draft';
const CONVERSATION_KEY = 'chat.conversation';

interface Custom {
  watch: MessageWatch | undefined;
  /** Bumped whenever another conversation is shown, so answers for the last one are dropped. */
  generation: number;
  olderCursor: string | null;
  localIds: number;
  /** The message list's visible height (px), to tell whether the view is at the end. */
  viewHeight: number;
}

type IdEvent = WechatMiniprogram.BaseEvent<Record<string, never>, { id: string }>;

definePage<Custom>()({
  data: {
    t: strings().chat,
    common: strings().common,
    connecting: true,
    loading: false,
    loadError: '',
    liveError: false,
    conversationId: '',
    title: '',
    rows: [] as Row[],
    hasOlder: false,
    loadingOlder: false,
    /** The reply being written, which Stop ends. */
    streamingId: '',
    /** A send or regenerate is on its way. */
    pending: false,
    following: true,
    scrollTop: 0,
    scrollIntoView: '',
    draft: '',
    maxLength: MESSAGE_MAX,
    quota: null as ChatQuota | null,
    quotaOut: '',
    listShow: false,
  },

  methods: {
    onLoad() {
      this.watch = undefined;
      this.generation = 0;
      this.olderCursor = null;
      this.localIds = 0;
      this.viewHeight = 0;
      const words = strings();
      this.setData({ t: words.chat, common: words.common, draft: String(wx.getStorageSync(DRAFT_KEY) || '') });
    },
    onShow() {
      titlePage(strings().chat.title);
    },
    async onReady() {
      // A failed login shows on the pages that need the profile; the chat still tries its calls.
      await auth.ensure().catch(() => undefined);
      this.setData({ connecting: false });
      void this.refreshQuota();
      const saved = String(wx.getStorageSync(CONVERSATION_KEY) || '');
      if (saved) void this.open(saved);
    },
    onHide() {
      // Leaving the tab keeps what was typed; WeChat may drop the page while it is hidden.
      wx.setStorageSync(DRAFT_KEY, this.data.draft);
    },
    onUnload() {
      wx.setStorageSync(DRAFT_KEY, this.data.draft);
      this.watch?.close();
    },
    onDraftChange(event: { detail: string }) {
      this.setData({ draft: event.detail });
    },

    // ---- conversations ----

    /** Shows conversation `id`: its newest messages, then its changes as they happen. */
    async open(id: string, title = '') {
      const generation = this.reset(id, title);
      this.setData({ loading: true });
      const result = await chat.history(id);
      if (generation !== this.generation) return;
      if (!result.ok) {
        if (result.code === 'NOT_FOUND') {
          this.reset('', '');
          return;
        }
        this.setData({ loading: false, loadError: fill(this.data.t.loadFailed, { why: userMessage(result) }) });
        return;
      }
      this.olderCursor = result.data.nextBefore;
      this.setData({
        loading: false,
        title: result.data.conversation.title,
        rows: result.data.items.map(rowOf),
        hasOlder: result.data.nextBefore !== null,
      });
      this.follow(true);
      this.listen(id);
    },

    /** Clears the screen for conversation `id` ('' for a new one); returns the new generation. */
    reset(id: string, title: string): number {
      this.watch?.close();
      this.watch = undefined;
      this.olderCursor = null;
      if (id) wx.setStorageSync(CONVERSATION_KEY, id);
      else wx.removeStorageSync(CONVERSATION_KEY);
      this.setData({
        conversationId: id,
        title,
        rows: [],
        hasOlder: false,
        loadError: '',
        liveError: false,
        loading: false,
        streamingId: '',
        following: true,
      });
      return ++this.generation;
    },

    listen(id: string) {
      const generation = this.generation;
      this.watch?.close();
      this.watch = watchMessages(id, {
        onChange: (changes) => generation === this.generation && this.apply(changes),
        onError: () => generation === this.generation && this.setData({ liveError: true }),
      });
    },

    onReconnect() {
      this.setData({ liveError: false });
      if (this.data.conversationId) this.listen(this.data.conversationId);
    },

    onRetryLoad() {
      void this.open(this.data.conversationId);
    },

    onOpenList() {
      this.setData({ listShow: true });
    },
    onCloseList() {
      this.setData({ listShow: false });
    },
    onPick(event: WechatMiniprogram.CustomEvent<Conversation>) {
      this.setData({ listShow: false });
      if (event.detail.id !== this.data.conversationId) void this.open(event.detail.id, event.detail.title);
    },
    onNewChat() {
      this.setData({ listShow: false });
      this.reset('', '');
    },
    onRenamed(event: WechatMiniprogram.CustomEvent<Conversation>) {
      if (event.detail.id === this.data.conversationId) this.setData({ title: event.detail.title });
    },
    onRemoved(event: WechatMiniprogram.CustomEvent<{ id: string }>) {
      if (event.detail.id === this.data.conversationId) this.reset('', '');
    },

    async onLoadOlder() {
      const { conversationId } = this.data;
      if (!this.olderCursor || this.data.loadingOlder || !conversationId) return;
      const generation = this.generation;
      this.setData({ loadingOlder: true });
      const result = await chat.history(conversationId, this.olderCursor);
      if (generation !== this.generation) return;
      if (!result.ok) {
        this.setData({ loadingOlder: false });
        showError(result);
        return;
      }
      this.olderCursor = result.data.nextBefore;
      const known = new Set(this.data.rows.map((row) => row.id));
      const older = result.data.items.filter((m) => !known.has(m.id)).map(rowOf);
      const first = this.data.rows[0];
      // Prepending moves every row, so the list goes whole; the view stays on the row it showed.
      this.setData({
        rows: [...older, ...this.data.rows],
        hasOlder: result.data.nextBefore !== null,
        loadingOlder: false,
        scrollIntoView: first ? `m-${first.id}` : '',
      });
    },

    // ---- messages as they change ----

    apply(changes: MessageChanges) {
      const { rows, update } = applyChanges(this.data.rows, changes, this.data.hasOlder);
      if (update && !Object.keys(update).length) return;
      this.setData({ ...(update ?? { rows }), ...this.streamState(rows), ...this.followPatch() });
    },

    /** A call's answer: shown only while no watch is live (the watch brings the same, in order). */
    fromCall(messages: ChatMessage[]) {
      if (this.watch && !this.data.liveError) return;
      this.apply({ messages, removed: [], init: false });
    },

    streamState(rows: Row[]): { streamingId: string } {
      const streaming = rows.find((row) => row.status === 'streaming');
      return { streamingId: streaming ? streaming.id : '' };
    },

    // ---- sending, stopping, writing again ----

    onSend(event: { detail: string }) {
      void this.send(event.detail);
    },
    onSuggestion(event: WechatMiniprogram.BaseEvent<Record<string, never>, { text: string }>) {
      void this.send(event.currentTarget.dataset.text);
    },
    /** A reply cut at the model's length limit: ask it to go on where it stopped. */
    onContinue() {
      void this.send(this.data.t.continuePrompt, true);
    },

    async send(text: string, keepDraft = false) {
      if (this.data.pending || this.data.streamingId || this.data.quotaOut) return;
      let id = this.data.conversationId;
      const create = !id;
      if (create) {
        id = newConversationId();
        this.reset(id, text.slice(0, 30));
        // Watched before the question is sent, so the reply shows from its first words.
        this.listen(id);
      }
      const generation = this.generation;
      const local = localRow(`local-${++this.localIds}`, text, Date.now());
      const rows = this.data.rows;
      this.setData({
        [`rows[${rows.length}]`]: local,
        pending: true,
        following: true,
        ...(keepDraft ? {} : { draft: '' }),
        ...this.followPatch(true),
      });
      const result = await chat.send(text, id, create);
      if (generation !== this.generation) return;
      this.setData({ pending: false });
      if (!result.ok) {
        this.notSent(local.id, result);
        return;
      }
      const { conversation, message, reply, quota } = result.data;
      this.setData({ title: conversation.title, quota, quotaOut: this.quotaOutText(quota) });
      this.fromCall([message, reply]);
    },

    /** The cloud did not take the question: it stays, marked, with the reason and a retry. */
    notSent(localId: string, error: ApiError) {
      const at = this.data.rows.findIndex((row) => row.id === localId);
      if (at < 0) return;
      // Too long for the model, with the conversation before it: say so, not "check what you typed".
      const why = error.fields?.text ? this.data.t.tooLongForModel : userMessage(error);
      this.setData({ [`rows[${at}].status`]: 'unsent', [`rows[${at}].error`]: unsentError(why) });
      if (error.code === 'QUOTA_EXCEEDED') void this.refreshQuota();
    },

    /** Sends a question that was not sent again; "edit" puts it back in the composer instead. */
    onResend(event: IdEvent) {
      const row = this.dropRow(event.currentTarget.dataset.id);
      if (row) void this.send(row.text, true);
    },
    onEditUnsent(event: IdEvent) {
      const row = this.dropRow(event.currentTarget.dataset.id);
      if (row) this.setData({ draft: row.text });
    },
    dropRow(id: string): Row | undefined {
      const row = this.data.rows.find((r) => r.id === id);
      if (row) this.setData({ rows: this.data.rows.filter((r) => r.id !== id) });
      return row;
    },

    async onStop() {
      const id = this.data.streamingId;
      if (!id) return;
      const result = await chat.stop(id);
      if (!result.ok) showError(result);
      else this.fromCall([result.data.message]);
    },

    /** Writes the newest reply again; also how a failed one is retried. */
    async onRegenerate(event: IdEvent) {
      const id = event.currentTarget.dataset.id;
      if (this.data.pending || this.data.streamingId || id !== newestReplyId(this.data.rows)) return;
      const generation = this.generation;
      this.setData({ pending: true, following: true });
      const result = await chat.regenerate(id);
      if (generation !== this.generation) return;
      this.setData({ pending: false });
      if (!result.ok) {
        showError(result);
        if (result.code === 'QUOTA_EXCEEDED') void this.refreshQuota();
        return;
      }
      this.setData({ quota: result.data.quota, quotaOut: this.quotaOutText(result.data.quota) });
      this.fromCall([result.data.reply]);
    },

    onCopy(event: IdEvent) {
      const row = this.data.rows.find((r) => r.id === event.currentTarget.dataset.id);
      if (row) copyText(copyableText(row), this.data.t.copied);
    },

    // ---- quota ----

    async refreshQuota() {
      const result = await chat.quota();
      if (result.ok) this.setData({ quota: result.data, quotaOut: this.quotaOutText(result.data) });
    },

    quotaOutText(quota: ChatQuota): string {
      if (quota.remaining > 0) return '';
      const time = formatRelative(Date.parse(quota.resetsAt), Date.now(), strings().time);
      return fill(this.data.t.placeholderQuotaOut, { time });
    },

    // ---- following the newest text ----

    /** The scroll to the end, when the view follows (or `force`d: the person's own question). */
    followPatch(force = false): Record<string, unknown> {
      return force || this.data.following ? toEnd(this.data.scrollTop) : {};
    },
    follow(force = false) {
      this.setData(this.followPatch(force));
    },
    /**
     * Following is being at the end: scrolled up by the person, the view stays where they read
     * until they come back down (or tap "latest"). Measured rather than read from deltaY, whose
     * sign differs between platforms.
     */
    onScroll(event: WechatMiniprogram.ScrollViewScroll) {
      const { scrollTop, scrollHeight } = event.detail;
      const decide = () => {
        const following = atEnd(scrollTop, scrollHeight, this.viewHeight);
        if (following !== this.data.following) this.setData({ following });
      };
      if (this.viewHeight) decide();
      else
        this.createSelectorQuery()
          .select('#messages')
          .boundingClientRect((rect) => {
            this.viewHeight = rect?.height ?? 0;
            if (this.viewHeight) decide();
          })
          .exec();
    },
    onLatest() {
      this.setData({ following: true, ...this.followPatch(true) });
    },
  },
});
