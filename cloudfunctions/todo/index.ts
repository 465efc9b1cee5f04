import * as cloud from 'wx-server-sdk';
import { deferredCalls } from '../../server/deferred';
import { createTodo, todoConfigFromEnv } from '../../server/todo/function';

// The SDK's typings omit the symbol its docs recommend: it means "the env this function runs in".
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string });

export const main = createTodo({
  db: cloud.database(),
  config: todoConfigFromEnv(process.env),
  getWXContext: () => cloud.getWXContext(),
  deferred: deferredCalls(cloud),
});
