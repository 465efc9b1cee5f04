/**
 * `<input>` and `<textarea>`: the host is the real field; `value` is written to the property, not the
 * attribute. Events carry WeChat's detail (`input` -> {value, cursor, keyCode}).
 */
import { builtin, type Props } from './define';

const FIELD_PROPS: Props = {
  value: { type: String, value: '' },
  type: { type: String, value: 'text' },
  password: { type: Boolean, value: false },
  placeholder: { type: String, value: '' },
  placeholderClass: { type: String, value: '' },
  placeholderStyle: { type: String, value: '' },
  disabled: { type: Boolean, value: false },
  maxlength: { type: Number, value: 140 },
  focus: { type: Boolean, value: false },
  autoFocus: { type: Boolean, value: false },
  confirmType: { type: String, value: 'done' },
  confirmHold: { type: Boolean, value: false },
  cursorSpacing: { type: Number, value: 0 },
  alwaysEmbed: { type: Boolean, value: false },
  adjustPosition: { type: Boolean, value: true },
  holdKeyboard: { type: Boolean, value: false },
  autoHeight: { type: Boolean, value: false },
  fixed: { type: Boolean, value: false },
  showConfirmBar: { type: Boolean, value: true },
  disableDefaultPadding: { type: Boolean, value: false },
  cursor: { type: Number, value: -1 },
  selectionStart: { type: Number, value: -1 },
  selectionEnd: { type: Number, value: -1 },
};

const INPUT_TYPES: Record<string, { type: string; inputMode?: string }> = {
  text: { type: 'text' },
  nickname: { type: 'text' },
  number: { type: 'text', inputMode: 'numeric' },
  digit: { type: 'text', inputMode: 'decimal' },
  idcard: { type: 'text' },
  safePassword: { type: 'password' },
};

/** An auto-height textarea as tall as its text: from no height, the measure is the text's own ('auto' would be two rows). */
function fitHeight(el: HTMLInputElement | HTMLTextAreaElement): void {
  if (!(el instanceof HTMLTextAreaElement) || el.dataset.autoHeight !== 'true') return;
  el.style.height = '0px';
  el.style.height = `${el.scrollHeight}px`;
}

const field = (tag: 'input' | 'textarea') =>
  builtin<HTMLInputElement | HTMLTextAreaElement>(tag, (host) => ({
    properties: FIELD_PROPS,
    changed(ctx, name, value) {
      const el = ctx.el;
      if (name === 'value' && el.value !== String(value ?? '')) {
        el.value = String(value ?? '');
        // WeChat's auto-height follows the value however it changes: a cleared composer is one line again.
        fitHeight(el);
      } else if (name === 'placeholder') el.placeholder = String(value ?? '');
      else if (name === 'disabled') el.disabled = value === true;
      else if (name === 'maxlength') {
        const n = Number(value);
        if (n >= 0) el.maxLength = n;
        else el.removeAttribute('maxlength');
      } else if ((name === 'type' || name === 'password') && el instanceof HTMLInputElement) {
        const t = INPUT_TYPES[String(ctx.data.type)] ?? { type: 'text' };
        el.type = ctx.data.password === true ? 'password' : t.type;
        if (t.inputMode) el.inputMode = t.inputMode;
        else el.removeAttribute('inputmode');
      } else if (name === 'focus' || name === 'autoFocus') {
        if (value === true) setTimeout(() => el.focus(), 0);
      } else if (name === 'placeholderStyle' && value) {
        el.dataset.placeholderStyle = String(value);
      } else if (name === 'autoHeight' && el instanceof HTMLTextAreaElement) {
        el.dataset.autoHeight = String(value === true);
      }
    },
    bind(ctx) {
      const el = ctx.el;
      const grow = (): void => fitHeight(el);
      el.addEventListener('input', (e) => {
        const data = (e as InputEvent).data;
        ctx.trigger('input', {
          value: el.value,
          cursor: el.selectionStart ?? el.value.length,
          keyCode: data ? data.charCodeAt(data.length - 1) : 8,
        });
        grow();
      });
      el.addEventListener('focus', () => {
        // The nickname field waits for the privacy agreement, as WeChat's does.
        if (ctx.data.type === 'nickname' && !host.privacy.agreed()) {
          el.readOnly = true;
          el.blur();
          void host.privacy.require('input.nickname').then((agreed) => {
            el.readOnly = false;
            if (agreed) el.focus();
          });
          return;
        }
        ctx.trigger('focus', { value: el.value, height: 0 });
      });
      el.addEventListener('blur', () => ctx.trigger('blur', { value: el.value, cursor: el.selectionStart ?? 0 }));
      el.addEventListener('keydown', (event) => {
        const e = event as KeyboardEvent;
        if (e.key !== 'Enter' || (tag === 'textarea' && !e.ctrlKey && !e.metaKey)) return;
        ctx.trigger('confirm', { value: el.value });
        if (tag === 'input' && !ctx.data.confirmHold) el.blur();
      });
      grow();
    },
  }));

export const input = field('input');
export const textarea = field('textarea');
