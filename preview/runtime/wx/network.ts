/** The network: always Wi-Fi, never changing. */
import { asyncApi } from './api';
import type { WxArea } from './context';

export const network: WxArea = () => ({
  getNetworkType: asyncApi(
    'getNetworkType',
    async () => ({ networkType: 'wifi', signalStrength: 100, hasSystemProxy: false }) as never,
  ),
  onNetworkStatusChange: () => undefined,
  offNetworkStatusChange: () => undefined,
});
