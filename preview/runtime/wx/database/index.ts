/**
 * `wx.cloud.database()` in the preview: the real @cloudbase/database 0.11 (queries, updates,
 * `db.command`, `db.serverDate()`, `db.RegExp`) sending the js-sdk's client protocol to the local
 * cloud's `/web`, where the collections' security rules apply, and `.watch()` through the real
 * @cloudbase/realtime 3.3.3 client on its `/realtime` socket. The wrappers in ./query give them
 * WeChat's calling convention.
 */
import { Db } from '@cloudbase/database';
import { RealtimeWebSocketClient } from '@cloudbase/realtime/dist/esm/websocket-client';
import type { ShimContext } from '../context';
import { WxCollection } from './query';
import { webRequestClass, type WebPost } from './request';

export interface DatabaseConfig {
  env?: string;
}

/** `post` carries /web requests (tests outside a browser give their own). */
export function createDatabase(ctx: Pick<ShimContext, 'openid'>, config: DatabaseConfig = {}, post?: WebPost) {
  // The library reads both from static fields, as the js-sdk sets them when it loads the module.
  Db.reqClass = webRequestClass(ctx.openid, post);
  Db.wsClientClass = RealtimeWebSocketClient;
  const env = config.env || 'local';
  const db = new Db({ env });
  return {
    config: { env },
    command: db.command,
    serverDate: db.serverDate,
    RegExp: db.RegExp,
    Geo: db.Geo,
    collection: (name: string) => new WxCollection(db.collection(name), name),
  };
}
