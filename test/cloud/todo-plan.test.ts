/**
 * `todo.list` pages are answered by SQL alone, through the index database/collections.json declares:
 * the queries the function actually sends are recorded, planned as the store plans them, and
 * EXPLAINed. A cursor page seeks the index to the cursor's key instead of scanning from the start.
 */
import type { LocalCloud } from 'cloudbase-local';
import { readDatabaseConfig } from '../../packages/cloudbase-local/src/database/config';
import type { FindOptions, Query } from '../../packages/cloudbase-local/src/database/store';
import { indexName } from '../../packages/cloudbase-local/src/database/store/collections';
import { orderBy } from '../../packages/cloudbase-local/src/database/store/pushdown';
import { plan, selectStatement } from '../../packages/cloudbase-local/src/database/store/rows';
import { PostgresDocumentStore } from '../../packages/cloudbase-local/src/database/store/store';
import { DATABASE_DIR } from '../../dev/app';
import type { ApiResult } from '../../typings/contract';
import type { TodoListResult } from '../../typings/todo';
import { invoke, startTestCloud } from '../helpers/local-cloud';
import { sampleTodo } from '../helpers/todos';

let cloud: LocalCloud;
let store: PostgresDocumentStore;
const USER = 'o-planned';

beforeAll(async () => {
  cloud = await startTestCloud();
  if (!(cloud.store instanceof PostgresDocumentStore)) throw new Error('the store is not the PostgreSQL one');
  store = cloud.store;
  const now = Date.UTC(2030, 0, 1);
  await store.insert('todos', [
    ...Array.from({ length: 800 }, (_, i) => sampleTodo(i, USER, now)),
    ...Array.from({ length: 1200 }, (_, i) => sampleTodo(i, `o-other-${i % 40}`, now)),
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
  const facts = store.kinds.of('todos');
  const selection = plan('todos', query, facts);
  const order = options.sort && orderBy(options.sort, facts, selection.present);
  const { text, values } = selectStatement(selection, { orderBy: order, limit: options.limit });
  const [row] = await store.reader.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(
    `EXPLAIN (FORMAT JSON) ${text}`,
    values,
  );
  return { exact: selection.exact, sorted: order !== undefined, nodes: nodes(row['QUERY PLAN'][0].Plan) };
}

/** Every find the function sends to `todos` while `work` runs. */
async function recordFinds(work: () => Promise<unknown>): Promise<Array<{ query: Query; options: FindOptions }>> {
  const finds: Array<{ query: Query; options: FindOptions }> = [];
  const find = store.find.bind(store);
  store.find = (collection, query, options = {}) => {
    if (collection === 'todos') finds.push({ query, options });
    return find(collection, query, options);
  };
  try {
    await work();
  } finally {
    store.find = find;
  }
  return finds;
}

async function list(request: object): Promise<TodoListResult> {
  const result = await invoke<ApiResult<TodoListResult>>(
    cloud,
    'todo',
    { action: 'list', ...request },
    { openid: USER },
  );
  if (!result.ok) throw new Error(`list failed: ${JSON.stringify(result)}`);
  return result.data;
}

test('first and cursor pages are exact, sorted in SQL and served by the declared by_quadrant index', async () => {
  const keys = readDatabaseConfig(DATABASE_DIR).collections.todos.indexes?.find((i) => i.name === 'by_quadrant')?.keys;
  if (!keys) throw new Error('collections.json declares no by_quadrant index on todos');
  const byQuadrant = indexName('todos', Object.entries(keys) as Array<[string, 1 | -1]>);

  let cursor: string | null = null;
  const pages: Array<{ query: Query; options: FindOptions }> = [];
  // The first page, then three cursor pages deeper and deeper into the user's 200 q1 todos.
  for (let page = 0; page < 4; page++) {
    const finds = await recordFinds(async () => {
      cursor = (await list({ quadrant: 'q1', ...(cursor ? { cursor } : {}) })).nextCursor;
    });
    expect(finds).toHaveLength(1);
    pages.push(finds[0]);
    expect(cursor).not.toBeNull();
  }

  for (const [i, { query, options }] of pages.entries()) {
    const planned = await explain(query, options);
    expect(planned).toMatchObject({ exact: true, sorted: true });
    expect(planned.nodes.map((n) => n['Node Type'])).not.toContain('Seq Scan');
    const scan = planned.nodes.find((n) => n['Index Name'] === byQuadrant);
    expect(scan).toBeDefined();
    // A cursor page starts the index scan at the cursor's (done, sortDue, createdAt).
    if (i > 0) {
      expect(scan?.['Index Cond']).toContain(
        "ROW((doc -> 'done'::text), (doc -> 'sortDue'::text), (doc -> 'createdAt'::text))",
      );
    }
  }
});
