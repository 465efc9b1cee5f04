/**
 * The database's part of the inspector's JSON API. Documents travel in Extended JSON (dates as
 * `{"$date":"<ISO>"}`), both ways, so a date read, edited and saved stays a date.
 *   GET    /_/api/collections                                 [{name, count}]
 *   POST   /_/api/collections                    {name}       creates an empty collection
 *   GET    /_/api/collections/<name>/docs?page&size&where     documents newest first; `where` is a
 *                                                             query in (Extended) JSON
 *   POST   /_/api/collections/<name>/docs        document     adds it (`_id` generated when absent)
 *   GET    /_/api/collections/<name>/docs/<id>                one document
 *   PUT    /_/api/collections/<name>/docs/<id>   document     replaces it (`_id` may be left out)
 *   DELETE /_/api/collections/<name>/docs/<id>                removes it
 *   GET    /_/api/problems                                    documents that record a fault
 *                                                             (problems.ts), grouped
 * Bad input is a 400 `{code: 'INVALID_PARAM', message}` and changes nothing.
 */
import type { InspectorRequest, InspectorRoute } from '../service';
import * as ejson from '../wire/ejson';
import { intQuery } from '../wire/http';
import { isPlainObject } from '../wire/objects';
import { COLLECTION_NAME } from './config';
import { problemsRoute } from './problems';
import { StoreError, type Doc, type DocId, type DocumentStore, type Query } from './store/types';

const MAX_PAGE_SIZE = 200;

/** Input the API refuses with a 400, saying why. */
class BadInput extends Error {}

async function collections(store: DocumentStore): Promise<Array<{ name: string; count: number }>> {
  const names = (await store.listCollections()).sort();
  return Promise.all(names.map(async (name) => ({ name, count: await store.count(name, {}) })));
}

function whereOf(url: URL): Query {
  const text = url.searchParams.get('where')?.trim();
  if (!text) return {};
  const where = ejson.parse(text, { now: new Date() });
  if (!isPlainObject(where)) throw new BadInput('where must be a JSON object, e.g. {"_openid":"dev_alice"}');
  return where;
}

/** Newest first without a creation field: read the page's slice of insertion order, then reverse it. */
async function documents(store: DocumentStore, name: string, url: URL): Promise<Record<string, unknown>> {
  const where = whereOf(url);
  const size = Math.max(1, intQuery(url, 'size', 20, MAX_PAGE_SIZE));
  const page = intQuery(url, 'page', 0);
  const total = await store.count(name, where);
  const end = Math.max(0, total - page * size);
  const start = Math.max(0, end - size);
  const docs = end > start ? await store.find(name, where, { skip: start, limit: end - start }) : [];
  return {
    collection: name,
    total,
    page,
    size,
    pages: Math.ceil(total / size),
    docs: docs.reverse().map((doc) => ejson.encode(doc, { dates: 'iso' })),
  };
}

/** A document from a request body: Extended JSON decoded, fields checked. */
function documentOf(body: Record<string, unknown>): Doc {
  const doc = ejson.decode(body, { now: new Date() }) as Doc;
  const operator = Object.keys(doc).find((key) => key.startsWith('$'));
  if (operator) throw new BadInput(`a document's fields cannot start with "$" (found "${operator}")`);
  return doc;
}

const encoded = (doc: Doc): unknown => ejson.encode(doc, { dates: 'iso' });

async function one(store: DocumentStore, name: string, id: DocId): Promise<Doc | undefined> {
  const [doc] = await store.find(name, { _id: id }, { limit: 1 });
  return doc;
}

async function documentRoute(store: DocumentStore, request: InspectorRequest, name: string): Promise<boolean> {
  const { method, route, url, json } = request;
  const id = route[3];
  if (method === 'GET' && id === undefined) {
    json(200, await documents(store, name, url));
  } else if (method === 'POST' && id === undefined) {
    const body = await request.object();
    if (!body) return true;
    const [added] = await store.insert(name, [documentOf(body)]);
    json(201, { id: added, doc: encoded((await one(store, name, added)) ?? {}) });
  } else if (method === 'GET' && id !== undefined) {
    const doc = await one(store, name, id);
    if (doc) json(200, { doc: encoded(doc) });
    else json(404, { code: 'NOT_FOUND', message: `no document ${id} in ${name}` });
  } else if (method === 'PUT' && id !== undefined) {
    const body = await request.object();
    if (!body) return true;
    const doc = documentOf(body);
    if (doc._id !== undefined && doc._id !== id) throw new BadInput(`_id cannot change (this document is ${id})`);
    const { matched } = await store.update(name, { _id: id }, doc, { replace: true, multi: false });
    const saved = matched ? await one(store, name, id) : undefined;
    if (saved) json(200, { doc: encoded(saved) });
    else json(404, { code: 'NOT_FOUND', message: `no document ${id} in ${name}` });
  } else if (method === 'DELETE' && id !== undefined) {
    const removed = await store.remove(name, { _id: id }, { multi: false });
    if (removed) json(200, { ok: true, removed });
    else json(404, { code: 'NOT_FOUND', message: `no document ${id} in ${name}` });
  } else return false;
  return true;
}

async function collectionsRoute(store: DocumentStore, request: InspectorRequest): Promise<boolean> {
  const { method, route, json } = request;
  if (route.length === 1 && method === 'GET') {
    json(200, { collections: await collections(store) });
    return true;
  }
  if (route.length === 1 && method === 'POST') {
    const body = await request.object();
    if (!body) return true;
    const { name } = body;
    if (typeof name !== 'string' || !COLLECTION_NAME.test(name)) {
      throw new BadInput('name must be 1-128 letters, digits, "_" or "-"');
    }
    if ((await store.listCollections()).includes(name)) {
      json(409, { code: 'DATABASE_COLLECTION_ALREADY_EXIST', message: `collection ${name} already exists` });
    } else {
      await store.createCollection(name);
      json(201, { name });
    }
    return true;
  }
  if ((route.length !== 3 && route.length !== 4) || route[2] !== 'docs') return false;
  if (!(await store.listCollections()).includes(route[1])) {
    json(404, { code: 'NOT_FOUND', message: `no collection ${route[1]}` });
    return true;
  }
  return documentRoute(store, request, route[1]);
}

export function databaseInspector(store: DocumentStore): Record<string, InspectorRoute> {
  return {
    async collections(request: InspectorRequest): Promise<boolean> {
      try {
        return await collectionsRoute(store, request);
      } catch (error) {
        const refused =
          error instanceof BadInput ||
          error instanceof ejson.EjsonError ||
          (error instanceof StoreError && (error.code === 'INVALID_PARAM' || error.code === 'NOT_SUPPORTED'));
        if (error instanceof StoreError && error.code === 'DATABASE_DUPLICATE_WRITE') {
          request.json(409, { code: error.code, message: error.message });
        } else if (refused) {
          request.json(400, { code: 'INVALID_PARAM', message: (error as Error).message });
        } else throw error;
        return true;
      }
    },
    problems: (request: InspectorRequest) => problemsRoute(store, request),
  };
}
