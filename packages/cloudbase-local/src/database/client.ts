/**
 * The database as a mini-program (or web) client reaches it: the `database.*` actions of the
 * js-sdk's client protocol (@cloudbase/database 0.x: queryDocument, countDocument, addDocument,
 * updateDocument, deleteDocument), under the collection's security rules and the client's limits.
 *
 * - A query (`where`) must be a subset of the rule; a single-document call (`doc(id)`) is checked
 *   against the document itself, and its write carries the rule so the check cannot go stale.
 * - `get()` returns at most 20 documents, as on WeChat.
 * - `add()` stamps `_openid` with the caller; no client call may write `_openid` or `_id`.
 */
import { invalidParam, WireError } from '../wire/errors';
import { fromClientJson, toClientJson } from '../wire/client-json';
import { isPlainObject } from '../wire/objects';
import { collectionName, hasOperators, optBool, optCount, type Body, type Params } from './actions';
import { allowsDoc, allowsQuery, ruleAsQuery, withCaller, type Auth, type SecurityRules } from './rules';
import {
  collectionNotExist,
  type Doc,
  type DocId,
  type DocumentStore,
  type FindOptions,
  type Projection,
  type Query,
  type SortSpec,
  type Update,
} from './store/types';

/** Most documents one client get() returns (WeChat's limit for the mini-program side). */
export const CLIENT_MAX_LIMIT = 20;

interface Ctx {
  store: DocumentStore;
  rules: SecurityRules;
  params: Params;
  auth: Auth | null;
  now: Date;
  coll: string;
}

const denied = (message: string): WireError => new WireError('DATABASE_PERMISSION_DENIED', message);

function objectParam(ctx: Ctx, key: string): Record<string, unknown> | undefined {
  const raw = ctx.params[key];
  if (raw === undefined || raw === null) return undefined;
  const value = fromClientJson(raw, { now: ctx.now });
  if (!isPlainObject(value)) throw invalidParam(`${key} must be an object`);
  return value;
}

/** The client's query with `'{openid}'` resolved to the caller. */
export function clientQuery(raw: unknown, auth: Auth | null, now: Date): Query {
  if (raw === undefined || raw === null) return {};
  const value = withCaller(fromClientJson(raw, { now }), auth);
  if (!isPlainObject(value)) throw invalidParam('query must be an object');
  return value;
}

/** `doc(id)` calls arrive as queryType DOC with `{_id}`. */
function docId(ctx: Ctx, query: Query): string | number | undefined {
  if (ctx.params.queryType !== 'DOC') return undefined;
  const id = query._id;
  if ((typeof id !== 'string' || id === '') && typeof id !== 'number') throw invalidParam('doc() needs an _id');
  return id;
}

function whereDenied(ctx: Ctx, kind: 'read' | 'write'): WireError {
  const source = ctx.rules.of(ctx.coll).source[kind];
  if (!ctx.auth) return denied(`${kind} on "${ctx.coll}" needs a signed-in user (rule: ${source})`);
  return denied(
    `the query is not a subset of the ${kind} rule of "${ctx.coll}" (${source}): ` +
      `constrain the rule's fields to the caller, e.g. where({ _openid: '{openid}' })`,
  );
}

/** The document `doc(id)` names, refused when it exists and the rule does not allow the caller. */
async function checkedDoc(ctx: Ctx, id: string | number, kind: 'read' | 'write'): Promise<Doc | undefined> {
  // A rule that allows nothing (`false`) refuses the call whether or not the document exists.
  if (ctx.rules.of(ctx.coll)[kind].length === 0) throw denied(`no client may ${kind} "${ctx.coll}" (rule: false)`);
  const [doc] = await ctx.store.find(ctx.coll, { _id: id }, { limit: 1 });
  if (doc && !allowsDoc(ctx.rules.of(ctx.coll)[kind], doc, ctx.auth)) {
    throw denied(`the ${kind} rule of "${ctx.coll}" (${ctx.rules.of(ctx.coll).source[kind]}) refuses document ${id}`);
  }
  return doc;
}

