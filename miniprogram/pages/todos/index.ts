/**
 * The Todos tab: the 2×2 matrix (each quadrant's counts, overdue marks and most urgent todos), and
 * one quadrant's list behind each cell, live: the user's todos are watched (live.ts), so a change
 * made elsewhere (the assistant, the Official Account, another device, a reminder sent) shows
 * without a refresh. Every change shows at once and is rolled back with a message when the cloud
 * refuses it; setData sends only the rows that changed, by path (`items[3].done`); open todos show
 * before done ones by CSS order, so completing one moves it down without sending the list. A
 * quadrant switch clears the list first, so a failed load never leaves another quadrant's rows under it.
 */
import type { ApiError } from '../../../typings/contract';
import type { Quadrant, Todo, TodoDraft, TodoPatch } from '../../../typings/todo';
import type { QuickReading } from '../../subpackages/todos/quick-chips/index';
import type { EditorSave } from '../../subpackages/todos/todo-editor/index';
import { fill, strings, titlePage } from '../../i18n/index';
import { auth, isAuthError } from '../../services/auth';
import { showError, userMessage } from '../../services/errors';
import { todos } from '../../services/todos';
import { TITLE_MAX } from '../../shared/limits';
import { definePage } from '../../utils/define';
import { todoToOpen } from '../../utils/handoff';
import { quadrantIndex, quadrants } from '../../utils/quadrants';
import { commitDelete, hideRow, undoDelete, type PendingDelete } from './deleting';
import { Live, liveView } from './live';
import { matrixOf, opening, type Cell, type TodosView } from './matrix';
import { showRollback } from './rollback';
import { menuOn, setDone } from './row-actions';
import { changedSince, Saving, type Row } from './saving';

const ACTIVE_TAB_KEY = 'todos.activeTab';

interface Custom {
  cursor: string | null;
  /** Bumped by every fresh load, so an answer for a tab no longer shown is dropped. */
  generation: number;
  pendingDelete: PendingDelete | undefined;
  saving: Saving;
  live: Live;
  /** The quick-add line as the chips last read it. */
  reading: QuickReading | undefined;
}

type IndexEvent = WechatMiniprogram.BaseEvent<Record<string, never>, { index: number }>;

const shownRows = (items: Row[]): number => items.filter((row) => !row.removed).length;
const noop = (): void => undefined;
const cells = (): Array<ReturnType<typeof quadrants>[number] & Cell> =>
  quadrants().map((q) => ({ ...q, count: 0, overdue: 0, top: [] }));

