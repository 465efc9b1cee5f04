/**
 * The inspector's JSON API under /_/api/ (read by the page at /_/, by tests and by other tools).
 * Each service serves its own part, by the first path segment:
 *   GET    /_/api/collections                         [{name, count}]                         (database)
 *   POST   /_/api/collections                         {name}: creates an empty collection     (database)
 *   GET    /_/api/collections/<name>/docs?page&size&where   documents newest first, Extended JSON,
 *                                                     filtered by a query in (Extended) JSON  (database)
 *   POST   /_/api/collections/<name>/docs             adds a document                         (database)
 *   GET    /_/api/collections/<name>/docs/<id>        one document                            (database)
 *   PUT    /_/api/collections/<name>/docs/<id>        replaces it                             (database)
 *   DELETE /_/api/collections/<name>/docs/<id>        removes it                              (database)
 *   GET    /_/api/problems                            documents recording a fault (an `error` or
 *                                                     `*Error` with a code, `invalid`, `repairedAt`),
 *                                                     grouped by collection and code          (database)
 *   GET    /_/api/functions                           functions with config and live instances (functions)
 *   GET    /_/api/invocations?limit=50&function&source&q&code   recent invocations with their
 *                                                     event, result and logs, optionally filtered
 *                                                     (`code`: a log line starts with CODE:, or
 *                                                     `*` for any code)                       (functions)
 *   GET    /_/api/invocations/<id>                    one of them                             (functions)
 *   GET    /_/api/outbox                              WeChat server calls and pending failures (wechat)
 *   POST   /_/api/outbox/fail                         {apiName, touser?, errcode, errmsg?}    (wechat)
 *   DELETE /_/api/outbox                              forget recorded calls and failures      (wechat)
 *   GET    /_/api/wechat                              apps, templates, word list, people      (wechat)
 *   GET    /_/api/wechat/words                        msgSecCheck's word list {risky, review} (wechat)
 *   PUT    /_/api/wechat/words                        {risky?, review?} replaces those lists  (wechat)
 *   POST   /_/api/wechat/words                        {word, suggest} adds one word           (wechat)
 *   DELETE /_/api/wechat/words/<word>                 removes one word                        (wechat)
 *   GET    /_/api/wechat/people/<openid>              a person by either openid               (wechat)
 *   POST   /_/api/wechat/followers                    {openid, subscribe, scene?}             (wechat)
 *   POST   /_/api/oa/messages                         {openid, content|event}: pushed to the  (wechat)
 *                                                     server URL; every try and the reply
 *   GET    /_/api/oa/messages                         the latest pushes                       (wechat)
 *   GET    /_/api/oa/server                           the server URL and mode in force        (wechat)
 *   PUT    /_/api/oa/server                           {url?, token?, encodingAESKey?, mode?}  (wechat)
 *   GET    /_/api/http-routes                         the HTTP access routes                  (http-access)
 *   GET    /_/api/triggers                            timer triggers with their next run      (timers)
 *   POST   /_/api/triggers/<fn>/<trigger>             runs that trigger now                   (timers)
 *   GET    /_/api/storage                             stored files with size, type, uploader  (storage)
 *   PUT    /_/api/files?cloudPath=a/b.png             raw body stored as that file: {fileID}  (storage)
 *   GET    /_/api/files?fileID=cloud://...            the file's bytes                        (storage)
 *   DELETE /_/api/files?fileID=cloud://...            deletes the file                        (storage)
 *   GET    /_/api/events                              live changes as server-sent events      (inspector)
 *   GET    /_/api/export, POST /_/api/import          every service's data as one JSON value  (inspector)
 *   POST   /_/api/clear                               {confirm: "clear all data"}             (inspector)
 * Each service documents its part beside its code.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { InspectorRequest, InspectorRoute } from '../service';
import { parseJsonObject, readBodyOr413, sendJson } from '../wire/http';

export const INSPECTOR_API_PREFIX = '/_/api/';

function inspectorRequest(req: IncomingMessage, res: ServerResponse, url: URL, bodyLimit: number): InspectorRequest {
  const json = (status: number, body: unknown): void => sendJson(req, res, status, body);
  const bytes = (): Promise<Buffer | undefined> =>
    readBodyOr413(req, res, bodyLimit, (message) => ({ code: 'INVALID_PARAM', message }));
  return {
    req,
    res,
    url,
    method: req.method ?? 'GET',
    route: url.pathname.slice(INSPECTOR_API_PREFIX.length).split('/').map(decodeURIComponent),
    json,
    bytes,
    async object() {
      const body = await bytes();
      if (!body) return undefined;
      try {
        return parseJsonObject(body);
      } catch (error) {
        json(400, { code: 'INVALID_PARAM', message: (error as Error).message });
        return undefined;
      }
    },
  };
}

/** Serves `/_/api/...` from the route of the service owning its first segment, else 404. */
export async function handleInspectorApi(
  routeFor: (segment: string) => InspectorRoute | undefined,
  bodyLimit: number,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const request = inspectorRequest(req, res, url, bodyLimit);
  const route = routeFor(request.route[0]);
  if (route && (await route(request))) return;
  request.json(404, {
    code: 'NOT_FOUND',
    message: `no inspector route for ${request.method} ${url.pathname}`,
  });
}