/** `query` narrowed by the rule, so a write that passed the check cannot reach another user's document. */
function guarded(ctx: Ctx, query: Query, kind: 'read' | 'write'): Query {
  const rule = ruleAsQuery(ctx.rules.of(ctx.coll)[kind], ctx.auth);
  if (!rule) throw whereDenied(ctx, kind);
  // One flat query where the fields differ, so the store can still use its indexes.
  const disjoint = !('$or' in rule) && Object.keys(rule).every((key) => !(key in query));
  return disjoint ? { ...query, ...rule } : { $and: [query, rule] };
}

function sortSpec(raw: unknown): SortSpec | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!Array.isArray(raw)) throw invalidParam('order must be a list of {field, direction}');
  return raw.map((item: unknown, index): [string, 1 | -1] => {
    if (!isPlainObject(item) || typeof item.field !== 'string' || item.field === '') {
      throw invalidParam(`order[${index}] needs a field`);
    }
    if (item.direction !== 'asc' && item.direction !== 'desc') {
      throw invalidParam(`order[${index}].direction must be 'asc' or 'desc'`);
    }
    return [item.field, item.direction === 'desc' ? -1 : 1];
  });
}

async function queryDocument(ctx: Ctx): Promise<Body> {
  const query = clientQuery(ctx.params.query, ctx.auth, ctx.now);
  const id = docId(ctx, query);
  const rule = ctx.rules.of(ctx.coll).read;
  if (id !== undefined) {
    const doc = await checkedDoc(ctx, id, 'read');
    const fields = objectParam(ctx, 'projection') as Projection | undefined;
    const [shown] =
      doc && fields ? await ctx.store.find(ctx.coll, { _id: id }, { limit: 1, projection: fields }) : [doc];
    return { data: { list: shown ? [toClientJson(shown)] : [] } };
  }
  if (!allowsQuery(rule, query, ctx.auth)) throw whereDenied(ctx, 'read');
  const requested = optCount(ctx.params, 'limit');
  const limit = Math.min(requested || CLIENT_MAX_LIMIT, CLIENT_MAX_LIMIT);
  const offset = optCount(ctx.params, 'offset') ?? 0;
  const options: FindOptions = { limit, skip: offset };
  const sort = sortSpec(ctx.params.order);
  if (sort?.length) options.sort = sort;
  const fields = objectParam(ctx, 'projection');
  if (fields) options.projection = fields as Projection;
  const docs = await ctx.store.find(ctx.coll, query, options);
  return { data: { list: docs.map(toClientJson), limit, offset } };
}

async function countDocument(ctx: Ctx): Promise<Body> {
  const query = clientQuery(ctx.params.query, ctx.auth, ctx.now);
  const id = docId(ctx, query);
  if (id !== undefined) return { data: { total: (await checkedDoc(ctx, id, 'read')) ? 1 : 0 } };
  if (!allowsQuery(ctx.rules.of(ctx.coll).read, query, ctx.auth)) throw whereDenied(ctx, 'read');
  return { data: { total: await ctx.store.count(ctx.coll, query) } };
}

const RESERVED = ['_id', '_openid'];
const touches = (path: string, field: string): boolean => path === field || path.startsWith(`${field}.`);

/** Refuses writes to `_id` or `_openid`, at the top level or under any update operator. */
function refuseReserved(data: Record<string, unknown>, allowId: boolean): void {
  const paths: string[] = [];
  for (const [key, value] of Object.entries(data)) {
    if (!key.startsWith('$')) paths.push(key);
    else if (isPlainObject(value)) {
      paths.push(...Object.keys(value));
      if (key === '$rename') paths.push(...Object.values(value).filter((v): v is string => typeof v === 'string'));
    }
  }
  for (const field of RESERVED) {
    if (field === '_id' && allowId) continue;
    if (paths.some((path) => touches(path, field))) {
      throw invalidParam(
        field === '_openid'
          ? '_openid is set by the database to the creator; a client cannot write it'
          : '_id cannot be changed',
      );
    }
  }
}

