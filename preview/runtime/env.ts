/**
 * glass-easel, set up as a mini-program: one main code space holding every page and component the
 * build found, the built-ins as global components, and `Component`/`Behavior`/`Page` bound to the
 * path of the file being evaluated.
 */
import { MiniProgramEnv, glassEasel, type CodeSpace } from 'glass-easel-miniprogram-adapter';
import { emulateTouchWithMouse, touchFields } from './touch';
import type { ComponentEntry, ComponentLike, TemplateGroups } from './types';

type Definition = Record<string, unknown> & { behaviors?: unknown[]; options?: Record<string, unknown> };
type Constructor = (definition?: Definition) => unknown;

/** Events the DOM backend forwards from native DOM events; the rest come from the built-ins themselves. */
const FORWARDED = new Set(['tap', 'canceltap', 'touchstart', 'touchmove', 'touchend', 'touchcancel', 'longpress']);

export interface Env {
  codeSpace: CodeSpace;
  backend: glassEasel.CurrentWindowBackendContext;
  associated: ReturnType<MiniProgramEnv['associateBackend']>;
  /** Calls `load` with the mini-program globals bound to component `is`. */
  evaluate(is: string, load: () => unknown): void;
  behaviorConstructor: Constructor;
}

export function createEnv(templates: TemplateGroups, components: ComponentEntry[]): Env {
  const env = new MiniProgramEnv();
  const backend = new glassEasel.CurrentWindowBackendContext();
  // Only gestures come from the DOM: a native `click` or `input` forwarded as a mini-program event
  // would fire handlers twice (e.g. <van-button bind:click> gets Vant's own click and the DOM's).
  backend.onEvent((target, type, detail, options) => {
    if (!FORWARDED.has(type)) return undefined;
    const touches = touchFields(options.originalEvent);
    return glassEasel.Event.triggerEvent(
      target,
      type,
      detail,
      touches ? { ...options, extraFields: touches } : options,
    );
  });
  emulateTouchWithMouse();
  const associated = env.associateBackend(backend);
  const codeSpace = env.createCodeSpace('', true);
  // Vant declares a `dataset` property; with fields written to the node it clashes with the
  // element's own `dataset` (repro: <van-button data-x="1"> throws "Cannot set property dataset").
  codeSpace.getComponentSpace().updateComponentOptions({ writeFieldsToNode: false });

  for (const c of components) {
    codeSpace.addComponentStaticConfig(c.is, c.config);
    // No URL: the build's single stylesheet is already on the page; only the scope name matters.
    if (c.scope) codeSpace.addStyleSheet(c.is, undefined, c.scope);
    const content = templates[c.is];
    if (content) {
      // `bindtap="x"` on a native node is the legacy syntax the compiler leaves as an attribute;
      // without this flag the listener is never added (repro: <view bindtap="go"> does nothing).
      codeSpace.addCompiledTemplate(c.is, {
        groupList: templates,
        content,
        fallbackListenerOnNativeNode: true,
      } as unknown as glassEasel.template.ComponentTemplate);
    }
  }

  let behaviorConstructor: Constructor = () => {
    throw new Error('Behavior() before the preview started');
  };
  codeSpace.componentEnv('', ({ Behavior }) => {
    behaviorConstructor = wrapBehaviors(Behavior as unknown as Constructor);
  });

  const evaluate = (is: string, load: () => unknown): void => {
    codeSpace.componentEnv(is, ({ Component, Page }) => {
      const global = globalThis as unknown as Record<string, unknown>;
      const saved = { Component: global.Component, Page: global.Page };
      global.Component = patchIsolation(wrapBehaviors(Component as unknown as Constructor), codeSpace, is);
      global.Page = wrapBehaviors(Page as unknown as Constructor);
      try {
        load();
      } finally {
        global.Component = saved.Component;
        global.Page = saved.Page;
      }
    });
  };

  return { codeSpace, backend, associated, evaluate, behaviorConstructor };
}

/**
 * WeChat's built-in behaviors are strings (`'wx://form-field'`, `'wx://form-field-button'`);
 * the adapter only takes Behavior objects and throws on a string, so they are dropped here
 * (the form they serve is not in the preview). Relative behavior paths are not supported either.
 */
function wrapBehaviors(inner: Constructor): Constructor {
  return (definition?: Definition) => {
    if (definition && Array.isArray(definition.behaviors)) {
      definition.behaviors = definition.behaviors.filter((b) => typeof b !== 'string');
    }
    return inner(definition);
  };
}

/**
 * `options.addGlobalClass` / `options.styleIsolation` in the JS options, as Vant sets them, are read
 * by the adapter only from the JSON; copy them there before the component registers.
 */
function patchIsolation(inner: Constructor, codeSpace: CodeSpace, is: string): Constructor {
  return (definition?: Definition) => {
    const options = definition?.options;
    const config = codeSpace.getComponentStaticConfig(is);
    if (options && config && config.styleIsolation === undefined) {
      // Only the isolating values: the build already prefixed this component's classes.
      if (options.styleIsolation === 'isolated' || options.styleIsolation === 'apply-shared') {
        (config as Record<string, unknown>).styleIsolation = options.styleIsolation;
      } else if (options.addGlobalClass === true) (config as Record<string, unknown>).addGlobalClass = true;
    }
    return inner(definition);
  };
}

/** The glass-easel element behind a component instance (`this` in component code). */
export function elementOf(instance: ComponentLike): glassEasel.GeneralComponent {
  return (instance as unknown as { _$: glassEasel.GeneralComponent })._$;
}
