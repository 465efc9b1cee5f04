import * as cloud from 'wx-server-sdk';
import { deferredCalls } from '../../server/deferred';
import { chatConfigFromEnv } from '../../server/chat/config';
import { createChat } from '../../server/chat/function';

// The SDK's typings omit the symbol its docs recommend: it means "the env this function runs in".
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string });

export const main = createChat({
  db: cloud.database(),
  config: chatConfigFromEnv(process.env),
  getWXContext: () => cloud.getWXContext(),
  msgSecCheck: (request) => cloud.openapi.security.msgSecCheck(request),
  deferred: deferredCalls(cloud),
});
