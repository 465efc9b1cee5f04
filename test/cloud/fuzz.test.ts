/**
 * Malformed events thrown at every action of every cloud function through the local cloud, as the
 * browser preview calls them (`POST /functions/<name>`), seeded so a failure replays exactly.
 * Each must be answered with the contract's code for what is wrong with it, no function worker may
 * crash or be replaced, and nothing in the database or the open-API outbox may change.
 */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '@cloudbase/database';
import type { Change } from 'cloudbase-local';
import type { ApiResult } from '../../typings/contract';
import type { Todo } from '../../typings/todo';
import { chatOk, startChatRig, type ChatRig } from '../helpers/chat';
import { clientDb } from '../emulator/helpers/realtime';
import { clientWrites, fuzzCases, type ClientWrite, type FuzzCase } from '../helpers/fuzz-events';
import { invoke } from '../helpers/local-cloud';
import { textReply } from '../helpers/model-server';

const SEED = Number(process.env.FUZZ_SEED ?? 20260501);
const RUNS = Number(process.env.FUZZ_RUNS ?? 3000);
const USERS = ['o-fuzz-a', 'o-fuzz-b'];

jest.setTimeout(180_000);

let rig: ChatRig;
const ids: string[] = ['abc', 'x_1-Y', '0123456789abcdef0123456789abcdef'];

beforeAll(async () => {
  rig = await startChatRig();
  const { cloud } = rig;
  // Real data for the ids the cases carry: each user's profile, todos, a subscription and a chat.
  for (const openid of USERS) {
    await invoke(cloud, 'login', { action: 'login' }, { openid });
    for (const title of ['Pay rent', 'Call mum']) {
      const due = new Date(Date.now() + 48 * 3_600_000).toISOString();
      const created = await invoke<ApiResult<{ todo: Todo }>>(
        cloud,
        'todo',
        { action: 'create', title, quadrant: 'q2', dueAt: due, remindAt: due },
        { openid },
      );
      if (!created.ok) throw new Error(`seeding failed: ${JSON.stringify(created)}`);
      ids.push(created.data.todo.id);
    }
    await invoke(cloud, 'todo', { action: 'subscribe', templateId: 'tpl-fuzz' }, { openid });
    rig.model.script(textReply('好的。'));
    const sent = await chatOk(cloud, 'send', { text: '你好' }, openid);
    ids.push(sent.conversation.id, sent.message.id, sent.reply.id);
  }
}, 120_000);

afterAll(() => rig?.close());

async function call(c: FuzzCase): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-wx-appid': 'wx-fuzz' };
  if (c.openid) headers['x-wx-openid'] = c.openid;
  const res = await fetch(`${rig.cloud.url}/functions/${c.fn}`, {
    method: 'POST',
    headers,
    body: JSON.stringify(c.event),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

it(`answers ${RUNS} malformed events with the contract's code, no crash and no change`, async () => {
  const { cloud } = rig;
  const before = await cloud.store.exportAll();
  const outboxBefore = cloud.outbox.list().length;
  const writes: Change[] = [];
  const stopWatching = cloud.store.onChange((change) => writes.push(change));
  const codes = new Map<string, number>();
  const warmed = new Set<string>();
  let cases = 0;
  let crashes = 0;
  const started = Date.now();

  await fc.assert(
    fc.asyncProperty(fuzzCases({ ids, openids: USERS }), async (c) => {
      cases += 1;
      const { status, body } = await call(c);
      const record = cloud.functions.recent(1)[0];
      if (body.errCode === -504002 || record?.outcome === 'crash') crashes += 1;
      // The platform answered (no crash, no timeout, nothing unreadable) and the function did too.
      expect({ status, errCode: body.errCode }).toEqual({ status: 200, errCode: undefined });
      const result = body.result as { ok: boolean; code?: string; fields?: Record<string, string> };
      expect(result).toMatchObject({ ok: false, code: c.expected, message: expect.any(String) });
      if (c.expected === 'INVALID_ARGUMENT') expect(Object.keys(result.fields ?? {}).length).toBeGreaterThan(0);
      codes.set(c.expected, (codes.get(c.expected) ?? 0) + 1);
      // Served by the instance that served the previous call: no worker died or was replaced.
      expect(record).toMatchObject({ name: c.fn, outcome: 'ok' });
      if (warmed.has(c.fn)) expect(record.coldStart).toBe(false);
      warmed.add(c.fn);
      expect(writes).toEqual([]);
    }),
    { seed: SEED, numRuns: RUNS, endOnFailure: true },
  );

  stopWatching();
  expect(await cloud.store.exportAll()).toEqual(before);
  expect(cloud.outbox.list()).toHaveLength(outboxBefore);
  expect(crashes).toBe(0);
  const seen = Object.fromEntries([...codes].sort(([a], [b]) => a.localeCompare(b)));
  console.log(
    `fuzz: seed ${SEED}, ${cases} cases in ${((Date.now() - started) / 1000).toFixed(1)} s, ` +
      `codes ${JSON.stringify(seen)}, crashes: ${crashes}`,
  );
});

const WRITES = Number(process.env.FUZZ_CLIENT_WRITES ?? 400);

/** Sends one client-database write as the client library does, and resolves with what came back. */
function clientWrite(db: Db, w: ClientWrite): Promise<unknown> {
  const collection = db.collection(w.collection);
  const mine = collection.where({ _openid: '{openid}' });
  switch (w.op) {
    case 'add':
      return collection.add(w.data);
    case 'update':
      return collection.doc(w.id).update(w.data);
    case 'set':
      return collection.doc(w.id).set(w.data);
    case 'remove':
      return collection.doc(w.id).remove();
    case 'where.update':
      return mine.update(w.data);
    case 'where.remove':
      return mine.remove();
  }
}

it(`refuses ${WRITES} client-database writes to every collection, signed in or not, and nothing changes`, async () => {
  const { cloud } = rig;
  const collections = Object.keys(
    (JSON.parse(readFileSync(join(__dirname, '../../database/collections.json'), 'utf8')) as { collections: object })
      .collections,
  );
  // Each user's own document in every collection, for writes by id to find.
  for (const name of collections) {
    await cloud.store.insert(
      name,
      USERS.map((openid) => ({ _id: `own-${openid}`, _openid: openid, title: 'mine' })),
    );
  }
  const dbs = new Map<string, Db>([...USERS.map((openid) => [openid, clientDb(cloud, openid)] as const)]);
  const anonymous = clientDb(cloud, undefined);
  const before = await cloud.store.exportAll();
  const writes: Change[] = [];
  const stopWatching = cloud.store.onChange((change) => writes.push(change));
  const codes = new Map<string, number>();

  await fc.assert(
    fc.asyncProperty(clientWrites(collections, USERS), async (w) => {
      const answer = (await clientWrite(w.openid ? (dbs.get(w.openid) as Db) : anonymous, w)) as { code?: string };
      codes.set(`${answer.code}`, (codes.get(`${answer.code}`) ?? 0) + 1);
      expect(answer.code).toBe('DATABASE_PERMISSION_DENIED');
      expect(writes).toEqual([]);
    }),
    { seed: SEED, numRuns: WRITES, endOnFailure: true },
  );

  stopWatching();
  expect(await cloud.store.exportAll()).toEqual(before);
  console.log(
    `fuzz: ${WRITES} client writes over ${collections.length} collections, answers ${JSON.stringify(Object.fromEntries(codes))}`,
  );
});
