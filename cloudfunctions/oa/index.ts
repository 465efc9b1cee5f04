import * as cloud from 'wx-server-sdk';
import { deferredCalls } from '../../server/deferred';
import { chatConfigFromEnv } from '../../server/chat/config';
import { oaConfigFromEnv } from '../../server/oa/config';
import { createOa, type HttpResponse } from '../../server/oa/function';

// The SDK's typings omit the symbol its docs recommend: it means "the env this function runs in".
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string });

function unconfigured(error: unknown): (event: unknown) => Promise<HttpResponse> {
  const reason = error instanceof Error ? error.message : String(error);
  console.error(`oa is not configured: ${reason}`);
  return async () => ({ statusCode: 503, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: reason });
}

function create() {
  try {
    return createOa({
      db: cloud.database(),
      config: oaConfigFromEnv(process.env),
      chat: chatConfigFromEnv(process.env),
      msgSecCheck: (request) => cloud.openapi.security.msgSecCheck(request),
      deferred: deferredCalls(cloud),
    });
  } catch (error) {
    return unconfigured(error);
  }
}

export const main = create();
