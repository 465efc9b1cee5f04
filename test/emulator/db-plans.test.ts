/**
 * Keyset pages sent by the real wx-server-sdk are answered by SQL alone, through the index a
 * collections file declares: the finds the SDK's queries become are recorded, planned as the store
 * plans them, and EXPLAINed. A cursor page (the last row's sort key as an `$or` of row comparisons)
 * seeks the index to the cursor instead of scanning from the start.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DB } from 'wx-server-sdk';
import type { LocalCloud } from '../../packages/cloudbase-local/src';
import type { Doc, FindOptions, Query } from '../../packages/cloudbase-local/src/database/store';
import { indexName } from '../../packages/cloudbase-local/src/database/store/collections';
import { orderBy } from '../../packages/cloudbase-local/src/database/store/pushdown';
import { plan, selectStatement } from '../../packages/cloudbase-local/src/database/store/rows';
import { PostgresDocumentStore } from '../../packages/cloudbase-local/src/database/store/store';
import { loadSdk, settle, startTestCloud } from '../fixtures/emulator/harness';

jest.setTimeout(120_000);

const KEYS = { owner: 1, lane: 1, done: 1, due: 1, createdAt: 1 } as const;
const OWNER = 'o-planned';
const PAGE = 20;

let cloud: LocalCloud;
let store: PostgresDocumentStore;
let db: DB.Database;

/** Rows of one owner's board and others', lanes in turn, every third done, due times scattered. */
function task(i: number, owner: string, now: number): Doc {
  return {
    owner,
    lane: ['now', 'next', 'later', 'never'][i % 4],
    done: i % 3 === 0,
    due: new Date(now + ((i * 7919) % 100_000) * 60_000),
    createdAt: new Date(now - i * 1000),
  };
}

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'plans-'));
  writeFileSync(
    join(dir, 'collections.json'),
    JSON.stringify({
      collections: { tasks: { rules: { read: false, write: false }, indexes: [{ name: 'by_lane', keys: KEYS }] } },
    }),
  );
  cloud = await startTestCloud({ databaseDir: dir });
  if (!(cloud.store instanceof PostgresDocumentStore)) throw new Error('the store is not the PostgreSQL one');
  store = cloud.store;
  db = loadSdk(cloud).database();
  const now = Date.UTC(2030, 0, 1);
  await store.insert('tasks', [
    ...Array.from({ length: 800 }, (_, i) => task(i, OWNER, now)),
    ...Array.from({ length: 1200 }, (_, i) => task(i, `o-other-${i % 40}`, now)),
  ]);
  // Planner statistics, as autovacuum would gather them on a server that runs for a while.
  await store.reader.query('ANALYZE documents');
});
afterAll(() => cloud?.close());

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Index Cond'?: string;
  Plans?: PlanNode[];
}
const nodes = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodes)];

/** The store's plan for a find: whether SQL answers alone, and the nodes PostgreSQL would run. */
async function explain(query: Query, options: FindOptions) {
  const facts = store.kinds.of('tasks');
  const selection = plan('tasks', query, facts);
  const order = options.sort && orderBy(options.sort, facts, selection.present);
  const { text, values } = selectStatement(selection, { orderBy: order, limit: options.limit });
  const [row] = await store.reader.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(
    `EXPLAIN (FORMAT JSON) ${text}`,
    values,
  );
  return { exact: selection.exact, sorted: order !== undefined, nodes: nodes(row['QUERY PLAN'][0].Plan) };
}

/** Every find the SDK's calls become while `work` runs. */
async function recordFinds(work: () => Promise<unknown>): Promise<Array<{ query: Query; options: FindOptions }>> {
  const finds: Array<{ query: Query; options: FindOptions }> = [];
  const find = store.find.bind(store);
  store.find = (collection, query, options = {}) => {
    if (collection === 'tasks') finds.push({ query, options });
    return find(collection, query, options);
  };
  try {
    await work();
  } finally {
    store.find = find;
  }
  return finds;
}

/** One page of a lane in (done, due, createdAt, _id) order, after `after` (the last row's key). */
async function page(after?: Record<string, unknown>): Promise<Array<Record<string, unknown>>> {
  const _ = db.command;
  const base = { owner: OWNER, lane: 'now' };
  const where = after
    ? _.and([
        base,
        _.or([
          { done: _.gt(after.done) },
          { done: after.done, due: _.gt(after.due) },
          { done: after.done, due: after.due, createdAt: _.gt(after.createdAt) },
          { done: after.done, due: after.due, createdAt: after.createdAt, _id: _.gt(after._id) },
        ]),
      ])
    : base;
  const { data } = await settle(
    db
      .collection('tasks')
      .where(where as Record<string, unknown>)
      .orderBy('done', 'asc')
      .orderBy('due', 'asc')
      .orderBy('createdAt', 'asc')
      .orderBy('_id', 'asc')
      .limit(PAGE)
      .get(),
  );
  return data as Array<Record<string, unknown>>;
}

test('first and cursor pages are exact, sorted in SQL and served by the declared index', async () => {
  const byLane = indexName('tasks', Object.entries(KEYS) as Array<[string, 1 | -1]>);
  const pages: Array<{ query: Query; options: FindOptions }> = [];
  let last: Record<string, unknown> | undefined;
  // The first page, then three cursor pages deeper and deeper into the owner's 200 rows of the lane.
  for (let i = 0; i < 4; i++) {
    const finds = await recordFinds(async () => {
      const rows = await page(last);
      expect(rows).toHaveLength(PAGE);
      last = rows[rows.length - 1];
    });
    expect(finds).toHaveLength(1);
    pages.push(finds[0]);
  }

  for (const [i, { query, options }] of pages.entries()) {
    const planned = await explain(query, options);
    expect(planned).toMatchObject({ exact: true, sorted: true });
    expect(planned.nodes.map((n) => n['Node Type'])).not.toContain('Seq Scan');
    const scan = planned.nodes.find((n) => n['Index Name'] === byLane);
    expect(scan).toBeDefined();
    // A cursor page starts the index scan at the cursor's (done, due, createdAt).
    if (i > 0) {
      expect(scan?.['Index Cond']).toContain(
        "ROW((doc -> 'done'::text), (doc -> 'due'::text), (doc -> 'createdAt'::text))",
      );
    }
  }
});
