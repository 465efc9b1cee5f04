/**
 * `database.*` actions of the CloudBase admin protocol -> DocumentStore calls, and the store's
 * answers -> the exact bodies @cloudbase/database 1.4.3 parses (see its collection.ts, query.ts,
 * document.ts, aggregate.ts, transaction/index.ts and the legacy transaction.ts).
 */
import { COLLECTION_NAME } from './config';
import { requireTransaction } from './store';
import {
  collectionNotExist,
  StoreError,
  type Doc,
  type DocumentOps,
  type DocumentStore,
  type FindOptions,
  type Projection,
  type Query,
  type SortSpec,
  type Transaction,
  type Update,
} from './store/types';
import { isPlainObject } from './store/engine';
import * as ejson from '../wire/ejson';
import { invalidParam, WireError } from '../wire/errors';

export type Params = Record<string, unknown>;
/** A successful answer, without `requestId` (the dispatcher adds it). */
export type Body = Record<string, unknown>;

export interface DatabaseOptions {
  /** Most documents one get() returns (CloudBase: 1000 in cloud functions; the SDK clamps to 1000 too). */
  maxLimit: number;
}

interface Ctx {
  store: DocumentStore;
  params: Params;
  decode: ejson.DecodeContext;
  options: DatabaseOptions;
}

function str(params: Params, key: string): string {
  const value = params[key];
  if (typeof value !== 'string' || value === '') throw invalidParam(`${key} must be a non-empty string`);
  return value;
}

