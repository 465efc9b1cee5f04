/**
 * The inspector: the page at /_/ showing every service's state, and its JSON API under /_/api/,
 * whose parts the services serve. The Emulator Suite UI of this local cloud. Its own part of the
 * API spans the services:
 *   GET  /_/api/events                       server-sent events: change, invocation, storage, outbox
 *   GET  /_/api/export                       {format, version, exportedAt, services: {<name>: part}}
 *   POST /_/api/import    an export          loads every part (all checked first): {ok, imported}
 *   POST /_/api/clear     {confirm: "clear all data"}   deletes documents, files and the outbox's
 *                                            calls; collections, functions and triggers stay
 */
import type { InspectorRequest, Service, ServiceRegistry } from '../service';
import { RestoreError } from '../service';
import { isPlainObject } from '../wire/objects';
import { handleInspectorApi, INSPECTOR_API_PREFIX } from './api';
import { LiveStreams } from './events';
import { servePage } from './page';

export const INSPECTOR_PATH = '/_/';
export const EXPORT_FORMAT = 'local-cloud-export';
/** What a clear must carry, so no stray request (or click) wipes the data. */
export const CLEAR_CONFIRMATION = 'clear all data';

async function importRoute(services: ServiceRegistry, request: InspectorRequest): Promise<void> {
  const body = await request.object();
  if (!body) return;
  if (body.format !== EXPORT_FORMAT || !isPlainObject(body.services)) {
    request.json(400, {
      code: 'INVALID_PARAM',
      message: `not a local cloud export: expected {"format":"${EXPORT_FORMAT}","services":{...}} as GET /_/api/export writes it`,
    });
    return;
  }
  try {
    request.json(200, { ok: true, imported: await services.restore(body.services) });
  } catch (error) {
    if (!(error instanceof RestoreError)) throw error;
    request.json(400, { code: 'INVALID_PARAM', message: error.message });
  }
}

export function createInspector(services: ServiceRegistry, bodyLimit: number): Service {
  const streams = new LiveStreams(services);
  return {
    name: 'inspector',
    routes: {
      '/_': servePage,
      [INSPECTOR_PATH]: async (req, res, url) => {
        if (!url.pathname.startsWith(INSPECTOR_API_PREFIX)) return servePage(req, res, url);
        await handleInspectorApi((segment) => services.inspectorRoute(segment), bodyLimit, req, res, url);
        return true;
      },
    },
    inspector: {
      events({ req, res, method, route }) {
        if (method !== 'GET' || route.length !== 1) return false;
        streams.serve(req, res);
        return true;
      },
      async export({ method, route, json }) {
        if (method !== 'GET' || route.length !== 1) return false;
        const parts = await services.snapshot();
        json(200, { format: EXPORT_FORMAT, version: 1, exportedAt: new Date().toISOString(), services: parts });
        return true;
      },
      async import(request) {
        if (request.method !== 'POST' || request.route.length !== 1) return false;
        await importRoute(services, request);
        return true;
      },
      async clear(request) {
        if (request.method !== 'POST' || request.route.length !== 1) return false;
        const body = await request.object();
        if (!body) return true;
        if (body.confirm !== CLEAR_CONFIRMATION) {
          request.json(400, {
            code: 'CONFIRMATION_REQUIRED',
            message: `clearing deletes every document, stored file and recorded open-API call: send {"confirm":"${CLEAR_CONFIRMATION}"}`,
          });
          return true;
        }
        request.json(200, { ok: true, cleared: await services.clear() });
        return true;
      },
    },
    quiesce: () => streams.close(),
  };
}
