/**
 * What every built-in shares: a glass-easel component registered globally under the WXML tag, whose
 * host element is the web element itself. A built-in is a spec (its properties, what a property
 * change does to the element, the DOM listeners it binds) and `builtin()` turns it into one entry of
 * the registry.
 */
import type { glassEasel } from 'glass-easel-miniprogram-adapter';

type PropType =
  StringConstructor | NumberConstructor | BooleanConstructor | ArrayConstructor | ObjectConstructor | null;
export type Props = Record<string, { type: PropType; value?: unknown }>;

export interface BuiltinContext<E extends HTMLElement = HTMLElement> {
  el: E;
  comp: glassEasel.GeneralComponent;
  data: Record<string, unknown>;
  trigger(name: string, detail: unknown): void;
  /** A style segment of its own, so the owner's `style="..."` and ours both apply. */
  setStyle(css: string): void;
}

export interface BuiltinSpec<E extends HTMLElement> {
  properties: Props;
  /** Every property, on attach and on each change. */
  changed?(ctx: BuiltinContext<E>, name: string, value: unknown): void;
  /** Once per element, on its first attach: the DOM listeners (a re-attached element keeps its own). */
  bind?(ctx: BuiltinContext<E>): void;
  detached?(ctx: BuiltinContext<E>): void;
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
  /** The file chooser (`open-type="chooseAvatar"`); never settles when the person cancels. */
  chooseFiles(accept: string, multiple: boolean): Promise<File[]>;
  unsupported(what: string): void;
}

/** One entry of the registry: the WXML tag and how to define it in a component space. */
export interface Builtin {
  tag: string;
  register(space: glassEasel.ComponentSpace, host: BuiltinHost): void;
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

const bound = new WeakSet<HTMLElement>();

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
        if (spec.bind && !bound.has(ctx.el)) {
          bound.add(ctx.el);
          spec.bind(ctx);
        }
      },
      detached(this: glassEasel.GeneralComponent) {
        spec.detached?.(context<E>(this));
      },
    },
  } as unknown as Parameters<glassEasel.ComponentSpace['defineComponent']>[0]);
  space.setGlobalUsingComponent(tag, definition as unknown as glassEasel.GeneralComponentDefinition);
}

/** A built-in for the registry; `spec` gets the host when the runtime registers it. */
export function builtin<E extends HTMLElement>(tag: string, spec: (host: BuiltinHost) => BuiltinSpec<E>): Builtin {
  return { tag, register: (space, host) => define(space, tag, spec(host)) };
}

/** A boolean property as a `data-*` attribute the built-ins' CSS selects on. */
export const flag = (el: HTMLElement, name: string, on: unknown): void => {
  el.dataset[name] = String(on === true || on === 'true');
};
