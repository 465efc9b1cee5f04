/**
 * WeChat's built-in components as web elements. Each is a glass-easel component whose host element
 * is the real thing (`<input>`, `<button>`), or an element styled the way the base library does it
 * (`<image>` paints a background, as WeChat's own image does). Events are the mini-program's, with
 * the detail WeChat gives (`input` -> {value, cursor, keyCode}); the DOM's own events are not
 * forwarded (see env.ts), so nothing fires twice.
 */
import { glassEasel, type CodeSpace } from 'glass-easel-miniprogram-adapter';

type PropType =
  StringConstructor | NumberConstructor | BooleanConstructor | ArrayConstructor | ObjectConstructor | null;
type Props = Record<string, { type: PropType; value?: unknown }>;

export interface BuiltinContext<E extends HTMLElement = HTMLElement> {
  el: E;
  comp: glassEasel.GeneralComponent;
  data: Record<string, unknown>;
  trigger(name: string, detail: unknown): void;
  /** A style segment of its own, so the owner's `style="..."` and ours both apply. */
  setStyle(css: string): void;
}

interface BuiltinSpec<E extends HTMLElement> {
  properties: Props;
  attached?(ctx: BuiltinContext<E>): void;
  detached?(ctx: BuiltinContext<E>): void;
  changed?(ctx: BuiltinContext<E>, name: string, value: unknown): void;
}

/** What the built-ins need from the rest of the runtime. */
export interface BuiltinHost {
  /** A URL the browser can load for a mini-program src (cloud://, http://tmp/, /path, relative). */
  resolveSrc(src: string, comp: glassEasel.GeneralComponent): string;
  /** Keeps a picked file and returns its WeChat-style temporary path. */
  tempFile(file: Blob, name: string): string;
  navigate(openType: string, url: string, delta: number): void;
  share(target: unknown): void;
  pickerSheet(label: string, field: HTMLElement): Promise<boolean>;
  unsupported(what: string): void;
}

const TEMP_STYLE_SEGMENT = 3; // glass-easel StyleSegmentIndex.TEMP_EXTRA

function context<E extends HTMLElement>(comp: glassEasel.GeneralComponent): BuiltinContext<E> {
  return {
    el: comp.getBackendElement() as unknown as E,
    comp,
    data: comp.data as Record<string, unknown>,
    trigger: (name, detail) => comp.triggerEvent(name, detail, { bubbles: false, composed: false }),
    setStyle: (css) => comp.setNodeStyle(css, TEMP_STYLE_SEGMENT),
  };
}

function define<E extends HTMLElement>(space: glassEasel.ComponentSpace, tag: string, spec: BuiltinSpec<E>): void {
  const observers: Record<string, (this: glassEasel.GeneralComponent, value: unknown) => void> = {};
  for (const name of Object.keys(spec.properties)) {
    observers[name] = function (value: unknown) {
      spec.changed?.(context<E>(this), name, value);
    };
  }
  const definition = space.defineComponent({
    is: `preview-builtin/${tag}`,
    properties: spec.properties,
    observers,
    lifetimes: {
      attached(this: glassEasel.GeneralComponent) {
        const ctx = context<E>(this);
        for (const name of Object.keys(spec.properties)) spec.changed?.(ctx, name, ctx.data[name]);
        spec.attached?.(ctx);
      },
      detached(this: glassEasel.GeneralComponent) {
        spec.detached?.(context<E>(this));
      },
    },
  } as unknown as Parameters<glassEasel.ComponentSpace['defineComponent']>[0]);
  space.setGlobalUsingComponent(tag, definition as unknown as glassEasel.GeneralComponentDefinition);
}

const flag = (el: HTMLElement, name: string, on: unknown): void => {
  el.dataset[name] = String(on === true || on === 'true');
};

// Per-element state kept off the data (the DOM listeners, timers).
const state = new WeakMap<HTMLElement, Record<string, unknown>>();
const stateOf = (el: HTMLElement): Record<string, unknown> => {
  let s = state.get(el);
  if (!s) state.set(el, (s = {}));
  return s;
};

