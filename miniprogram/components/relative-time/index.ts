/**
 * A time shown the way a person reads it ("5 分钟前", "Tomorrow 09:00"), kept current while visible:
 * it re-renders once at each minute boundary, and not at all while its page is hidden.
 */
import { strings } from '../../i18n/index';
import { defineComponent } from '../../utils/define';
import { formatRelative, msToNextMinute } from '../../utils/time';

interface Custom {
  timer: ReturnType<typeof setTimeout> | undefined;
  visible: boolean;
  /** Injected clock, so tests can pin "now". */
  now: () => number;
}

defineComponent<Custom>()<
  { text: string; past: boolean },
  { time: StringConstructor; highlightPast: BooleanConstructor },
  { refresh(): void; schedule(): void; stop(): void }
>({
  properties: {
    /** ISO 8601 instant; empty renders nothing. */
    time: String,
    /** Mark past times in the danger colour (overdue todos). */
    highlightPast: Boolean,
  },
  data: { text: '', past: false },

  observers: {
    time() {
      this.refresh();
    },
  },

  lifetimes: {
    created() {
      // Fields that are not rendered stay off `data`, so they never cross to the view layer.
      this.timer = undefined;
      this.visible = true;
      this.now = Date.now;
    },
    attached() {
      this.refresh();
    },
    ready() {
      // Tick only once the first render is on screen; attached-but-unrendered work is wasted.
      this.schedule();
    },
    moved() {
      // A keyed list reordered the row: its time may belong to a different slot now.
      this.refresh();
    },
    detached() {
      this.stop();
    },
  },

  pageLifetimes: {
    show() {
      this.visible = true;
      this.refresh();
      this.schedule();
    },
    hide() {
      this.visible = false;
      this.stop();
    },
  },

  methods: {
    refresh() {
      const ms = this.data.time ? Date.parse(this.data.time) : NaN;
      const now = this.now();
      const text = Number.isNaN(ms) ? '' : formatRelative(ms, now, strings().time);
      const past = !Number.isNaN(ms) && ms < now;
      if (text !== this.data.text || past !== this.data.past) this.setData({ text, past });
    },
    schedule() {
      this.stop();
      if (!this.visible || !this.data.time) return;
      this.timer = setTimeout(() => {
        this.refresh();
        this.schedule();
      }, msToNextMinute(this.now()));
    },
    stop() {
      if (this.timer !== undefined) clearTimeout(this.timer);
      this.timer = undefined;
    },
  },
});
