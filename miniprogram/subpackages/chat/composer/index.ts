/**
 * The message bar at the bottom of a chat: a field that grows to a few lines, then scrolls, and a
 * Send button beside it. It holds no draft of its own: the page passes `value` and keeps what
 * `change` reports; `send` carries the text (never blank) when the button or the keyboard's send
 * key is pressed.
 */
import { defineComponent } from '../../../utils/define';

defineComponent()<
  { size: { minHeight: number; maxHeight: number } },
  {
    value: StringConstructor;
    placeholder: StringConstructor;
    sendText: StringConstructor;
    disabled: BooleanConstructor;
    busy: BooleanConstructor;
    maxlength: { type: NumberConstructor; value: number };
  },
  { onChange(event: { detail: string }): void; onSend(): void }
>({
  properties: {
    value: String,
    placeholder: String,
    /** The button's word, from the page's catalogue. */
    sendText: String,
    disabled: Boolean,
    /** Something is on its way: the field stays editable, Send waits. */
    busy: Boolean,
    maxlength: { type: Number, value: 2000 },
  },
  // px, as Vant's autosize takes them: one line, up to about four.
  data: { size: { minHeight: 24, maxHeight: 96 } },
  methods: {
    onChange(event) {
      this.triggerEvent('change', event.detail);
    },
    onSend() {
      const text = this.data.value.trim();
      // Over the limit, the counter says so and nothing is cut: the person shortens it.
      if (!text || [...text].length > this.data.maxlength || this.data.disabled || this.data.busy) return;
      this.triggerEvent('send', text);
    },
  },
});