function defineImage(space: glassEasel.ComponentSpace, host: BuiltinHost): void {
  define(space, 'image', {
    properties: {
      src: { type: String, value: '' },
      mode: { type: String, value: 'scaleToFill' },
      lazyLoad: { type: Boolean, value: false },
      webp: { type: Boolean, value: false },
      showMenuByLongpress: { type: Boolean, value: false },
    },
    changed(ctx, name, value) {
      if (name === 'mode') ctx.el.dataset.mode = String(value || 'scaleToFill');
      if (name !== 'src') return;
      const src = String(value ?? '');
      ctx.el.setAttribute('role', 'img');
      if (!src) {
        ctx.el.removeAttribute('data-src');
        ctx.setStyle('');
        return;
      }
      const url = host.resolveSrc(src, ctx.comp);
      ctx.el.dataset.src = url;
      const probe = new Image();
      probe.onload = () => {
        if (ctx.el.dataset.src !== url) return;
        const ratio = `${probe.naturalWidth} / ${probe.naturalHeight}`;
        ctx.setStyle(`background-image:url("${url}");aspect-ratio:${ratio}`);
        ctx.trigger('load', { width: probe.naturalWidth, height: probe.naturalHeight });
      };
      probe.onerror = () => {
        if (ctx.el.dataset.src !== url) return;
        ctx.trigger('error', { errMsg: `GET ${src} failed` });
      };
      ctx.setStyle(`background-image:url("${url}")`);
      probe.src = url;
    },
  });
}