function optStr(params: Params, key: string): string | undefined {
  const value = params[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidParam(`${key} must be a string`);
  return value;
}

export function optBool(params: Params, key: string): boolean | undefined {
  const value = params[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw invalidParam(`${key} must be a boolean`);
  return value;
}

export function optCount(params: Params, key: string): number | undefined {
  const value = params[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw invalidParam(`${key} must be a non-negative integer`);
  }
  return value;
}

export function collectionName(params: Params): string {
  const name = str(params, 'collectionName');
  if (!COLLECTION_NAME.test(name)) throw invalidParam(`invalid collection name "${name}"`);
  return name;
}

/** An Extended JSON string parameter that must hold an object (query, data, order, projection). */
function ejsonObject(ctx: Ctx, key: string): Record<string, unknown> | undefined {
  const text = optStr(ctx.params, key);
  if (text === undefined || text === '') return undefined;
  const value = ejson.parse(text, ctx.decode);
  if (!isPlainObject(value)) throw invalidParam(`${key} must be an Extended JSON object`);
  return value;
}

function query(ctx: Ctx): Query {
  return ejsonObject(ctx, 'query') ?? {};
}

function sortSpec(ctx: Ctx): SortSpec | undefined {
  const order = ejsonObject(ctx, 'order');
  if (!order) return undefined;
  return Object.entries(order).map(([field, direction]) => {
    if (direction !== 1 && direction !== -1) throw invalidParam(`order.${field} must be 1 or -1`);
    return [field, direction];
  });
}

function projection(ctx: Ctx): Projection | undefined {
  const value = ejsonObject(ctx, 'projection');
  if (!value) return undefined;
  for (const [field, flag] of Object.entries(value)) {
    if (typeof flag !== 'number' && typeof flag !== 'boolean' && !isPlainObject(flag)) {
      throw invalidParam(`projection.${field} must be 0, 1, a boolean or a projection operator`);
    }
  }
  // db.command.project.slice / elemMatch arrive as operator objects; the Mongo-semantics store reads them.
  return value as Projection;
}

/** The transaction named by `transactionId`, or the store itself outside a transaction. */
function opsFor(ctx: Ctx): DocumentOps {
  const id = optStr(ctx.params, 'transactionId');
  if (id === undefined || id === '') return ctx.store;
  return transaction(ctx, id);
}

/** A committed, rolled back, timed out or unknown id answers CloudBase's TransactionNotExist. */
function transaction(ctx: Ctx, id: string): Transaction {
  return requireTransaction(ctx.store, id);
}

export function hasOperators(update: Record<string, unknown>): boolean {
  return Object.keys(update).some((key) => key.startsWith('$'));
}

const docStrings = (docs: Doc[]): string[] => docs.map((doc) => ejson.stringify(doc));

/**
 * CloudBase creates a collection only when asked (the console, db.createCollection); a write,
 * upserts and transactions included, to one never created fails. The store itself (imports, tests'
 * seeding) creates collections as it writes.
 */
async function requireCollection(ctx: Ctx, name: string): Promise<void> {
  if (!(await ctx.store.hasCollection(name))) throw collectionNotExist(name);
}

async function getDocument(ctx: Ctx): Promise<Body> {
  const coll = collectionName(ctx.params);
  const requested = optCount(ctx.params, 'limit');
  const limit = Math.min(
    requested === undefined || requested === 0 ? ctx.options.maxLimit : requested,
    ctx.options.maxLimit,
  );
  const offset = optCount(ctx.params, 'offset') ?? 0;
  const options: FindOptions = { limit, skip: offset };
  const sort = sortSpec(ctx);
  if (sort) options.sort = sort;
  const fields = projection(ctx);
  if (fields) options.projection = fields;
  const docs = await opsFor(ctx).find(coll, query(ctx), options);
  return { data: { list: docStrings(docs), limit, offset } };
}

async function insertDocument(ctx: Ctx): Promise<Body> {
  const coll = collectionName(ctx.params);
  const raw = ctx.params.data;
  if (!Array.isArray(raw) || raw.length === 0)
    throw invalidParam('data must be a non-empty array of Extended JSON strings');
  const docs = raw.map((item, index): Doc => {
    if (typeof item !== 'string') throw invalidParam(`data[${index}] must be an Extended JSON string`);
    const doc = ejson.parse(item, ctx.decode);
    if (!isPlainObject(doc)) throw invalidParam(`data[${index}] must be an object`);
    return doc;
  });
  await requireCollection(ctx, coll);
  const ids = await opsFor(ctx).insert(coll, docs);
  // A custom _id comes back as the value it is (a number stays a number); the SDK reads it as is.
  return { data: { insertedIds: ids.map((id) => ejson.encode(id)) } };
}

/** doc().set() sends merge:false (a replacement, `_id` kept); update() sends merge:true with operators. */
async function modifyDocument(ctx: Ctx): Promise<Body> {
  const coll = collectionName(ctx.params);
  const data = ejsonObject(ctx, 'data');
  if (!data) throw invalidParam('data must be an Extended JSON object');
  const merge = optBool(ctx.params, 'merge') ?? true;
  const upsert = optBool(ctx.params, 'upsert') ?? false;
  const multi = optBool(ctx.params, 'multi') ?? false;
  const replace = !merge;
  if (replace && hasOperators(data)) throw invalidParam('a replacement (set) must not contain update operators');
  // merge:true without operators means "set these fields", as the SDK's own serializer would have sent.
  const update: Update = replace || hasOperators(data) ? data : { $set: data };
  if (upsert) await requireCollection(ctx, coll);
  const result = await opsFor(ctx).update(coll, query(ctx), update, { multi, upsert, replace });
  // CloudBase counts the documents matched: set() or update() with identical content reports 1.
  const body: Record<string, unknown> = { updated: result.matched };
  if (result.upsertedId !== undefined) body.upsert_id = ejson.encode(result.upsertedId);
  return { data: body };
}

async function modifyAndReturnDoc(ctx: Ctx): Promise<Body> {
  const coll = collectionName(ctx.params);
  const data = ejsonObject(ctx, 'data');
  if (!data) throw invalidParam('data must be an Extended JSON object');
  const update: Update = hasOperators(data) ? data : { $set: data };
  const txId = optStr(ctx.params, 'transactionId');
  if (txId) {
    const tx = transaction(ctx, txId);
    const [first] = await tx.find(coll, query(ctx), { limit: 1 });
    if (!first) return { data: { updated: 0, doc: null } };
    const result = await tx.update(coll, { _id: first._id }, update, { multi: false });
    const [after] = await tx.find(coll, { _id: first._id }, { limit: 1 });
    return { data: { updated: result.matched, doc: after ? ejson.stringify(after) : null } };
  }
  const doc = await ctx.store.findOneAndUpdate(coll, query(ctx), update);
  return { data: { updated: doc ? 1 : 0, doc: doc ? ejson.stringify(doc) : null } };
}

async function removeDocument(ctx: Ctx): Promise<Body> {
  const coll = collectionName(ctx.params);
  const multi = optBool(ctx.params, 'multi') ?? false;
  const deleted = await opsFor(ctx).remove(coll, query(ctx), { multi });
  return { data: { deleted } };
}

async function calculateDocument(ctx: Ctx): Promise<Body> {
  const coll = collectionName(ctx.params);
  if (optStr(ctx.params, 'transactionId')) throw invalidParam('count() is not available inside a transaction');
  const total = await ctx.store.count(coll, query(ctx));
  return { data: { total } };
}

async function aggregateDocuments(ctx: Ctx): Promise<Body> {
  const coll = collectionName(ctx.params);
  const stages = ctx.params.stages;
  if (!Array.isArray(stages)) throw invalidParam('stages must be an array');
  // Each stage is {stageKey:'$match', stageValue:<EJSON text>}; non-object values ($limit: 3) are plain JSON.
  const pipeline = stages.map((stage: unknown, index): Record<string, unknown> => {
    if (!isPlainObject(stage) || typeof stage.stageKey !== 'string' || typeof stage.stageValue !== 'string') {
      throw invalidParam(`stages[${index}] must be {stageKey, stageValue}`);
    }
    if (!stage.stageKey.startsWith('$')) throw invalidParam(`stages[${index}].stageKey must start with $`);
    return { [stage.stageKey]: ejson.parse(stage.stageValue, ctx.decode) };
  });
  const docs = await ctx.store.aggregate(coll, pipeline);
  return { data: { list: docStrings(docs) } };
}

async function addCollection(ctx: Ctx): Promise<Body> {
  await ctx.store.createCollection(collectionName(ctx.params));
  return {};
}

async function deleteCollection(ctx: Ctx): Promise<Body> {
  await ctx.store.dropCollection(collectionName(ctx.params));
  return {};
}

async function startTransaction(ctx: Ctx): Promise<Body> {
  const tx = await ctx.store.startTransaction();
  return { transactionId: tx.id };
}

async function commitTransaction(ctx: Ctx): Promise<Body> {
  await transaction(ctx, str(ctx.params, 'transactionId')).commit();
  return {};
}

async function abortTransaction(ctx: Ctx): Promise<Body> {
  await transaction(ctx, str(ctx.params, 'transactionId')).abort();
  return {};
}

/** The legacy transaction API (@cloudbase/database transaction.ts) addresses one doc by `_id`. */
function docId(params: Params): string | number {
  const id = params._id;
  if ((typeof id !== 'string' || id === '') && typeof id !== 'number')
    throw invalidParam('_id must be a string or number');
  return id;
}

async function getInTransaction(ctx: Ctx): Promise<Body> {
  const tx = transaction(ctx, str(ctx.params, 'transactionId'));
  const [doc] = await tx.find(collectionName(ctx.params), { _id: docId(ctx.params) }, { limit: 1 });
  return { data: ejson.stringify(doc ?? null) };
}

async function updateDocInTransaction(ctx: Ctx): Promise<Body> {
  const tx = transaction(ctx, str(ctx.params, 'transactionId'));
  const data = ejsonObject(ctx, 'data');
  if (!data) throw invalidParam('data must be an Extended JSON object');
  const upsert = optBool(ctx.params, 'upsert') ?? false;
  const replace = !hasOperators(data);
  const id = docId(ctx.params);
  const coll = collectionName(ctx.params);
  if (upsert) await requireCollection(ctx, coll);
  const result = await tx.update(coll, { _id: id }, data, { multi: false, upsert, replace });
  // The SDK runs EJSON.parse / JSON.parse over these two fields.
  const body: Body = { updated: JSON.stringify(result.matched) };
  if (result.upsertedId !== undefined) body.upserted = JSON.stringify([{ _id: ejson.encode(result.upsertedId) }]);
  return body;
}

async function deleteDocInTransaction(ctx: Ctx): Promise<Body> {
  const tx = transaction(ctx, str(ctx.params, 'transactionId'));
  const deleted = await tx.remove(collectionName(ctx.params), { _id: docId(ctx.params) }, { multi: false });
  return { deleted: JSON.stringify(deleted) };
}

const handlers: Record<string, (ctx: Ctx) => Promise<Body>> = {
  'database.getDocument': getDocument,
  'database.insertDocument': insertDocument,
  'database.modifyDocument': modifyDocument,
  'database.modifyAndReturnDoc': modifyAndReturnDoc,
  'database.removeDocument': removeDocument,
  'database.calculateDocument': calculateDocument,
  'database.aggregateDocuments': aggregateDocuments,
  'database.addCollection': addCollection,
  'database.deleteCollection': deleteCollection,
  'database.startTransaction': startTransaction,
  'database.commitTransaction': commitTransaction,
  'database.abortTransaction': abortTransaction,
  'database.getInTransaction': getInTransaction,
  'database.updateDocInTransaction': updateDocInTransaction,
  'database.deleteDocInTransaction': deleteDocInTransaction,
};

/**
 * The database protocol of tcb-admin-node, which wx-server-sdk 2.0.x (@cloudbase/node-sdk
 * 2.0.0-beta) still sends its database calls by; 2.1 and later send the actions above.
 */
const LEGACY_ACTIONS = [
  'database.queryDocument',
  'database.addDocument',
  'database.updateDocument',
  'database.deleteDocument',
  'database.countDocument',
  'database.aggregate',
  'database.insertDocInTransaction',
];

export const DATABASE_ACTIONS: readonly string[] = [...Object.keys(handlers), ...LEGACY_ACTIONS];

export function isDatabaseAction(action: string): boolean {
  return Object.prototype.hasOwnProperty.call(handlers, action);
}

export async function handleDatabaseAction(
  store: DocumentStore,
  action: string,
  params: Params,
  options: DatabaseOptions,
  now: Date = new Date(),
): Promise<Body> {
  if (LEGACY_ACTIONS.includes(action)) {
    throw new WireError(
      'INVALID_ACTION',
      `${action} is the database protocol of wx-server-sdk 2.0.x, which the local cloud does not speak: use wx-server-sdk 2.1 or later`,
    );
  }
  const handler = Object.prototype.hasOwnProperty.call(handlers, action) ? handlers[action] : undefined;
  if (!handler) throw new WireError('INVALID_ACTION', `unknown action ${action}`);
  try {
    return await handler({ store, params, decode: { now }, options });
  } catch (error) {
    // What the store refuses, CloudBase's MongoDB refuses: the SDK gets DATABASE_REQUEST_FAILED
    // (-502001), as for a field name starting with '$'. INVALID_PARAM stays for malformed requests.
    if (error instanceof StoreError && error.code === 'INVALID_PARAM') {
      throw new WireError('DATABASE_REQUEST_FAILED', error.message);
    }
    throw error;
  }
}
