/**
 * Adding and editing a todo in a bottom popup: title, note, quadrant, due time, "remind me", a
 * repeat and a checklist of steps. It emits `save` with a draft (new) or a patch (only what
 * changed; for a repeating todo, with the scope the person chose); the page saves it, so the list
 * can update optimistically. Calls made here: recording a subscription credit, and ticking a saved
 * step (`toggleStep`, emitted as `changed`; the last one offers to complete the todo: `complete`).
 */
import type { Quadrant, Todo, TodoDraft, TodoPatch } from '../../../../typings/todo';
import { fill, strings, type Catalogue } from '../../../i18n/index';
import { showError } from '../../../services/errors';
import { askForReminder } from '../../../services/reminders';
import { todos } from '../../../services/todos';
import { STEP_TITLE_MAX, STEPS_MAX } from '../../../shared/limits';
import { presetOf, presetRule, stepsPatch, type DraftStep } from './plan';
import { quadrants, type QuadrantInfo } from '../../../utils/quadrants';
import { NOTE_MAX, TITLE_MAX } from '../../../shared/limits';
import { localInstant, localWall } from '../../../shared/time';
import { formatDateTime } from '../../../utils/time';
import { defineComponent } from '../../../utils/define';

const HOUR = 3600_000;
/** Reminder offsets before the due time, in minutes; their words are the catalogue's `editor.offsets`. */
const OFFSET_MINUTES = [0, 10, 60, 1440];

export interface EditorSave {
  draft?: TodoDraft;
  patch?: TodoPatch;
}

type PickerColumn = 'year' | 'month' | 'day' | 'hour' | 'minute';

interface Data {
  t: Catalogue['editor'];
  common: Catalogue['common'];
  quadrants: QuadrantInfo[];
  offsets: Array<{ minutes: number; label: string }>;
  titleMax: number;
  noteMax: number;
  /** The note grows with its text up to a few lines, then scrolls (px, as Vant's autosize takes). */
  noteSize: { minHeight: number; maxHeight: number };
  title: string;
  note: string;
  quadrant: Quadrant;
  /** ms since epoch; 0 when none. */
  dueAt: number;
  dueText: string;
  remind: boolean;
  remindOffset: number;
  remindLabel: string;
  /** The reminder's time has already passed: it could never be sent, so Save waits for another. */
  remindPast: boolean;
  /** The repeat preset chosen (catalogue's `repeats`); -1: a rule of its own, kept as it is. */
  repeatIndex: number;
  repeat: string | null;
  fromCompletion: boolean;
  steps: DraftStep[];
  stepTitle: string;
  stepsMax: number;
  picking: boolean;
  pickerValue: number;
  minDate: number;
  /** The date picker's column labels ("2026年", "09时"); a function, passed to Vant as a property. */
  formatter: ((type: PickerColumn, value: string) => string) | null;
}

/** Vant components emit their value itself as `detail`, which WechatMiniprogram.CustomEvent does not allow. */
interface ValueEvent<T> {
  detail: T;
}
type TapEvent<D extends WechatMiniprogram.IAnyObject> = WechatMiniprogram.BaseEvent<Record<string, never>, D>;

function nextHour(now: number): number {
  return Math.ceil((now + 1) / HOUR) * HOUR;
}

/**
 * The picker's earliest day, from its midnight. Vant narrows the hour and minute columns on the
 * minimum's own day (on today, from the present hour): changing the day column then swaps the
 * hour column's options under its band, which showed one hour while another was saved. From
 * midnight, every day offers every hour, so the band always shows the value that will be saved.
 */
function pickerMin(now: number, dueAt: number): number {
  const day = localWall(Math.min(now, dueAt || now));
  return localInstant({ year: day.year, month: day.month, day: day.day });
}

/** Suffixes from the catalogue: "2026年" in Chinese, the bare number in English. */
function pickerFormatter(units: Catalogue['editor']['units']): Data['formatter'] {
  return (type, value) => `${value}${units[type]}`;
}

defineComponent<{ now: () => number }>()<
  Data,
  { show: BooleanConstructor; todo: ObjectConstructor; defaultQuadrant: StringConstructor },
  {
    reset(): void;
    /** The due time and reminder in words, after any change to them. */
    describe(change: Partial<Pick<Data, 'dueAt' | 'remind' | 'remindOffset' | 'picking'>>): void;
    onTitle(event: ValueEvent<string>): void;
    onNote(event: ValueEvent<string>): void;
    onQuadrant(event: TapEvent<{ key: Quadrant }>): void;
    onPickDue(): void;
    onPickConfirm(event: ValueEvent<number>): void;
    onPickCancel(): void;
    onClearDue(): void;
    onOffset(event: TapEvent<{ minutes: number }>): void;
    onRemindChange(event: ValueEvent<boolean>): void;
    onRepeat(event: TapEvent<{ index: number }>): void;
    onFromCompletion(event: ValueEvent<boolean>): void;
    onStepTitle(event: WechatMiniprogram.Input): void;
    onAddStep(): void;
    onRenameStep(event: WechatMiniprogram.InputBlur & TapEvent<{ index: number }>): void;
    onRemoveStep(event: TapEvent<{ index: number }>): void;
    onTickStep(event: TapEvent<{ index: number }>): void;
    onSave(): void;
    send(detail: EditorSave): void;
    onClose(): void;
  }