definePage<Custom>()({
  data: {
    t: strings().todos,
    common: strings().common,
    loading: true,
    loadingMore: false,
    error: '',
    /** The matrix, or one quadrant's list (`active`). */
    view: 'matrix' as TodosView,
    active: 0,
    quadrants: cells(),
    items: [] as Row[],
    hasMore: false,
    /** When the list was loaded (ms): what "overdue" is measured against. */
    now: 0,
    quickTitle: '',
    undo: { show: false, title: '' },
    editor: { show: false, todo: null as Todo | null },
  },

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this.cursor = null;
      this.generation = 0;
      this.pendingDelete = undefined;
      this.saving = new Saving();
      this.live = new Live({
        view: () => liveView(this.data, this.pendingDelete?.id),
        show: (update) => this.setData(update),
        busy: () => this.saving.busy,
      });
      this.reading = undefined;
      const words = strings();
      const { active, view } = opening(query, wx.getStorageSync(ACTIVE_TAB_KEY));
      this.setData({ t: words.todos, common: words.common, active, view, quadrants: cells() });
      // A reminder's "open" lands here with the todo's id (a chat card hands it over): show that todo, on its own tab.
      const id = query.id ?? todoToOpen.take();
      if (id) void this.openById(id);
      else void this.load();
    },
    onShow() {
      titlePage(strings().todos.title);
      const id = todoToOpen.take();
      if (id) void this.openById(id);
      // Coming back from another tab: a failed first load gets a second chance.
      else if (this.data.error) void this.load();
      // A watch that failed (offline, or the phone slept) starts again when the page is back.
      if (!this.live.following) void auth.ensure().then(() => this.live.follow(), noop);
    },
    onHide() {
      this.commitDelete();
    },
    onUnload() {
      this.commitDelete();
      this.live.close();
    },
    async onPullDownRefresh() {
      await this.load();
      wx.stopPullDownRefresh();
    },
    onReachBottom() {
      void this.loadMore();
    },
    onShareAppMessage() {
      return { title: strings().todos.share, path: '/pages/todos/index' };
    },
    onTabChange(event: { detail: { name: number } }) {
      this.showQuadrant(event.detail.name);
      void this.load();
    },
    /** A matrix cell, or the list's switcher. */
    onOpenQuadrant(event: IndexEvent) {
      this.setData({ view: 'list' });
      this.onTabChange({ detail: { name: event.currentTarget.dataset.index } });
    },
    onMatrix() {
      this.commitDelete();
      this.generation++;
      this.setData({ view: 'matrix', items: [], hasMore: false, error: '' });
      void this.load();
    },
    onRetry() {
      void this.load();
    },

    /** Shows tab `index` with no rows yet: the last quadrant's rows never stand under this heading. */
    showQuadrant(index: number) {
      if (index === this.data.active && this.data.items.length) return;
      this.commitDelete();
      this.generation++;
      this.cursor = null;
      wx.setStorageSync(ACTIVE_TAB_KEY, index);
      this.setData({ active: index, items: [], hasMore: false, loading: true, error: '' });
    },

    activeQuadrant(): Quadrant {
      return this.data.quadrants[this.data.active].key;
    },

    /** First page of the active quadrant, replacing the list. */
    async load() {
      this.commitDelete();
      const generation = ++this.generation;
      const hasRows = shownRows(this.data.items) > 0;
      this.setData({ loading: !hasRows, error: '' });
      const failed = (error: Pick<ApiError, 'code'>): void => {
        if (generation !== this.generation) return;
        // Rows of this quadrant stay readable after a failed refresh; with none, the error takes the page.
        if (shownRows(this.data.items) > 0) {
          this.setData({ loading: false });
          showError(error);
        } else this.setData({ loading: false, items: [], hasMore: false, error: userMessage(error) });
      };
      try {
        await auth.ensure();
        this.live.follow();
      } catch (error) {
        failed(isAuthError(error) ? error.error : { code: 'INTERNAL' });
        return;
      }
      if (this.data.view === 'matrix') return this.loadMatrix(generation, failed);
      const result = await todos.list({ quadrant: this.activeQuadrant() });
      if (generation !== this.generation) return;
      if (!result.ok) {
        failed(result);
        return;
      }
      this.cursor = result.data.nextCursor;
      const counts: Record<string, number> = {};
      this.data.quadrants.forEach((q, i) => (counts[`quadrants[${i}].count`] = result.data.counts[q.key]));
      const hasMore = result.data.nextCursor !== null;
      this.setData({ loading: false, error: '', items: result.data.items, hasMore, now: Date.now(), ...counts });
      this.live.reconcile();
    },

    async loadMatrix(generation: number, failed: (error: Pick<ApiError, 'code'>) => void) {
      const hidden = new Set(this.pendingDelete ? [this.pendingDelete.id] : []);
      const update = await matrixOf(this.live, { cells: this.data.quadrants, hidden });
      if (generation !== this.generation || !update) return;
      if (!update.ok) return failed(update);
      this.setData({ loading: false, now: Date.now(), ...update.data });
    },

    /** The next page, appended by path: rows already shown are not sent again. */
    async loadMore() {
      if (this.data.loading || this.data.loadingMore || !this.cursor) return;
      const generation = this.generation;
      this.setData({ loadingMore: true });
      const result = await todos.list({ quadrant: this.activeQuadrant(), cursor: this.cursor });
      if (generation !== this.generation) return;
      if (!result.ok) {
        this.setData({ loadingMore: false });
        showError(result);
        return;
      }
      this.cursor = result.data.nextCursor;
      const start = this.data.items.length;
      const update: Record<string, unknown> = { loadingMore: false, hasMore: result.data.nextCursor !== null };
      // A row added or moved here since the first page may come again: it is already on screen.
      const fresh = result.data.items.filter((todo) => this.indexOf(todo.id) < 0);
      fresh.forEach((todo, i) => (update[`items[${start + i}]`] = todo));
      this.setData(update);
    },

    indexOf(id: string): number {
      return this.data.items.findIndex((row) => row.id === id);
    },

    /** Adds `delta` to a quadrant's open count (the tab badge). */
    countPath(quadrant: Quadrant, delta: number): Record<string, number> {
      const i = quadrantIndex(quadrant);
      return { [`quadrants[${i}].count`]: Math.max(0, this.data.quadrants[i].count + delta) };
    },

    onToggle(event: { detail: boolean; currentTarget: { dataset: { index: number } } }) {
      void this.setDone(event.currentTarget.dataset.index, event.detail);
    },

    /** Ticks or unticks row `index`; a repeating todo's next occurrence shows at once, above it. */
    setDone(index: number, done: boolean) {
      return setDone(this, index, done);
    },

    /** The row's menu: move it to another quadrant; skip this occurrence or stop a repeat. */
    onRowMenu(event: IndexEvent) {
      const row = this.data.items[event.currentTarget.dataset.index];
      if (row) void menuOn(this, row);
    },
    /** The editor ticked a step (saved there): the row shows it. */
    onEditorChanged(event: WechatMiniprogram.CustomEvent<{ todo: Todo }>) {
      const at = this.indexOf(event.detail.todo.id);
      if (at >= 0) this.setData({ [`items[${at}]`]: event.detail.todo });
    },
    /** Its last step ticked, the person chose to complete the todo too. */
    onEditorComplete(event: WechatMiniprogram.CustomEvent<{ id: string }>) {
      const at = this.indexOf(event.detail.id);
      this.setData({ 'editor.show': false });
      if (at >= 0) void this.setDone(at, true);
    },

    /** Hides the row and offers undo; the todo is removed for good when the undo time runs out. */
    onDelete(event: IndexEvent) {
      hideRow(this, event.currentTarget.dataset.index);
    },
    onUndo() {
      undoDelete(this);
    },
    /** Sends the pending delete now (undo time over, another delete, or leaving the page). */
    commitDelete() {
      commitDelete(this);
    },

    onEdit(event: IndexEvent) {
      const row = this.data.items[event.currentTarget.dataset.index];
      if (row) this.setData({ editor: { show: true, todo: row } });
    },
    onNew() {
      this.setData({ editor: { show: true, todo: null } });
    },
    onEditorClose() {
      this.setData({ 'editor.show': false });
    },

    /** Opens a todo (from a reminder) on its own quadrant's tab, with that quadrant's list beneath. */
    async openById(id: string) {
      const result = await todos.get(id);
      if (!result.ok) {
        showError(result);
        void this.load();
        return;
      }
      const { todo } = result.data;
      this.setData({ view: 'list' });
      this.showQuadrant(quadrantIndex(todo.quadrant));
      this.setData({ editor: { show: true, todo } });
      void this.load();
    },

    onQuickInput(event: WechatMiniprogram.Input) {
      this.setData({ quickTitle: event.detail.value });
    },
    onRead(event: WechatMiniprogram.CustomEvent<QuickReading>) {
      this.reading = event.detail;
    },
    /** Saves what the chips show for this line; without a reading (typing, offline), the plain text. */
    onQuickAdd() {
      const text = this.data.quickTitle.trim();
      if (!text) return;
      const fields = this.reading?.text === text ? this.reading.fields : { title: text };
      if ([...fields.title].length > TITLE_MAX) {
        wx.showToast({ title: fill(strings().todos.tooLong, { max: TITLE_MAX }), icon: 'none' });
        return;
      }
      this.reading = undefined;
      this.setData({ quickTitle: '' });
      void this.create({ ...fields, quadrant: this.activeQuadrant() });
    },

    onSave(event: WechatMiniprogram.CustomEvent<EditorSave>) {
      this.setData({ 'editor.show': false });
      if (event.detail.draft) void this.create(event.detail.draft);
      else if (event.detail.patch) void this.update(event.detail.patch);
    },

    /** A new todo goes on top of its quadrant's list at once; the saved one replaces it. */
    async create(draft: TodoDraft) {
      // A first list still loading was read before this todo existed and would wipe it from the
      // screen: drop that answer, and load the list again once the todo is saved.
      const listInFlight = this.data.loading;
      if (listInFlight) this.generation++;
      const shown = draft.quadrant === this.activeQuadrant();
      const placeholder = this.saving.placeholder(draft, new Date());
      // Prepending shifts every index, so this one change sends the list.
      if (shown)
        this.setData({
          items: [placeholder, ...this.data.items],
          loading: false,
          error: '',
          ...this.countPath(draft.quadrant, 1),
        });
      else this.setData(this.countPath(draft.quadrant, 1));
      const settle = this.saving.begin(placeholder.id);
      const result = await todos.create(draft);
      if (listInFlight) void this.load();
      const at = this.indexOf(placeholder.id);
      const row = this.data.items[at] as Row | undefined;
      const pendingDelete = this.pendingDelete?.id === placeholder.id ? this.pendingDelete : undefined;
      if (result.ok) {
        const { todo } = result.data;
        // A tick, an edit or a delete made while saving stays on screen; its call, waiting in savedId, sends it.
        if (row) this.setData({ [`items[${at}]`]: { ...todo, ...changedSince(placeholder, row), id: todo.id } });
        if (pendingDelete) pendingDelete.id = todo.id;
        settle(todo.id);
        this.live.flush();
        return;
      }
      settle(null);
      this.live.flush();
      // A row ticked or deleted while saving has left the open count already.
      const open = !row || (!row.done && !row.removed);
      if (pendingDelete) {
        clearTimeout(pendingDelete.timer);
        this.pendingDelete = undefined;
      }
      this.setData({
        ...(row ? { [`items[${at}].removed`]: true } : {}),
        ...(pendingDelete ? { undo: { show: false, title: '' } } : {}),
        ...(open ? this.countPath(draft.quadrant, -1) : {}),
        // Give the title back so nothing typed is lost.
        ...(this.data.quickTitle ? {} : { quickTitle: draft.title }),
      });
      showRollback(result, 'create');
    },

    /** Shows the edit at once; a todo moved to another quadrant leaves this list. */
    async update(patch: TodoPatch) {
      const at = this.indexOf(patch.id);
      const before = this.data.items[at];
      if (!before || Object.keys(patch).length === 1) return;
      // Steps are shown as the server answers them (new ones get their ids there).
      const { id: _id, steps: _steps, scope: _scope, ...fields } = patch;
      const edited: Row = { ...before, ...fields };
      const moved = patch.quadrant !== undefined && patch.quadrant !== before.quadrant;
      const counts =
        moved && !before.done ? { ...this.countPath(before.quadrant, -1), ...this.countPath(edited.quadrant, 1) } : {};
      this.setData({ [`items[${at}]`]: { ...edited, removed: moved }, ...counts });
      const id = await this.saving.savedId(patch.id);
      if (!id) {
        // Never saved, so never moved: the quadrant it was moved to loses the count it gained.
        if (moved && !before.done) this.setData(this.countPath(edited.quadrant, -1));
        return;
      }
      const result = await this.saving.track(todos.update({ ...patch, id }));
      setTimeout(() => this.live.flush(), 0); // once the answer below shows
      const now = this.indexOf(id);
      if (now < 0) return;
      if (result.ok) {
        this.setData({ [`items[${now}]`]: { ...result.data.todo, removed: moved } });
        return;
      }
      const undoCounts =
        moved && !before.done ? { ...this.countPath(edited.quadrant, -1), ...this.countPath(before.quadrant, 1) } : {};
      this.setData({ [`items[${now}]`]: { ...before, id }, ...undoCounts });
      showRollback(result, 'update');
    },
  },
});
