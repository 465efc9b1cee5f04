import * as cloud from 'wx-server-sdk';
import { createLogin, loginConfigFromEnv } from '../../server/login/function';

// The SDK's typings omit the symbol its docs recommend: it means "the env this function runs in".
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string });

export const main = createLogin({
  db: cloud.database(),
  config: loginConfigFromEnv(process.env),
  readFile: async (fileID) => (await cloud.downloadFile({ fileID })).fileContent,
  getWXContext: () => cloud.getWXContext(),
});
