/**
 * The page stack's lifecycle scenarios (test/scenarios/lifecycle.ts) under miniprogram-simulate:
 * the person's taps and the app's wx calls go through the wx double to the page stack.
 */
import { join } from 'node:path';
import { lifecycleScenarios, play, type Act, type StackDriver } from '../scenarios/lifecycle';
import { launchApp, resetMiniProgram, type AppHandle } from './helpers/miniprogram';

const root = join(__dirname, '../fixtures/lifecycle');
type LogApp = { globalData: { log: string[] } };

function simulatedDriver(): StackDriver {
  let app: AppHandle<LogApp> | undefined;
  const api = (run: () => Promise<unknown>): Promise<string | undefined> =>
    run().then(
      () => undefined,
      (error: { errMsg: string }) => error.errMsg,
    );
  const act = async (act: Act): Promise<string | undefined> => {
    switch (act[0]) {
      case 'launch':
        resetMiniProgram();
        app = launchApp<LogApp>(act[1], { root });
        return undefined;
      case 'background':
        return void app?.background();
      case 'foreground':
        return void app?.foreground();
      // The person's back button and tab bar do what these APIs do.
      case 'back':
        return api(() => wx.navigateBack({ delta: 1 }));
      case 'tab':
        return api(() => wx.switchTab({ url: act[1] }));
      case 'navigateBack':
        return api(() => wx.navigateBack({ delta: act[1] }));
      case 'navigateTo':
        return api(() => wx.navigateTo({ url: act[1] }));
      case 'redirectTo':
        return api(() => wx.redirectTo({ url: act[1] }));
      case 'switchTab':
        return api(() => wx.switchTab({ url: act[1] }));
      case 'reLaunch':
        return api(() => wx.reLaunch({ url: act[1] }));
    }
  };
  return {
    do: act,
    log: async () => (app?.instance.globalData.log ?? []).splice(0),
    pages: async () => getCurrentPages().map((p) => ({ route: p.route, options: p.options as Record<string, string> })),
  };
}

describe('lifecycle order (as the WeChat docs give it)', () => {
  beforeEach(() => resetMiniProgram());

  it.each(lifecycleScenarios.map((s) => [s.name, s] as const))('%s', async (_name, scenario) => {
    await play(scenario, simulatedDriver());
  });
});
