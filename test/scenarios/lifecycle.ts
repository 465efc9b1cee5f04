/**
 * The page stack's rules as WeChat documents them (framework/app-service/route and
 * page-life-cycle), one list of steps per scenario, each with the hooks it must call in order and
 * the pages left open. Two drivers play them on the fixture app in test/fixtures/lifecycle (tabs
 * `a` and `tab`, and `b`, a page opened above them): the component tests under
 * miniprogram-simulate (test/component/lifecycle.test.ts) and the preview in Chromium
 * (test/e2e/lifecycle.test.ts).
 */
import { urlOf } from '../../preview/runtime/page-stack';

/** What the person or the app does. `back` and `tab` are the person's taps (the tab bar shows on tab pages only); the rest are wx APIs. */
export type Act =
  | ['launch', string]
  | ['navigateTo' | 'redirectTo' | 'switchTab' | 'reLaunch', string]
  | ['navigateBack', number]
  | ['back']
  | ['tab', string]
  | ['background']
  | ['foreground'];

export interface Step {
  do: Act;
  /** The hooks called, in order (`App.onShow`, `a.onLoad`). */
  log: string[];
  /** WeChat's errMsg when it refuses. */
  fails?: string;
  /** `getCurrentPages()` afterwards, as URLs. */
  pages?: string[];
}

export interface Scenario {
  name: string;
  steps: Step[];
}

export interface StackDriver {
  /** Does `act`; the API's errMsg when WeChat refuses it. */
  do(act: Act): Promise<string | undefined>;
  /** The hooks called since the last read, once `last` is among them. */
  log(last: string | undefined): Promise<string[]>;
  pages(): Promise<Array<{ route: string; options: Record<string, string> }>>;
}

export async function play(scenario: Scenario, driver: StackDriver): Promise<void> {
  for (const step of scenario.steps) {
    const what = `${step.do.join(' ')}`;
    expect({ what, fails: await driver.do(step.do) }).toEqual({ what, fails: step.fails });
    expect({ what, log: await driver.log(step.log[step.log.length - 1]) }).toEqual({ what, log: step.log });
    if (step.pages) {
      const pages = (await driver.pages()).map((p) => urlOf(p.route, p.options));
      expect({ what, pages }).toEqual({ what, pages: step.pages });
    }
  }
}

const A = '/pages/a/index';
const B = '/pages/b/index';
const TAB = '/pages/tab/index';
const LAUNCH_A = ['App.onLaunch', 'App.onShow', 'a.onLoad', 'a.onShow', 'a.onReady'];
const opens = (name: string) => [`${name}.onLoad`, `${name}.onShow`, `${name}.onReady`];
const launchA: Step = { do: ['launch', A], log: LAUNCH_A };

export const lifecycleScenarios: Scenario[] = [
  {
    name: 'launch: App onLaunch -> App onShow -> Page onLoad -> onShow -> onReady',
    steps: [{ ...launchA, pages: [A] }],
  },
  {
    name: 'navigating on: onHide -> next onLoad -> onShow -> onReady; back: onUnload -> previous onShow',
    steps: [
      launchA,
      { do: ['navigateTo', `${B}?id=7`], log: ['a.onHide', ...opens('b')], pages: [A, `${B}?id=7`] },
      { do: ['back'], log: ['b.onUnload', 'a.onShow'], pages: [A] },
    ],
  },
  {
    name: 'app to background and back: page onHide -> App onHide; App onShow -> page onShow',
    steps: [
      launchA,
      { do: ['background'], log: ['a.onHide', 'App.onHide'] },
      { do: ['foreground'], log: ['App.onShow', 'a.onShow'] },
    ],
  },
  {
    name: 'switching tabs: the tab left hides, a tab opened before shows again, pages above a tab close',
    steps: [
      launchA,
      { do: ['tab', TAB], log: ['a.onHide', ...opens('tab')], pages: [TAB] },
      { do: ['tab', TAB], log: [], pages: [TAB] },
      { do: ['tab', A], log: ['tab.onHide', 'a.onShow'], pages: [A] },
      { do: ['navigateTo', B], log: ['a.onHide', ...opens('b')] },
      // No tab bar above a tab: the app switches (C -> A in the docs' table).
      { do: ['switchTab', A], log: ['b.onUnload', 'a.onShow'], pages: [A] },
      { do: ['navigateTo', `${B}?n=1`], log: ['a.onHide', ...opens('b')] },
      { do: ['navigateTo', `${B}?n=2`], log: ['b.onHide', ...opens('b')] },
      { do: ['switchTab', TAB], log: ['b.onUnload', 'b.onUnload', 'tab.onShow'], pages: [TAB] },
    ],
  },
  {
    name: 'switchTab closes the pages above the tabs and leaves the hidden tab hidden; never to a page that is no tab',
    steps: [
      launchA,
      { do: ['navigateTo', B], log: ['a.onHide', ...opens('b')] },
      { do: ['switchTab', TAB], log: ['b.onUnload', ...opens('tab')], pages: [TAB] },
      { do: ['switchTab', B], log: [], fails: 'switchTab:fail can not switch to no-tabBar page', pages: [TAB] },
    ],
  },
  {
    name: 'keeps at most 10 pages, as WeChat does',
    steps: [
      launchA,
      ...Array.from({ length: 9 }, (_, i): Step => ({
        do: ['navigateTo', `${B}?n=${i + 1}`],
        log: [i === 0 ? 'a.onHide' : 'b.onHide', ...opens('b')],
      })),
      {
        do: ['navigateTo', B],
        log: [],
        fails: 'navigateTo:fail webview count limit exceed',
        pages: [A, ...Array.from({ length: 9 }, (_, i) => `${B}?n=${i + 1}`)],
      },
    ],
  },
  {
    name: 'refuses what WeChat refuses: back from the first page, navigateTo or redirectTo a tab, a page not in app.json',
    steps: [
      launchA,
      { do: ['navigateBack', 1], log: [], fails: 'navigateBack:fail cannot navigate back at first page.' },
      { do: ['navigateTo', TAB], log: [], fails: 'navigateTo:fail can not navigateTo a tabbar page' },
      { do: ['redirectTo', TAB], log: [], fails: 'redirectTo:fail can not redirectTo a tabbar page' },
      {
        do: ['navigateTo', '/pages/nowhere/index'],
        log: [],
        fails: 'navigateTo:fail page "pages/nowhere/index" is not found',
        pages: [A],
      },
    ],
  },
  {
    name: 'redirectTo replaces the page on top; reLaunch unloads every page, kept tabs too',
    steps: [
      launchA,
      { do: ['navigateTo', `${B}?n=1`], log: ['a.onHide', ...opens('b')] },
      { do: ['redirectTo', `${B}?n=2`], log: ['b.onUnload', ...opens('b')], pages: [A, `${B}?n=2`] },
      { do: ['navigateBack', 5], log: ['b.onUnload', 'a.onShow'], pages: [A] },
      { do: ['tab', TAB], log: ['a.onHide', ...opens('tab')] },
      { do: ['reLaunch', B], log: ['tab.onUnload', 'a.onUnload', ...opens('b')], pages: [B] },
    ],
  },
];
