/**
 * The inspector: the page at /_/ showing every service's state, and its JSON API under /_/api/,
 * whose parts the services serve. The Emulator Suite UI of this local cloud.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { InspectorRoute, RouteHandler, Service } from '../service';
import { sendBytes } from '../wire/http';
import { handleInspectorApi, INSPECTOR_API_PREFIX } from './api';

export const INSPECTOR_PATH = '/_/';

export function createInspector(routeFor: (segment: string) => InspectorRoute | undefined, bodyLimit: number): Service {
  const pageHtml = fs.readFileSync(path.join(__dirname, 'index.html'), 'utf8');
  const page: RouteHandler = (req, res) => {
    sendBytes(req, res, 200, 'text/html; charset=utf-8', pageHtml);
    return true;
  };
  return {
    name: 'inspector',
    routes: {
      '/_': page,
      [INSPECTOR_PATH]: async (req, res, url) => {
        if (url.pathname === INSPECTOR_PATH) return page(req, res, url);
        if (!url.pathname.startsWith(INSPECTOR_API_PREFIX)) return false;
        await handleInspectorApi(routeFor, bodyLimit, req, res, url);
        return true;
      },
    },
  };
}