async function insertOwned(ctx: Ctx, data: Record<string, unknown>, id?: string | number): Promise<DocId> {
  if (!ctx.auth) throw denied(`add() on "${ctx.coll}" needs a signed-in user`);
  const doc: Doc = { ...data, _openid: ctx.auth.openid };
  if (id !== undefined) doc._id = id;
  if (!allowsDoc(ctx.rules.of(ctx.coll).write, doc, ctx.auth)) {
    throw denied(`the write rule of "${ctx.coll}" (${ctx.rules.of(ctx.coll).source.write}) refuses this document`);
  }
  // As from a function: a collection never created is an error, not created by the write.
  if (!(await ctx.store.hasCollection(ctx.coll))) throw collectionNotExist(ctx.coll);
  const [inserted] = await ctx.store.insert(ctx.coll, [doc]);
  return inserted;
}

async function addDocument(ctx: Ctx): Promise<Body> {
  const data = objectParam(ctx, 'data');
  if (!data) throw invalidParam('data must be an object');
  refuseReserved(data, true);
  const raw = ctx.params._id ?? data._id;
  if (raw !== undefined && (typeof raw !== 'string' || raw === '') && typeof raw !== 'number') {
    throw invalidParam('_id must be a non-empty string or a number');
  }
  const { _id: _ignored, ...rest } = data;
  return { data: { _id: await insertOwned(ctx, rest, raw) } };
}

async function updateDocument(ctx: Ctx): Promise<Body> {
  const data = objectParam(ctx, 'data');
  if (!data) throw invalidParam('data must be an object');
  refuseReserved(data, false);
  const query = clientQuery(ctx.params.query, ctx.auth, ctx.now);
  const replace = optBool(ctx.params, 'merge') === false;
  if (replace && hasOperators(data)) throw invalidParam('set() takes a whole document, without update operators');
  const update: Update = replace || hasOperators(data) ? data : { $set: data };
  const id = docId(ctx, query);
  if (id === undefined) {
    if (!allowsQuery(ctx.rules.of(ctx.coll).write, query, ctx.auth)) throw whereDenied(ctx, 'write');
    const multi = optBool(ctx.params, 'multi') ?? true;
    const result = await ctx.store.update(ctx.coll, query, update, { multi });
    return { data: { updated: result.modified } };
  }
  const existing = await checkedDoc(ctx, id, 'write');
  if (!existing) {
    if (!(replace && optBool(ctx.params, 'upsert'))) return { data: { updated: 0 } };
    return { data: { updated: 0, upserted_id: await insertOwned(ctx, data, id) } };
  }
  const body = replace ? { ...data, _openid: existing._openid } : update;
  const result = await ctx.store.update(ctx.coll, guarded(ctx, { _id: id }, 'write'), body, { multi: false, replace });
  return { data: { updated: result.modified } };
}

async function deleteDocument(ctx: Ctx): Promise<Body> {
  const query = clientQuery(ctx.params.query, ctx.auth, ctx.now);
  const id = docId(ctx, query);
  if (id === undefined) {
    if (!allowsQuery(ctx.rules.of(ctx.coll).write, query, ctx.auth)) throw whereDenied(ctx, 'write');
    const multi = optBool(ctx.params, 'multi') ?? true;
    return { data: { deleted: await ctx.store.remove(ctx.coll, query, { multi }) } };
  }
  if (!(await checkedDoc(ctx, id, 'write'))) return { data: { deleted: 0 } };
  return { data: { deleted: await ctx.store.remove(ctx.coll, guarded(ctx, { _id: id }, 'write'), { multi: false }) } };
}

const handlers: Record<string, (ctx: Ctx) => Promise<Body>> = {
  'database.queryDocument': queryDocument,
  'database.countDocument': countDocument,
  'database.addDocument': addDocument,
  'database.updateDocument': updateDocument,
  'database.deleteDocument': deleteDocument,
};

export const CLIENT_DATABASE_ACTIONS: readonly string[] = Object.keys(handlers);

export async function handleClientAction(
  store: DocumentStore,
  rules: SecurityRules,
  action: string,
  params: Params,
  auth: Auth | null,
  now: Date = new Date(),
): Promise<Body> {
  const handler = Object.prototype.hasOwnProperty.call(handlers, action) ? handlers[action] : undefined;
  if (!handler) throw new WireError('INVALID_ACTION', `unknown action ${action}`);
  return handler({ store, rules, params, auth, now, coll: collectionName(params) });
}
