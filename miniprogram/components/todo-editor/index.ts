/**
 * Adding and editing a todo in a bottom popup: title, note, quadrant, due time and "remind me".
 * It emits `save` with a draft (new) or a patch (only what changed); the page saves it, so the
 * list can update optimistically. The one call made here is recording a subscription credit.
 */
import type { Quadrant, Todo, TodoDraft, TodoPatch } from '../../../typings/todo';
import { config } from '../../config';
import { showError } from '../../services/errors';
import { todos } from '../../services/todos';
import { QUADRANTS } from '../../utils/quadrants';

const HOUR = 3600_000;
const OFFSETS = [
  { minutes: 0, label: '准时' },
  { minutes: 10, label: '提前10分钟' },
  { minutes: 60, label: '提前1小时' },
  { minutes: 1440, label: '提前1天' },
];

/** What the person is told when WeChat will not send reminders, and how to turn them back on. */
export const SUBSCRIBE_HELP = {
  reject: '你没有允许提醒通知，这条待办不会提醒你。下次打开“提醒我”时选择“允许”即可。',
  off: '提醒通知已关闭。请点右上角“···” > “设置” > “通知管理”，打开“接收通知”后再试。',
} as const;

export interface EditorSave {
  draft?: TodoDraft;
  patch?: TodoPatch;
}

interface Data {
  quadrants: typeof QUADRANTS;
  offsets: typeof OFFSETS;
  title: string;
  note: string;
  quadrant: Quadrant;
  /** ms since epoch; 0 when none. */
  dueAt: number;
  remind: boolean;
  remindOffset: number;
  picking: boolean;
  pickerValue: number;
  minDate: number;
}

/** Vant components emit their value itself as `detail`, which WechatMiniprogram.CustomEvent does not allow. */
interface ValueEvent<T> {
  detail: T;
}
type TapEvent<D extends WechatMiniprogram.IAnyObject> = WechatMiniprogram.BaseEvent<Record<string, never>, D>;

function nextHour(now: number): number {
  return Math.ceil((now + 1) / HOUR) * HOUR;
}

Component<
  Data,
  { show: BooleanConstructor; todo: ObjectConstructor; defaultQuadrant: StringConstructor },
  {
    reset(): void;
    onTitle(event: ValueEvent<string>): void;
    onNote(event: ValueEvent<string>): void;
    onQuadrant(event: TapEvent<{ key: Quadrant }>): void;
    onPickDue(): void;
    onPickConfirm(event: ValueEvent<number>): void;
    onPickCancel(): void;
    onClearDue(): void;
    onOffset(event: TapEvent<{ minutes: number }>): void;
    onRemindChange(event: ValueEvent<boolean>): void;
    onSubscribeAnswer(answer: string | undefined): Promise<void>;
    onSubscribeFailed(error: { errCode?: number; errMsg?: string }): void;
    onSave(): void;
    onClose(): void;
  },
  [],
  { now: () => number }