>({
  properties: {
    show: Boolean,
    /** The todo being edited; null (the default) for a new one. */
    todo: Object,
    /** Quadrant of a new todo: the tab the person is on. */
    defaultQuadrant: String,
  },
  data: {
    t: strings().editor,
    common: strings().common,
    quadrants: [],
    offsets: [],
    titleMax: TITLE_MAX,
    noteMax: NOTE_MAX,
    noteSize: { minHeight: 48, maxHeight: 120 },
    title: '',
    note: '',
    quadrant: 'q1',
    dueAt: 0,
    dueText: '',
    remind: false,
    remindOffset: 0,
    remindLabel: '',
    remindPast: false,
    repeatIndex: 0,
    repeat: null,
    fromCompletion: false,
    steps: [],
    stepTitle: '',
    stepsMax: STEPS_MAX,
    picking: false,
    pickerValue: 0,
    minDate: 0,
    formatter: null,
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
    attached() {
      const words = strings();
      this.setData({
        t: words.editor,
        common: words.common,
        quadrants: quadrants(),
        offsets: OFFSET_MINUTES.map((minutes, i) => ({ minutes, label: words.editor.offsets[i] })),
        formatter: pickerFormatter(words.editor.units),
      });
    },
  },

  methods: {
    reset() {
      const todo = this.data.todo as Todo | null;
      const dueAt = todo?.dueAt ? Date.parse(todo.dueAt) : 0;
      const remindAt = todo?.remindAt ? Date.parse(todo.remindAt) : 0;
      const offset = dueAt && remindAt ? Math.round((dueAt - remindAt) / 60_000) : 0;
      const repeat = todo?.repeat ?? null;
      this.setData({
        title: todo?.title ?? '',
        note: todo?.note ?? '',
        quadrant: todo?.quadrant ?? ((this.data.defaultQuadrant || 'q1') as Quadrant),
        repeat,
        repeatIndex: presetOf(repeat, dueAt),
        fromCompletion: todo?.repeatFrom === 'completion',
        steps: (todo?.steps ?? []).map((step) => ({ ...step })),
        stepTitle: '',
      });
      this.describe({
        dueAt,
        remind: Boolean(remindAt),
        remindOffset: OFFSET_MINUTES.includes(offset) ? offset : 0,
        picking: false,
      });
    },
    describe(change) {
      const next = { ...this.data, ...change };
      const { t } = this.data;
      const todo = this.data.todo as Todo | null;
      const now = this.now();
      const remindAt = next.dueAt && next.remind ? next.dueAt - next.remindOffset * 60_000 : 0;
      // A reminder already delivered says so, until its time is changed (which makes it a new one).
      const sent =
        todo?.reminder.state === 'sent' &&
        todo.reminder.sentAt &&
        todo.remindAt &&
        Date.parse(todo.remindAt) === remindAt
          ? todo.reminder.sentAt
          : '';
      const words = strings().time;
      // A delivered reminder is in the past by nature; a new one set in the past would never be sent.
      const remindPast = Boolean(remindAt) && !sent && remindAt < now;
      this.setData({
        ...change,
        dueText: next.dueAt ? formatDateTime(next.dueAt, now, words) : '',
        remindPast,
        remindLabel: !next.remind
          ? ''
          : sent
            ? fill(t.remindSent, { time: formatDateTime(Date.parse(sent), now, words) })
            : remindPast
              ? t.remindPast
              : t.remindOn,
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
        minDate: pickerMin(now, this.data.dueAt),
      });
    },
    onPickConfirm(event) {
      this.describe({ dueAt: event.detail, picking: false });
      // "Weekly" and "monthly" follow the due day.
      const { repeatIndex } = this.data;
      if (repeatIndex > 0) this.setData({ repeat: presetRule(repeatIndex, event.detail) });
    },
    onPickCancel() {
      this.setData({ picking: false });
    },
    onClearDue() {
      // A repeat counts from the due time: no due time, no repeat.
      this.describe({ dueAt: 0, remind: false });
      this.setData({ repeat: null, repeatIndex: 0 });
    },
    onRepeat(event) {
      const index = Number(event.currentTarget.dataset.index);
      // A repeat needs a due time: start from the next whole hour, which the person can change.
      const dueAt = this.data.dueAt || (index > 0 ? nextHour(this.now()) : 0);
      if (dueAt !== this.data.dueAt) this.describe({ dueAt });
      this.setData({ repeatIndex: index, repeat: presetRule(index, dueAt) });
    },
    onFromCompletion(event) {
      this.setData({ fromCompletion: event.detail });
    },
    onStepTitle(event) {
      this.setData({ stepTitle: event.detail.value });
    },
    onAddStep() {
      const title = this.data.stepTitle.trim();
      if (!title || [...title].length > STEP_TITLE_MAX) return;
      if (this.data.steps.length >= STEPS_MAX) {
        wx.showToast({ title: fill(this.data.t.stepsFull, { max: STEPS_MAX }), icon: 'none' });
        return;
      }
      this.setData({ steps: [...this.data.steps, { title, done: false }], stepTitle: '' });
    },
    onRenameStep(event) {
      const index = Number(event.currentTarget.dataset.index);
      const title = event.detail.value.trim();
      if (title && [...title].length <= STEP_TITLE_MAX) this.setData({ [`steps[${index}].title`]: title });
    },
    onRemoveStep(event) {
      const index = Number(event.currentTarget.dataset.index);
      this.setData({ steps: this.data.steps.filter((_, i) => i !== index) });
    },
    /** A saved step is ticked at once (toggleStep); a new one with the rest on save. */
    onTickStep(event) {
      const index = Number(event.currentTarget.dataset.index);
      const step = this.data.steps[index];
      const todo = this.data.todo as Todo | null;
      if (!step) return;
      const done = !step.done;
      this.setData({ [`steps[${index}].done`]: done });
      if (!todo || !step.id) return;
      void todos.toggleStep(todo.id, step.id, done).then(async (result) => {
        if (!result.ok) {
          this.setData({ [`steps[${index}].done`]: !done });
          showError(result);
          return;
        }
        this.triggerEvent('changed', { todo: result.data.todo });
        const saved = result.data.todo;
        if (!done || saved.done || !saved.steps.every((s) => s.done)) return;
        const t = strings().todos;
        const answer = await wx.showModal({
          title: t.stepsDoneTitle,
          content: fill(t.stepsDoneContent, { title: saved.title }),
          confirmText: t.completeIt,
          cancelText: t.notNow,
        });
        if (answer.confirm) this.triggerEvent('complete', { id: saved.id });
      });
    },
    onOffset(event) {
      this.describe({ remindOffset: Number(event.currentTarget.dataset.minutes) });
    },

    onRemindChange(event) {
      if (!event.detail) {
        this.describe({ remind: false });
        return;
      }
      // Called before any await: WeChat allows the prompt only synchronously inside the user's tap.
      void askForReminder().then((on) => {
        // A reminder needs a due time; start from the next whole hour, which the person can change.
        if (on) this.describe({ remind: true, ...(this.data.dueAt ? {} : { dueAt: nextHour(this.now()) }) });
      });
    },

    onSave() {
      const title = this.data.title.trim();
      if (!title || [...title].length > TITLE_MAX || [...this.data.note.trim()].length > NOTE_MAX) return;
      if (this.data.remindPast) return;
      const { note, quadrant, dueAt, remind, remindOffset, repeat, fromCompletion, steps } = this.data;
      const due = dueAt ? new Date(dueAt).toISOString() : null;
      const remindAt = dueAt && remind ? new Date(dueAt - remindOffset * 60_000).toISOString() : null;
      const repeatFrom = fromCompletion ? 'completion' : 'due';
      const todo = this.data.todo as Todo | null;
      if (!todo) {
        const titles = steps.map((s) => s.title.trim()).filter(Boolean);
        const draft: TodoDraft = { title, note: note.trim(), quadrant, dueAt: due, remindAt };
        if (repeat && due) Object.assign(draft, { repeat, repeatFrom });
        if (titles.length) draft.steps = titles;
        return this.send({ draft });
      }
      const patch: TodoPatch = { id: todo.id };
      if (title !== todo.title) patch.title = title;
      if (note.trim() !== todo.note) patch.note = note.trim();
      if (quadrant !== todo.quadrant) patch.quadrant = quadrant;
      if (due !== todo.dueAt) patch.dueAt = due;
      if (remindAt !== todo.remindAt) patch.remindAt = remindAt;
      if (repeat !== todo.repeat) patch.repeat = repeat;
      if (repeat && repeatFrom !== todo.repeatFrom) patch.repeatFrom = repeatFrom;
      const changedSteps = stepsPatch(todo.steps, steps);
      if (changedSteps) patch.steps = changedSteps;
      // A repeating todo's edit: this one only, or this one and the ones after it.
      const series = Object.keys(patch).some((key) => !['id', 'steps', 'repeat', 'repeatFrom'].includes(key));
      if (!todo.repeat || patch.repeat === null || !series) return this.send({ patch });
      const { t } = this.data;
      wx.showActionSheet({ alertText: t.scopeContent, itemList: [t.scopeThis, t.scopeFollowing] }).then(
        ({ tapIndex }) => this.send({ patch: { ...patch, scope: tapIndex === 0 ? 'this' : 'following' } }),
        () => undefined, // cancelled: the editor stays open
      );
    },

    send(detail) {
      this.triggerEvent('save', detail);
    },

    onClose() {
      this.triggerEvent('close');
    },
  },
});
