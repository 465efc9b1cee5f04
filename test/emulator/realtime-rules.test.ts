/**
 * Security rules for client access, two users, through the real client libraries: the js-sdk's
 * @cloudbase/database 0.11 query builder for get/count/add/update/remove at /web, and its watch()
 * on the realtime socket. A cloud function is never held to the rules.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Db } from '@cloudbase/database';
import type { LocalCloud } from '../../packages/cloudbase-local/src';
import { allowsDoc, allowsQuery, parseRule, withCaller } from '../../packages/cloudbase-local/src/database/rules';
import { FIXTURE_DATABASE, postJson, startTestCloud } from '../fixtures/emulator/harness';
import { eventually } from '../helpers/eventually';
import { clientDb, closeListener, quietClientLogs } from './helpers/realtime';

jest.setTimeout(60_000);

const ALICE = 'dev_alice';
const BOB = 'dev_bob';

let cloud: LocalCloud;
let alice: Db;
let bob: Db;
let nobody: Db;

/** What @cloudbase/database 0.x resolves with: a result, or the server's `{ code, message }`. */
interface Reply {
  code?: string;
  message?: string;
  data?: Array<Record<string, unknown>>;
  id?: string;
  total?: number;
  updated?: number;
  deleted?: number;
  upsertedId?: string;
}
const reply = async (call: Promise<unknown>): Promise<Reply> => (await call) as Reply;

beforeAll(async () => {
  cloud = await startTestCloud({ databaseDir: FIXTURE_DATABASE, functionsPrewarm: false });
  alice = clientDb(cloud, ALICE);
  bob = clientDb(cloud, BOB);
  nobody = clientDb(cloud, undefined);
}, 120_000);

afterEach(async () => {
  for (const name of ['notes', 'messages', 'profiles', 'members', 'secrets']) await cloud.store.remove(name, {});
  jest.restoreAllMocks();
});

afterAll(async () => {
  await cloud?.close();
});

describe('add', () => {
  it("stamps the caller's _openid, which a client can neither set nor change", async () => {
    const added = await reply(alice.collection('notes').add({ text: 'mine', at: alice.serverDate() }));
    expect(added.id).toEqual(expect.any(String));
    const [stored] = await cloud.store.find('notes', { _id: added.id });
    expect(stored).toMatchObject({ _openid: ALICE, text: 'mine', at: expect.any(Date) });

    const forged = await reply(alice.collection('notes').add({ text: 'as bob', _openid: BOB }));
    expect(forged).toMatchObject({ code: 'INVALID_PARAM', message: expect.stringContaining('_openid') });
    const changed = await reply(alice.collection('notes').doc(String(added.id)).update({ _openid: BOB }));
    expect(changed.code).toBe('INVALID_PARAM');
    expect(await cloud.store.count('notes', { _openid: BOB })).toBe(0);
  });

  it('is refused where the write rule forbids it, and to a signed-out caller', async () => {
    expect((await reply(alice.collection('messages').add({ text: 'x' }))).code).toBe('DATABASE_PERMISSION_DENIED');
    expect((await reply(alice.collection('secrets').add({ text: 'x' }))).code).toBe('DATABASE_PERMISSION_DENIED');
    expect((await reply(nobody.collection('notes').add({ text: 'x' }))).code).toBe('DATABASE_PERMISSION_DENIED');
    expect(await cloud.store.count('messages', {})).toBe(0);
  });
});

