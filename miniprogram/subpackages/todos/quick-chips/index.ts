/**
 * What the quick-add field understood, as chips under it: `todo.parse` (debounced, with the
 * phone's zone like every call) reads the due time, the repeat and the reminder in the line; a
 * tapped chip is read again without (`without`), so its words stay in the title. Each reading is
 * emitted (`read`) for the page to save; while none is had (typing, offline), the page saves the
 * plain text. It lives in the todos subpackage, an async component: the field works without it.
 */
import type { QuickAddKind, QuickAddResult, TodoDraft } from '../../../../typings/todo';
import { fill, strings } from '../../../i18n/index';
import { todos } from '../../../services/todos';
import { QUICK_ADD_MAX } from '../../../shared/limits';
import { defineComponent } from '../../../utils/define';
import { formatDateTime } from '../../../utils/time';

/** A chip: a due time or reminder in words, or a repeat's rule (put in words by repeat-text). */
export interface Chip {
  kind: QuickAddKind;
  label: string;
  rule: string;
  /** What a screen reader says: the chip, and that a tap removes it. */
  aria: string;
}

/** What the page saves for `text`. */
export interface QuickReading {
  text: string;
  fields: Pick<TodoDraft, 'title' | 'dueAt' | 'repeat' | 'remindAt'>;
}

const DEBOUNCE_MS = 300;

/** The chips for a parse, in the text's order. */
export function chipsOf(result: QuickAddResult, now: number): Chip[] {
  const words = strings();
  const label = (kind: QuickAddKind): string => {
    if (kind === 'repeat') return result.repeat ?? '';
    const at = kind === 'due' ? result.dueAt : result.remindAt;
    if (!at) return '';
    const time = formatDateTime(Date.parse(at), now, words.time);
    return kind === 'remind' ? fill(words.todos.chipRemind, { time }) : time;
  };
  return (
    result.spans
      .map((span) => {
        const rule = span.kind === 'repeat' ? label('repeat') : '';
        const what = rule ? words.todos.chipRepeat : label(span.kind);
        return { kind: span.kind, label: label(span.kind), rule, aria: fill(words.todos.chipRemove, { what }) };
      })
      // One chip per kind: "明天" and "9点" may come as two spans of one due time.
      .filter((chip, i, all) => chip.label && all.findIndex((other) => other.kind === chip.kind) === i)
  );
}

/** The fields to save: only date words ("明天9点") keep the whole line as the title. */
function fieldsOf(text: string, result: QuickAddResult): QuickReading['fields'] {
  const { dueAt, repeat, remindAt } = result;
  return {
    title: result.title.trim() || text,
    dueAt,
    repeat: dueAt ? repeat : null,
    remindAt: dueAt ? remindAt : null,
  };
}

interface Custom {
  timer: ReturnType<typeof setTimeout> | undefined;
  without: QuickAddKind[];
  /** Bumped by every reading asked, so only the latest one shows. */
  asked: number;
  now: () => number;
}

type ChipTap = WechatMiniprogram.BaseEvent<Record<string, never>, { kind: QuickAddKind }>;

defineComponent<Custom>()<
  { chips: Chip[] },
  { text: StringConstructor },
  { schedule(delay: number): void; read(): Promise<void>; onChip(event: ChipTap): void }
>({
  properties: {
    /** The quick-add field's text. */
    text: String,
  },
  data: { chips: [] },
  observers: {
    text() {
      // A new line reads every kind again.
      this.without = [];
      this.schedule(DEBOUNCE_MS);
    },
  },
  lifetimes: {
    created() {
      this.timer = undefined;
      this.without = [];
      this.asked = 0;
      this.now = Date.now;
    },
    detached() {
      if (this.timer !== undefined) clearTimeout(this.timer);
    },
  },
  methods: {
    schedule(delay) {
      if (this.timer !== undefined) clearTimeout(this.timer);
      this.asked++;
      this.timer = setTimeout(() => void this.read(), delay);
    },
    async read() {
      this.timer = undefined;
      const text = this.data.text.trim();
      const asked = this.asked;
      if (!text || [...text].length > QUICK_ADD_MAX) {
        this.setData({ chips: [] });
        return;
      }
      const result = await todos.parse({ text, ...(this.without.length ? { without: [...this.without] } : {}) });
      if (asked !== this.asked) return;
      this.setData({ chips: result.ok ? chipsOf(result.data, this.now()) : [] });
      if (result.ok) this.triggerEvent('read', { text, fields: fieldsOf(text, result.data) } satisfies QuickReading);
    },
    onChip(event) {
      const kind = event.currentTarget.dataset.kind;
      if (!this.without.includes(kind)) this.without.push(kind);
      this.schedule(0);
    },
  },
});
