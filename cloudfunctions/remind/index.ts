import * as cloud from 'wx-server-sdk';
import { deferredCalls } from '../../server/deferred';
import { createOaPush, oaPushConfigFromEnv } from '../../server/oa/push';
import { createRemind, remindConfigFromEnv } from '../../server/todo/remind';

// The SDK's typings omit the symbol its docs recommend: it means "the env this function runs in".
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string });

const db = cloud.database();
const official = oaPushConfigFromEnv(process.env);

export const main = createRemind({
  db,
  config: remindConfigFromEnv(process.env),
  getWXContext: () => cloud.getWXContext(),
  send: (message) => cloud.openapi.subscribeMessage.send(message),
  deferred: deferredCalls(cloud),
  ...(official ? { pushOfficial: createOaPush(db, official) } : {}),
});
