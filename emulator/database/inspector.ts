/**
 * The database's part of the inspector's JSON API:
 *   GET /_/api/collections                         [{name, count}]
 *   GET /_/api/collections/<name>/docs?page&size   documents newest first, Extended JSON (ISO dates)
 */
import type { InspectorRequest, InspectorRoute } from '../service';
import * as ejson from '../wire/ejson';
import { intQuery } from '../wire/http';
import type { DocumentStore } from './store/types';

const MAX_PAGE_SIZE = 200;

async function collections(store: DocumentStore): Promise<Array<{ name: string; count: number }>> {
  const names = (await store.listCollections()).sort();
  return Promise.all(names.map(async (name) => ({ name, count: await store.count(name, {}) })));
}

/** Newest first without a creation field: read the page's slice of insertion order, then reverse it. */
async function documents(store: DocumentStore, name: string, url: URL): Promise<Record<string, unknown>> {
  const size = Math.max(1, intQuery(url, 'size', 20, MAX_PAGE_SIZE));
  const page = intQuery(url, 'page', 0);
  const total = await store.count(name, {});
  const end = Math.max(0, total - page * size);
  const start = Math.max(0, end - size);
  const docs = end > start ? await store.find(name, {}, { skip: start, limit: end - start }) : [];
  return {
    collection: name,
    total,
    page,
    size,
    pages: Math.ceil(total / size),
    docs: docs.reverse().map((doc) => ejson.encode(doc, { dates: 'iso' })),
  };
}

export function databaseInspector(store: DocumentStore): Record<string, InspectorRoute> {
  return {
    async collections({ method, route, url, json }: InspectorRequest): Promise<boolean> {
      if (method !== 'GET') return false;
      if (route.length === 1) {
        json(200, { collections: await collections(store) });
        return true;
      }
      if (route.length !== 3 || route[2] !== 'docs') return false;
      const known = await store.listCollections();
      if (!known.includes(route[1])) json(404, { code: 'NOT_FOUND', message: `no collection ${route[1]}` });
      else json(200, await documents(store, route[1], url));
      return true;
    },
  };
}