describe('get and count', () => {
  beforeEach(async () => {
    await cloud.store.insert('notes', [
      ...Array.from({ length: 25 }, (_, i) => ({ _id: `a${String(i).padStart(2, '0')}`, _openid: ALICE, n: i })),
      { _id: 'b1', _openid: BOB, n: 100 },
    ]);
  });

  it("returns the caller's own documents when the query says '{openid}', at most 20 at a time", async () => {
    const mine = alice.collection('notes').where({ _openid: '{openid}' });
    const first = await reply(mine.orderBy('n', 'asc').limit(100).get());
    expect(first.data?.map((doc) => doc.n)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    const rest = await reply(mine.orderBy('n', 'asc').skip(20).get());
    expect(rest.data?.map((doc) => doc.n)).toEqual([20, 21, 22, 23, 24]);
    expect((await reply(mine.count())).total).toBe(25);
    const _ = alice.command;
    const some = await reply(
      mine
        .where({ _openid: '{openid}', n: _.gte(22) })
        .field({ n: true })
        .get(),
    );
    expect(some.data).toEqual([
      { _id: 'a22', n: 22 },
      { _id: 'a23', n: 23 },
      { _id: 'a24', n: 24 },
    ]);
  });

  it('refuses a query that is not a subset of the rule, whoever it names', async () => {
    const everything = await reply(alice.collection('notes').get());
    expect(everything).toMatchObject({
      code: 'DATABASE_PERMISSION_DENIED',
      message: expect.stringContaining('_openid'),
    });
    expect((await reply(alice.collection('notes').where({ n: 100 }).get())).code).toBe('DATABASE_PERMISSION_DENIED');
    expect((await reply(alice.collection('notes').where({ _openid: BOB }).get())).code).toBe(
      'DATABASE_PERMISSION_DENIED',
    );
    expect((await reply(alice.collection('notes').where({ n: 100 }).count())).code).toBe('DATABASE_PERMISSION_DENIED');
    // Pinned in every branch of an $or is still a subset; a branch without it is not.
    const _ = alice.command;
    const both = await reply(
      alice
        .collection('notes')
        .where(
          _.or([
            { _openid: '{openid}', n: 1 },
            { _openid: '{openid}', n: 2 },
          ]),
        )
        .get(),
    );
    expect(both.data?.map((doc) => doc._id)).toEqual(['a01', 'a02']);
    const leaky = await reply(
      alice
        .collection('notes')
        .where(_.or([{ _openid: '{openid}' }, { n: 100 }]))
        .get(),
    );
    expect(leaky.code).toBe('DATABASE_PERMISSION_DENIED');
  });

  it("doc(id).get() is judged by the document: one's own is read, another's refused", async () => {
    expect((await reply(alice.collection('notes').doc('a01').get())).data).toEqual([
      { _id: 'a01', _openid: ALICE, n: 1 },
    ]);
    expect((await reply(bob.collection('notes').doc('a01').get())).code).toBe('DATABASE_PERMISSION_DENIED');
    expect((await reply(bob.collection('notes').doc('missing').get())).data).toEqual([]);
  });

  it('follows each rule kind: _id is the openid, any signed-in user, nobody', async () => {
    await cloud.store.insert('profiles', [
      { _id: ALICE, name: 'Alice' },
      { _id: BOB, name: 'Bob' },
    ]);
    await cloud.store.insert('members', [{ _id: 'm1', _openid: BOB, editor: ALICE, role: 'x' }]);
    await cloud.store.insert('secrets', [{ _id: 's1', _openid: ALICE }]);
    expect((await reply(alice.collection('profiles').where({ _id: '{openid}' }).get())).data).toEqual([
      { _id: ALICE, name: 'Alice' },
    ]);
    expect((await reply(alice.collection('profiles').doc(BOB).get())).code).toBe('DATABASE_PERMISSION_DENIED');
    expect((await reply(alice.collection('members').get())).data).toHaveLength(1);
    expect((await reply(nobody.collection('members').get())).code).toBe('DATABASE_PERMISSION_DENIED');
    expect((await reply(alice.collection('secrets').where({ _openid: '{openid}' }).get())).code).toBe(
      'DATABASE_PERMISSION_DENIED',
    );
  });
});

describe('update and remove', () => {
  beforeEach(async () => {
    await cloud.store.insert('notes', [
      { _id: 'a1', _openid: ALICE, text: 'a', n: 1 },
      { _id: 'a2', _openid: ALICE, text: 'a', n: 2 },
      { _id: 'b1', _openid: BOB, text: 'b', n: 1 },
    ]);
  });

  it("a user changes and removes their own documents, never another's", async () => {
    const _ = alice.command;
    expect(
      (
        await reply(
          alice
            .collection('notes')
            .doc('a1')
            .update({ text: 'edited', n: _.inc(1) }),
        )
      ).updated,
    ).toBe(1);
    expect((await reply(alice.collection('notes').doc('b1').update({ text: 'hacked' }))).code).toBe(
      'DATABASE_PERMISSION_DENIED',
    );
    expect((await reply(alice.collection('notes').doc('b1').remove())).code).toBe('DATABASE_PERMISSION_DENIED');
    expect(await cloud.store.find('notes', { _id: 'b1' })).toEqual([{ _id: 'b1', _openid: BOB, text: 'b', n: 1 }]);
    expect(await cloud.store.find('notes', { _id: 'a1' })).toEqual([
      { _id: 'a1', _openid: ALICE, text: 'edited', n: 2 },
    ]);

    // where().update/remove need the same subset of the write rule.
    expect((await reply(alice.collection('notes').where({ text: 'b' }).update({ text: 'x' }))).code).toBe(
      'DATABASE_PERMISSION_DENIED',
    );
    expect((await reply(alice.collection('notes').where({ _openid: '{openid}' }).update({ done: true }))).updated).toBe(
      2,
    );
    expect((await reply(bob.collection('notes').doc('a2').remove())).code).toBe('DATABASE_PERMISSION_DENIED');
    expect((await reply(alice.collection('notes').doc('a2').remove())).deleted).toBe(1);
    expect((await reply(alice.collection('notes').where({ _openid: '{openid}' }).remove())).deleted).toBe(1);
    expect(await cloud.store.find('notes', {})).toEqual([{ _id: 'b1', _openid: BOB, text: 'b', n: 1 }]);
  });

  it('set() replaces a document but keeps its owner, and creates one where the rule allows', async () => {
    expect((await reply(alice.collection('notes').doc('a1').set({ text: 'whole' }))).updated).toBe(1);
    expect(await cloud.store.find('notes', { _id: 'a1' })).toEqual([{ _id: 'a1', _openid: ALICE, text: 'whole' }]);
    const created = await reply(alice.collection('profiles').doc(ALICE).set({ name: 'Alice' }));
    expect(created.upsertedId).toBe(ALICE);
    expect((await reply(alice.collection('profiles').doc(BOB).set({ name: 'not me' }))).code).toBe(
      'DATABASE_PERMISSION_DENIED',
    );
  });

  it('an owner-or-editor rule lets the editor write', async () => {
    await cloud.store.insert('members', [{ _id: 'm1', _openid: BOB, editor: ALICE, role: 'x' }]);
    expect((await reply(alice.collection('members').doc('m1').update({ role: 'y' }))).updated).toBe(1);
    expect((await reply(clientDb(cloud, 'dev_carol').collection('members').doc('m1').update({ role: 'z' }))).code).toBe(
      'DATABASE_PERMISSION_DENIED',
    );
  });
});

describe('a cloud function', () => {
  it('is never held to the rules', async () => {
    // writer adds an ownerless note and reads it back: no client could read that document.
    const call = await postJson(`${cloud.url}/functions/writer`, { text: 'from a function' }, { 'x-wx-openid': BOB });
    expect(call.body.result).toMatchObject({ text: 'from a function', atIsDate: true });
    const id = String((call.body.result as { _id: string })._id);
    expect(await cloud.store.find('notes', { _id: id })).toEqual([expect.not.objectContaining({ _openid: BOB })]);
    expect((await reply(bob.collection('notes').doc(id).get())).code).toBe('DATABASE_PERMISSION_DENIED');
  });
});

describe('watch() through the database library', () => {
  beforeEach(() => quietClientLogs());

  it("sees the writes to the caller's documents only", async () => {
    const docs: unknown[] = [];
    const errors: unknown[] = [];
    const watcher = alice
      .collection('messages')
      .where({ _openid: '{openid}' })
      .orderBy('n', 'asc')
      .watch({
        onChange: (snapshot: { docs: unknown }) => docs.push(snapshot.docs),
        onError: (error: unknown) => errors.push(error),
      });
    await eventually(() => docs.length === 1);
    await cloud.store.insert('messages', [
      { _id: 'x', _openid: BOB, n: 1 },
      { _id: 'y', _openid: ALICE, n: 2 },
    ]);
    await eventually(() => docs.length === 2);
    expect(docs[1]).toEqual([{ _id: 'y', _openid: ALICE, n: 2 }]);
    closeListener(watcher);
    // The client lets its socket go once its last watch has closed.
    await eventually(() => cloud.realtime.stats().connections === 0);
    expect(errors).toEqual([]);
  });
});

describe('the rule language', () => {
  const me = { openid: ALICE };

  it('reads the rules collections.json holds, in any order of sides and with parentheses', () => {
    const owner = parseRule('auth.openid == doc._openid');
    expect(allowsDoc(owner, { _openid: ALICE }, me)).toBe(true);
    expect(allowsDoc(owner, { _openid: BOB }, me)).toBe(false);
    expect(allowsDoc(owner, { _openid: ALICE }, null)).toBe(false);
    const either = parseRule('(doc._openid == auth.openid || doc.team.lead == auth.openid) && auth != null');
    expect(allowsDoc(either, { _openid: BOB, team: { lead: ALICE } }, me)).toBe(true);
    expect(allowsQuery(either, { 'team.lead': ALICE }, me)).toBe(true);
    expect(allowsQuery(either, { _openid: { $in: [ALICE] } }, me)).toBe(true);
    expect(allowsQuery(either, { _openid: { $in: [ALICE, BOB] } }, me)).toBe(false);
    expect(allowsQuery(parseRule(true), {}, null)).toBe(true);
    expect(allowsQuery(parseRule(false), { _openid: ALICE }, me)).toBe(false);
    expect(allowsQuery(parseRule('auth != null'), {}, me)).toBe(true);
  });

  it("replaces '{openid}' anywhere in a query, and leaves it for a signed-out caller", () => {
    expect(withCaller({ $or: [{ _openid: '{openid}' }, { to: { $in: ['{openid}'] } }] }, me)).toEqual({
      $or: [{ _openid: ALICE }, { to: { $in: [ALICE] } }],
    });
    expect(withCaller({ _openid: '{openid}' }, null)).toEqual({ _openid: '{openid}' });
  });

  it('refuses at start a rule it does not understand, naming the collection', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rules-'));
    fs.writeFileSync(
      path.join(dir, 'collections.json'),
      JSON.stringify({ collections: { posts: { rules: { read: "get('database.x').y == 1", write: false } } } }),
    );
    try {
      await expect(startTestCloud({ databaseDir: dir, functionsPrewarm: false })).rejects.toThrow(
        /collections\.json: the read rule of "posts" .*unexpected text/,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