>({
  properties: {
    show: Boolean,
    /** The todo being edited; null (the default) for a new one. */
    todo: Object,
    /** Quadrant of a new todo: the tab the person is on. */
    defaultQuadrant: String,
  },
  data: {
    quadrants: QUADRANTS,
    offsets: OFFSETS,
    title: '',
    note: '',
    quadrant: 'q1',
    dueAt: 0,
    remind: false,
    remindOffset: 0,
    picking: false,
    pickerValue: 0,
    minDate: 0,
  },

  observers: {
    show(show: boolean) {
      if (show) this.reset();
    },
  },

  lifetimes: {
    created() {
      this.now = Date.now;
    },
  },

  methods: {
    reset() {
      const todo = this.data.todo as Todo | null;
      const dueAt = todo?.dueAt ? Date.parse(todo.dueAt) : 0;
      const remindAt = todo?.remindAt ? Date.parse(todo.remindAt) : 0;
      const offset = dueAt && remindAt ? Math.round((dueAt - remindAt) / 60_000) : 0;
      this.setData({
        title: todo?.title ?? '',
        note: todo?.note ?? '',
        quadrant: todo?.quadrant ?? ((this.data.defaultQuadrant || 'q1') as Quadrant),
        dueAt,
        remind: Boolean(remindAt),
        remindOffset: OFFSETS.some((o) => o.minutes === offset) ? offset : 0,
        picking: false,
      });
    },
    onTitle(event) {
      this.setData({ title: event.detail });
    },
    onNote(event) {
      this.setData({ note: event.detail });
    },
    onQuadrant(event) {
      this.setData({ quadrant: event.currentTarget.dataset.key });
    },
    onPickDue() {
      const now = this.now();
      this.setData({
        picking: true,
        pickerValue: this.data.dueAt || nextHour(now),
        minDate: Math.min(now, this.data.dueAt || now),
      });
    },
    onPickConfirm(event) {
      this.setData({ dueAt: event.detail, picking: false });
    },
    onPickCancel() {
      this.setData({ picking: false });
    },
    onClearDue() {
      this.setData({ dueAt: 0, remind: false });
    },
    onOffset(event) {
      this.setData({ remindOffset: Number(event.currentTarget.dataset.minutes) });
    },

    onRemindChange(event) {
      if (!event.detail) {
        this.setData({ remind: false });
        return;
      }
      const templateId = config.remindTemplateId;
      // Called before any await: WeChat allows this only synchronously inside the user's tap.
      wx.requestSubscribeMessage({ tmplIds: [templateId] }).then(
        (answer) => this.onSubscribeAnswer(answer[templateId]),
        (error: { errCode?: number; errMsg?: string }) => this.onSubscribeFailed(error),
      );
    },

    async onSubscribeAnswer(answer) {
      if (answer !== 'accept') {
        // 'reject' is this time only; 'ban' (or 'filter') means WeChat will not ask again.
        wx.showModal({
          title: '不会提醒你',
          content: answer === 'reject' ? SUBSCRIBE_HELP.reject : SUBSCRIBE_HELP.off,
          showCancel: false,
        });
        return;
      }
      const result = await todos.subscribe(config.remindTemplateId);
      if (!result.ok) {
        showError(result);
        return;
      }
      // A reminder needs a due time; start from the next whole hour, which the person can change.
      this.setData({ remind: true, ...(this.data.dueAt ? {} : { dueAt: nextHour(this.now()) }) });
    },

    onSubscribeFailed(error) {
      // 20004: the person switched off notifications for this mini-program altogether.
      if (error.errCode === 20004) {
        wx.showModal({ title: '不会提醒你', content: SUBSCRIBE_HELP.off, showCancel: false });
      } else {
        wx.showToast({ title: '暂时无法开启提醒，请稍后再试', icon: 'none', duration: 2500 });
      }
    },

    onSave() {
      const title = this.data.title.trim();
      if (!title) return;
      const { note, quadrant, dueAt, remind, remindOffset } = this.data;
      const due = dueAt ? new Date(dueAt).toISOString() : null;
      const remindAt = dueAt && remind ? new Date(dueAt - remindOffset * 60_000).toISOString() : null;
      const todo = this.data.todo as Todo | null;
      let detail: EditorSave;
      if (!todo) {
        detail = { draft: { title, note: note.trim(), quadrant, dueAt: due, remindAt } };
      } else {
        const patch: TodoPatch = { id: todo.id };
        if (title !== todo.title) patch.title = title;
        if (note.trim() !== todo.note) patch.note = note.trim();
        if (quadrant !== todo.quadrant) patch.quadrant = quadrant;
        if (due !== todo.dueAt) patch.dueAt = due;
        if (remindAt !== todo.remindAt) patch.remindAt = remindAt;
        detail = { patch };
      }
      this.triggerEvent('save', detail);
    },

    onClose() {
      this.triggerEvent('close');
    },
  },
});
