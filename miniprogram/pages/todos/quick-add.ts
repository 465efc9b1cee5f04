/**
 * The quick-add field's reading of what is typed: `todo.parse` (debounced) finds the due time,
 * the repeat and the reminder in the text, shown as chips before saving; a tapped chip is left
 * unread (`without`), so its words stay in the title. Saving takes what was understood, or, when
 * the parse cannot be had (offline), the plain text as the title.
 */
import type { QuickAddKind, QuickAddResult, TodoDraft } from '../../../typings/todo';
import { fill, strings } from '../../i18n/index';
import { todos } from '../../services/todos';
import { formatDateTime } from '../../utils/time';
import { QUICK_ADD_MAX } from '../../shared/limits';
import { repeatText } from '../../utils/repeat';

/** A chip: what one kind of words was read as, in the app's language. */
export interface Chip {
  kind: QuickAddKind;
  label: string;
}

export type QuickFields = Pick<TodoDraft, 'title' | 'dueAt' | 'repeat' | 'remindAt'>;

const DEBOUNCE_MS = 300;

/** The chips for a parse, in the text's order. */
export function chipsOf(result: QuickAddResult, now: number): Chip[] {
  const words = strings();
  const label = (kind: QuickAddKind): string => {
    if (kind === 'repeat') return result.repeat ? repeatText(result.repeat) : '';
    const at = kind === 'due' ? result.dueAt : result.remindAt;
    if (!at) return '';
    const time = formatDateTime(Date.parse(at), now, words.time);
    return kind === 'remind' ? fill(words.todos.chipRemind, { time }) : time;
  };
  return result.spans.map((span) => ({ kind: span.kind, label: label(span.kind) })).filter((chip) => chip.label);
}

export class QuickAdd {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private without: QuickAddKind[] = [];
  /** The parse asked for the text last typed (and the chips left unread then). */
  private asked: { key: string; answer: Promise<QuickAddResult | null> } | undefined;

  constructor(
    private readonly show: (chips: Chip[]) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** The text changed: read it again once typing pauses; a new text reads every kind again. */
  input(text: string): void {
    this.without = [];
    this.schedule(text);
  }

  /** A chip was tapped: its words are left in the title. */
  remove(kind: QuickAddKind, text: string): void {
    if (!this.without.includes(kind)) this.without.push(kind);
    this.schedule(text, 0);
  }

  /** What to save for `text`: what was understood, or the plain text when nothing could be. */
  async fields(text: string): Promise<QuickFields> {
    this.cancel();
    const result = await this.parse(text);
    this.clear();
    if (!result) return { title: text };
    const { dueAt, repeat, remindAt } = result;
    // Only date words ("明天9点"): the whole line is still the best title.
    return {
      title: result.title.trim() || text,
      dueAt,
      repeat: dueAt ? repeat : null,
      remindAt: dueAt ? remindAt : null,
    };
  }

  clear(): void {
    this.cancel();
    this.without = [];
    this.asked = undefined;
    this.show([]);
  }

  private cancel(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(text: string, delay = DEBOUNCE_MS): void {
    this.cancel();
    const trimmed = text.trim();
    if (!trimmed) {
      this.show([]);
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.parse(trimmed).then((result) => {
        // Only the reading of what is typed now is shown.
        if (this.asked?.key === this.key(trimmed)) this.show(result ? chipsOf(result, this.now()) : []);
      });
    }, delay);
  }

  private key(text: string): string {
    return `${[...this.without].sort().join(',')}|${text.trim()}`;
  }

  /** The parse of `text`, asked once per text and chips removed; null when it failed. */
  private parse(text: string): Promise<QuickAddResult | null> {
    const key = this.key(text);
    if ([...text.trim()].length > QUICK_ADD_MAX) return Promise.resolve(null);
    if (this.asked?.key !== key) {
      const request = { text: text.trim(), ...(this.without.length ? { without: [...this.without] } : {}) };
      const answer = todos.parse(request).then((result) => (result.ok ? result.data : null));
      this.asked = { key, answer };
    }
    return this.asked.answer;
  }
}
