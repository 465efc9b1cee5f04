import * as cloud from 'wx-server-sdk';
import { createOaPush, oaPushConfigFromEnv } from '../../server/oa/push';
import { createRemind, remindConfigFromEnv } from '../../server/remind';

// The SDK's typings omit the symbol its docs recommend: it means "the env this function runs in".
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string });

const db = cloud.database();
const official = oaPushConfigFromEnv(process.env);
const remind = createRemind({
  db,
  config: remindConfigFromEnv(process.env),
  getWXContext: () => cloud.getWXContext(),
  send: (message) => cloud.openapi.subscribeMessage.send(message),
  ...(official ? { pushOfficial: createOaPush(db, official) } : {}),
});

/** Stop claiming 15 s before the platform would stop the function, so in-flight sends finish. */
export const main = (event: unknown, context?: { time_limit_in_ms?: number }) =>
  remind(event, { budgetMs: Math.max(5000, (context?.time_limit_in_ms ?? 60_000) - 15_000) });