const INPUT_PROPS: Props = {
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

/** input and textarea: the host is the real field; `value` is written to the property, not the attribute. */
function defineField(space: glassEasel.ComponentSpace, tag: 'input' | 'textarea'): void {
  define<HTMLInputElement | HTMLTextAreaElement>(space, tag, {
    properties: INPUT_PROPS,
    changed(ctx, name, value) {
      const el = ctx.el;
      if (name === 'value' && el.value !== String(value ?? '')) el.value = String(value ?? '');
      else if (name === 'placeholder') el.placeholder = String(value ?? '');
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
    attached(ctx) {
      const el = ctx.el;
      const s = stateOf(el);
      if (s.bound) return;
      s.bound = true;
      const grow = (): void => {
        if (el instanceof HTMLTextAreaElement && el.dataset.autoHeight === 'true') {
          el.style.height = 'auto';
          el.style.height = `${el.scrollHeight}px`;
        }
      };
      el.addEventListener('input', (e) => {
        const data = (e as InputEvent).data;
        ctx.trigger('input', {
          value: el.value,
          cursor: el.selectionStart ?? el.value.length,
          keyCode: data ? data.charCodeAt(data.length - 1) : 8,
        });
        grow();
      });
      el.addEventListener('focus', () => ctx.trigger('focus', { value: el.value, height: 0 }));
      el.addEventListener('blur', () => ctx.trigger('blur', { value: el.value, cursor: el.selectionStart ?? 0 }));
      el.addEventListener('keydown', (event) => {
        const e = event as KeyboardEvent;
        if (e.key !== 'Enter' || (tag === 'textarea' && !e.ctrlKey && !e.metaKey)) return;
        ctx.trigger('confirm', { value: el.value });
        if (tag === 'input' && !ctx.data.confirmHold) el.blur();
      });
      grow();
    },
  });
}

function defineButton(space: glassEasel.ComponentSpace, host: BuiltinHost): void {
  define<HTMLButtonElement>(space, 'button', {
    properties: {
      type: { type: String, value: 'default' },
      size: { type: String, value: 'default' },
      plain: { type: Boolean, value: false },
      disabled: { type: Boolean, value: false },
      loading: { type: Boolean, value: false },
      formType: { type: String, value: '' },
      openType: { type: String, value: '' },
      hoverClass: { type: String, value: 'button-hover' },
      hoverStopPropagation: { type: Boolean, value: false },
      hoverStartTime: { type: Number, value: 20 },
      hoverStayTime: { type: Number, value: 70 },
      lang: { type: String, value: 'en' },
      sessionFrom: { type: String, value: '' },
      sendMessageTitle: { type: String, value: '' },
      sendMessagePath: { type: String, value: '' },
      sendMessageImg: { type: String, value: '' },
      appParameter: { type: String, value: '' },
      showMessageCard: { type: Boolean, value: false },
      phoneNumberNoQuotaToast: { type: Boolean, value: true },
    },
    changed(ctx, name, value) {
      const el = ctx.el;
      el.type = 'button';
      if (name === 'type') el.dataset.type = String(value);
      else if (name === 'size') el.dataset.size = String(value);
      else if (name === 'plain') flag(el, 'plain', value);
      else if (name === 'loading') flag(el, 'loading', value);
      else if (name === 'disabled') el.disabled = value === true;
    },
    attached(ctx) {
      const el = ctx.el;
      const s = stateOf(el);
      if (s.bound) return;
      s.bound = true;
      el.addEventListener('click', () => {
        if (el.disabled) return;
        const openType = String(ctx.data.openType ?? '');
        if (openType === 'chooseAvatar')
          chooseFile('image/*', (file) => {
            const ext = (file.type.split('/')[1] ?? 'png').replace('jpeg', 'jpg');
            ctx.trigger('chooseavatar', { avatarUrl: host.tempFile(file, `avatar.${ext}`) });
          });
        else if (openType === 'share') host.share(ctx.comp);
        else if (openType === 'getPhoneNumber' || openType === 'getRealtimePhoneNumber') {
          host.unsupported(`<button open-type="${openType}">`);
          ctx.trigger(openType.toLowerCase(), { errMsg: `${openType}:fail not available in the browser preview` });
        } else if (openType === 'getUserInfo') {
          ctx.trigger('getuserinfo', { errMsg: 'getUserInfo:fail not available in the browser preview' });
        } else if (openType === 'openSetting')
          ctx.trigger('opensetting', { authSetting: {}, errMsg: 'openSetting:ok' });
        else if (openType) host.unsupported(`<button open-type="${openType}">`);
      });
    },
  });
}

/** A file chooser, as WeChat's own picker would open; tests answer it with setInputFiles. */
export function chooseFile(
  accept: string,
  done: (file: File) => void,
  multiple = false,
  all?: (files: File[]) => void,
): void {
  const input = document.createElement('input');
  input.type = 'file';
  input.accept = accept;
  input.multiple = multiple;
  input.style.display = 'none';
  input.addEventListener('change', () => {
    const files = [...(input.files ?? [])];
    input.remove();
    if (all) all(files);
    else if (files[0]) done(files[0]);
  });
  document.body.appendChild(input);
  input.click();
}

function defineScrollView(space: glassEasel.ComponentSpace): void {
  define(space, 'scroll-view', {
    properties: {
      scrollX: { type: Boolean, value: false },
      scrollY: { type: Boolean, value: false },
      upperThreshold: { type: Number, value: 50 },
      lowerThreshold: { type: Number, value: 50 },
      scrollTop: { type: null, value: 0 },
      scrollLeft: { type: null, value: 0 },
      scrollIntoView: { type: String, value: '' },
      scrollWithAnimation: { type: Boolean, value: false },
      enableBackToTop: { type: Boolean, value: false },
      enableFlex: { type: Boolean, value: false },
      showScrollbar: { type: Boolean, value: true },
      refresherEnabled: { type: Boolean, value: false },
      refresherTriggered: { type: Boolean, value: false },
      enhanced: { type: Boolean, value: false },
      bounces: { type: Boolean, value: true },
      pagingEnabled: { type: Boolean, value: false },
      fastDeceleration: { type: Boolean, value: false },
      type: { type: String, value: 'list' },
    },
    changed(ctx, name, value) {
      const el = ctx.el;
      const behavior: ScrollBehavior = ctx.data.scrollWithAnimation ? 'smooth' : 'auto';
      if (name === 'scrollX') flag(el, 'scrollX', value);
      else if (name === 'scrollY') flag(el, 'scrollY', value);
      else if (name === 'enableFlex') el.style.display = value ? 'flex' : '';
      else if (name === 'scrollTop' && value !== '' && value !== undefined && value !== null) {
        requestAnimationFrame(() => el.scrollTo({ top: Number(value), behavior }));
      } else if (name === 'scrollLeft' && value !== '' && value !== undefined && value !== null) {
        requestAnimationFrame(() => el.scrollTo({ left: Number(value), behavior }));
      } else if (name === 'scrollIntoView' && value) {
        requestAnimationFrame(() => {
          const target = el.querySelector(`#${CSS.escape(String(value))}`);
          target?.scrollIntoView({ behavior, block: 'start', inline: 'start' });
        });
      }
    },
    attached(ctx) {
      const el = ctx.el;
      const s = stateOf(el);
      if (s.bound) return;
      s.bound = true;
      let last = { top: el.scrollTop, left: el.scrollLeft };
      let atLower = false;
      let atUpper = true;
      el.addEventListener(
        'scroll',
        () => {
          const detail = {
            scrollLeft: el.scrollLeft,
            scrollTop: el.scrollTop,
            scrollHeight: el.scrollHeight,
            scrollWidth: el.scrollWidth,
            deltaX: el.scrollLeft - last.left,
            deltaY: el.scrollTop - last.top,
          };
          last = { top: el.scrollTop, left: el.scrollLeft };
          ctx.trigger('scroll', detail);
          const horizontal = ctx.data.scrollX === true && ctx.data.scrollY !== true;
          const lower = Number(ctx.data.lowerThreshold);
          const upper = Number(ctx.data.upperThreshold);
          const toEnd = horizontal
            ? el.scrollWidth - el.scrollLeft - el.clientWidth
            : el.scrollHeight - el.scrollTop - el.clientHeight;
          const fromStart = horizontal ? el.scrollLeft : el.scrollTop;
          if (toEnd <= lower && !atLower) ctx.trigger('scrolltolower', { direction: horizontal ? 'right' : 'bottom' });
          atLower = toEnd <= lower;
          if (fromStart <= upper && !atUpper) ctx.trigger('scrolltoupper', { direction: horizontal ? 'left' : 'top' });
          atUpper = fromStart <= upper;
        },
        { passive: true },
      );
    },
  });
}

function defineSwiper(space: glassEasel.ComponentSpace): void {
  define(space, 'swiper', {
    properties: {
      current: { type: Number, value: 0 },
      autoplay: { type: Boolean, value: false },
      interval: { type: Number, value: 5000 },
      duration: { type: Number, value: 500 },
      circular: { type: Boolean, value: false },
      vertical: { type: Boolean, value: false },
      indicatorDots: { type: Boolean, value: false },
    },
    changed(ctx, name, value) {
      if (name === 'current') {
        requestAnimationFrame(() => ctx.el.scrollTo({ left: Number(value) * ctx.el.clientWidth, behavior: 'smooth' }));
      }
    },
    attached(ctx) {
      const el = ctx.el;
      const s = stateOf(el);
      if (s.bound) return;
      s.bound = true;
      let current = Number(ctx.data.current) || 0;
      let settle: ReturnType<typeof setTimeout> | undefined;
      el.addEventListener('scroll', () => {
        if (settle) clearTimeout(settle);
        settle = setTimeout(() => {
          const index = Math.round(el.scrollLeft / Math.max(1, el.clientWidth));
          if (index !== current) {
            current = index;
            ctx.trigger('change', { current: index, source: 'touch' });
          }
          ctx.trigger('animationfinish', { current: index, source: 'touch' });
        }, 120);
      });
      s.timer = setInterval(
        () => {
          if (!ctx.data.autoplay || el.children.length === 0) return;
          const next = (current + 1) % el.children.length;
          el.scrollTo({ left: next * el.clientWidth, behavior: 'smooth' });
        },
        Math.max(500, Number(ctx.data.interval) || 5000),
      );
    },
    detached(ctx) {
      clearInterval(stateOf(ctx.el).timer as ReturnType<typeof setInterval>);
    },
  });
}

function defineNavigator(space: glassEasel.ComponentSpace, host: BuiltinHost): void {
  define(space, 'navigator', {
    properties: {
      url: { type: String, value: '' },
      openType: { type: String, value: 'navigate' },
      delta: { type: Number, value: 1 },
      target: { type: String, value: 'self' },
      hoverClass: { type: String, value: 'navigator-hover' },
    },
    attached(ctx) {
      const s = stateOf(ctx.el);
      if (s.bound) return;
      s.bound = true;
      ctx.el.setAttribute('role', 'link');
      ctx.el.addEventListener('click', () =>
        host.navigate(String(ctx.data.openType), String(ctx.data.url), Number(ctx.data.delta) || 1),
      );
    },
  });
}

type PickerValue = number | number[] | string;

/** picker: a bottom sheet with the web's own select / date / time fields. */
function definePicker(space: glassEasel.ComponentSpace, host: BuiltinHost): void {
  define(space, 'picker', {
    properties: {
      mode: { type: String, value: 'selector' },
      disabled: { type: Boolean, value: false },
      range: { type: Array, value: [] },
      rangeKey: { type: String, value: '' },
      value: { type: null, value: 0 },
      start: { type: String, value: '' },
      end: { type: String, value: '' },
      fields: { type: String, value: 'day' },
      headerText: { type: String, value: '' },
    },
    attached(ctx) {
      const s = stateOf(ctx.el);
      if (s.bound) return;
      s.bound = true;
      ctx.el.addEventListener('click', () => {
        if (ctx.data.disabled) return;
        const mode = String(ctx.data.mode);
        const label = String(ctx.data.headerText || 'picker');
        const labelOf = (item: unknown): string =>
          ctx.data.rangeKey && typeof item === 'object' && item
            ? String((item as Record<string, unknown>)[String(ctx.data.rangeKey)])
            : String(item);
        let read: () => PickerValue;
        let field: HTMLElement;
        if (mode === 'selector' || mode === 'multiSelector') {
          const columns = (mode === 'selector' ? [ctx.data.range] : (ctx.data.range as unknown[])) as unknown[][];
          const values = mode === 'selector' ? [Number(ctx.data.value) || 0] : ((ctx.data.value as number[]) ?? []);
          field = document.createElement('div');
          field.className = 'pv-picker__columns';
          const selects = columns.map((column, c) => {
            const select = document.createElement('select');
            select.setAttribute('aria-label', `${label} ${c + 1}`);
            (column ?? []).forEach((item, i) => select.appendChild(new Option(labelOf(item), String(i))));
            select.value = String(values[c] ?? 0);
            select.addEventListener('change', () => {
              if (mode === 'multiSelector') ctx.trigger('columnchange', { column: c, value: Number(select.value) });
            });
            field.appendChild(select);
            return select;
          });
          read = () => (mode === 'selector' ? Number(selects[0].value) : selects.map((x) => Number(x.value)));
        } else if (mode === 'date' || mode === 'time') {
          const input = document.createElement('input');
          const fields = String(ctx.data.fields);
          input.type = mode === 'time' ? 'time' : fields === 'month' ? 'month' : fields === 'year' ? 'number' : 'date';
          input.setAttribute('aria-label', label);
          input.value = String(ctx.data.value ?? '');
          if (ctx.data.start) input.min = String(ctx.data.start);
          if (ctx.data.end) input.max = String(ctx.data.end);
          field = input;
          read = () => input.value;
        } else {
          host.unsupported(`<picker mode="${mode}">`);
          return;
        }
        void host.pickerSheet(label, field).then((ok) => {
          if (ok) ctx.trigger('change', { value: read() });
          else ctx.trigger('cancel', {});
        });
      });
    },
  });
}

function defineSwitch(space: glassEasel.ComponentSpace): void {
  define(space, 'switch', {
    properties: {
      checked: { type: Boolean, value: false },
      disabled: { type: Boolean, value: false },
      type: { type: String, value: 'switch' },
      color: { type: String, value: '#04BE02' },
    },
    changed(ctx, name, value) {
      if (name === 'checked') ctx.el.setAttribute('aria-checked', String(value === true));
      if (name === 'disabled') ctx.el.setAttribute('aria-disabled', String(value === true));
      if (name === 'color' && value) ctx.setStyle(`--pv-switch-color:${String(value)}`);
    },
    attached(ctx) {
      const s = stateOf(ctx.el);
      if (s.bound) return;
      s.bound = true;
      ctx.el.setAttribute('role', 'switch');
      ctx.el.addEventListener('click', () => {
        if (ctx.data.disabled) return;
        const next = ctx.el.getAttribute('aria-checked') !== 'true';
        ctx.el.setAttribute('aria-checked', String(next));
        ctx.trigger('change', { value: next });
      });
    },
  });
}

const ICONS: Record<string, string> = {
  success: '"✔"',
  success_no_circle: '"✓"',
  info: '"ℹ"',
  warn: '"!"',
  waiting: '"◷"',
  cancel: '"✕"',
  download: '"↓"',
  search: '"⌕"',
  clear: '"⊗"',
};

function defineIcon(space: glassEasel.ComponentSpace): void {
  define(space, 'icon', {
    properties: {
      type: { type: String, value: '' },
      size: { type: null, value: 23 },
      color: { type: String, value: '' },
    },
    changed(ctx) {
      const size = typeof ctx.data.size === 'number' ? `${ctx.data.size}px` : String(ctx.data.size);
      const color = ctx.data.color ? `color:${String(ctx.data.color)};` : '';
      ctx.setStyle(`--pv-icon:${ICONS[String(ctx.data.type)] ?? '""'};font-size:${size};${color}`);
    },
  });
}

function defineRichText(space: glassEasel.ComponentSpace): void {
  define(space, 'rich-text', {
    properties: { nodes: { type: null, value: '' }, space: { type: String, value: '' } },
    changed(ctx, name, value) {
      // Only the HTML-string form; the node-array form is reported, not rendered.
      if (name === 'nodes' && typeof value === 'string') ctx.el.innerHTML = value;
    },
  });
}

/** Registers every built-in as a global component of the main code space. */
export function registerBuiltins(codeSpace: CodeSpace, host: BuiltinHost): string[] {
  const space = codeSpace.getComponentSpace();
  defineImage(space, host);
  defineField(space, 'input');
  defineField(space, 'textarea');
  defineButton(space, host);
  defineScrollView(space);
  defineSwiper(space);
  defineNavigator(space, host);
  definePicker(space, host);
  defineSwitch(space);
  defineIcon(space);
  defineRichText(space);
  return [
    'image',
    'input',
    'textarea',
    'button',
    'scroll-view',
    'swiper',
    'navigator',
    'picker',
    'switch',
    'icon',
    'rich-text',
  ];
}
