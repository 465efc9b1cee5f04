/**
 * System information: the window is the phone's screen, the base library a recent one, the device a
 * browser; and the capsule's bounding box, measured as WeChat draws it.
 */
import { asyncApi } from './api';
import type { WxArea } from './context';

const DEVICE = {
  abi: 'browser',
  benchmarkLevel: 1,
  brand: 'browser',
  model: 'Browser preview',
  platform: 'devtools',
  system: navigator.userAgent,
  memorySize: 4096,
};

export const system: WxArea = ({ chrome }) => {
  const windowInfo = (): WechatMiniprogram.WindowInfo => {
    const width = chrome.frame.screen.clientWidth || 375;
    const height = chrome.frame.screen.clientHeight || 667;
    return {
      pixelRatio: window.devicePixelRatio || 2,
      screenWidth: width,
      screenHeight: height,
      windowWidth: width,
      windowHeight: chrome.frame.pages.clientHeight || height,
      statusBarHeight: 0,
      safeArea: { left: 0, right: width, top: 0, bottom: height, width, height },
      screenTop: 0,
    };
  };
  const appBase = (): WechatMiniprogram.AppBaseInfo =>
    ({
      SDKVersion: '3.7.0',
      enableDebug: false,
      host: { env: 'WeChat' },
      language: 'zh_CN',
      version: '8.0.50',
      theme: chrome.theme.current(),
      fontSizeSetting: 16,
    }) as unknown as WechatMiniprogram.AppBaseInfo;

  return {
    getSystemInfoSync: () =>
      ({
        ...windowInfo(),
        ...appBase(),
        ...DEVICE,
        fontSizeSetting: 16,
        benchmarkLevel: 1,
      }) as unknown as WechatMiniprogram.SystemInfo,
    getSystemInfo: asyncApi('getSystemInfo', async () => ({ ...windowInfo(), ...appBase(), ...DEVICE }) as never),
    getWindowInfo: () => windowInfo(),
    getAppBaseInfo: () => appBase(),
    getDeviceInfo: () => DEVICE as unknown as WechatMiniprogram.DeviceInfo,
    getSystemSetting: () =>
      ({
        bluetoothEnabled: false,
        locationEnabled: false,
        wifiEnabled: true,
        deviceOrientation: 'portrait',
      }) as WechatMiniprogram.SystemSetting,
    getMenuButtonBoundingClientRect: () => {
      const width = windowInfo().windowWidth;
      return { width: 87, height: 32, top: 6, bottom: 38, left: width - 94, right: width - 7 };
    },
  };
};
