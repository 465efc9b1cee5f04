/** Each function's own environment (`functionEnvFor`), over the variables every function gets. */
import type { LocalCloud } from '../../packages/cloudbase-local/src';
import { postJson, startTestCloud } from '../fixtures/emulator/harness';

let cloud: LocalCloud;
beforeAll(async () => {
  cloud = await startTestCloud({
    functionEnv: { SHARED: 'everyone', OWN: 'shared value' },
    functionEnvFor: (name, url) => ({ OWN: `${name} only`, URL_SEEN: url }),
  });
}, 60_000);
afterAll(() => cloud?.close());

it('gives a function the variables for its name over the shared ones, with the URL once bound', async () => {
  const { body } = await postJson(`${cloud.url}/functions/env`, { keys: ['SHARED', 'OWN', 'URL_SEEN'] });
  expect(body.result).toEqual({ SHARED: 'everyone', OWN: 'env only', URL_SEEN: cloud.url });
});
