/**
 * watch() over the local cloud's WebSocket, driven by the real @cloudbase/realtime 3.3.3 client:
 * its auth.wsWebSign request is answered by /web with this server's socket URL, and every event
 * it turns into a snapshot came from a committed write.
 */
import type { LocalCloud } from '../../packages/cloudbase-local/src';
import { FIXTURE_DATABASE, startTestCloud } from '../fixtures/emulator/harness';
import { eventually } from '../helpers/eventually';
import { quietClientLogs, realtimeClient, record, watchApart, type Recording } from './helpers/realtime';

jest.setTimeout(60_000);

const ALICE = 'dev_alice';
const BOB = 'dev_bob';

let cloud: LocalCloud;
const open: Recording[] = [];

beforeAll(async () => {
  cloud = await startTestCloud({ databaseDir: FIXTURE_DATABASE, functionsPrewarm: false });
}, 120_000);

beforeEach(() => quietClientLogs());

afterEach(async () => {
  for (const recording of open.splice(0)) recording.close();
  await eventually(() => cloud.realtime.stats().watches === 0);
  await cloud.store.remove('messages', {});
  jest.restoreAllMocks();
});

afterAll(async () => {
  await cloud?.close();
});

function watch(
  openid: string,
  options: Parameters<typeof record>[1],
  beforeSend?: (action: string) => Promise<void>,
): Recording {
  const recording = record(realtimeClient(cloud, openid, beforeSend), options);
  open.push(recording);
  return recording;
}

const mine = (conversationId: string): string => JSON.stringify({ _openid: '{openid}', conversationId });

describe('init', () => {
  it('sends the matching documents of the caller as the first snapshot, in order, typed init', async () => {
    await cloud.store.insert('messages', [
      { _id: 'm2', _openid: ALICE, conversationId: 'c1', text: 'second', createdAt: new Date(2000) },
      { _id: 'm1', _openid: ALICE, conversationId: 'c1', text: 'first', createdAt: new Date(1000) },
      { _id: 'b1', _openid: BOB, conversationId: 'c1', text: 'not yours', createdAt: new Date(1500) },
      { _id: 'm3', _openid: ALICE, conversationId: 'c2', text: 'other chat', createdAt: new Date(1200) },
    ]);
    const feed = watch(ALICE, { collectionName: 'messages', query: mine('c1'), orderBy: { createdAt: 'asc' } });

    await eventually(() => feed.snapshots.length === 1);
    const [init] = feed.snapshots;
    expect(init.docs.map((doc) => doc.text)).toEqual(['first', 'second']);
    expect(init.docChanges.map((change) => [change.dataType, change.queueType, change.docId])).toEqual([
      ['init', 'init', 'm1'],
      ['init', 'init', 'm2'],
    ]);
    // Dates travel as the client protocol writes them.
    expect(init.docs[0].createdAt).toEqual({ $date: 1000 });
    expect(feed.errors).toEqual([]);
  });

  it('an empty result still gives one init snapshot', async () => {
    const feed = watch(ALICE, { collectionName: 'messages', query: mine('none') });
    await eventually(() => feed.snapshots.length === 1);
    expect(feed.snapshots[0]).toMatchObject({ type: 'init', docs: [], docChanges: [] });
  });
});

describe('changes', () => {
  it('add, update, replace and remove arrive as consecutive events with the documented types', async () => {
    const feed = watch(ALICE, { collectionName: 'messages', query: mine('c1'), orderBy: { createdAt: 'asc' } });
    await eventually(() => feed.snapshots.length === 1);

    await cloud.store.insert('messages', [{ _id: 'r1', _openid: ALICE, conversationId: 'c1', text: 'h', n: 1 }]);
    await eventually(() => feed.snapshots.length === 2);
    await cloud.store.update(
      'messages',
      { _id: 'r1' },
      { $set: { text: 'hello', 'meta.done': true }, $unset: { n: '' } },
    );
    await eventually(() => feed.snapshots.length === 3);
    await cloud.store.update(
      'messages',
      { _id: 'r1' },
      { _openid: ALICE, conversationId: 'c1', text: 'new' },
      { replace: true },
    );
    await eventually(() => feed.snapshots.length === 4);
    await cloud.store.remove('messages', { _id: 'r1' });
    await eventually(() => feed.snapshots.length === 5);

    const [init, added, updated, replaced, removed] = feed.snapshots;
    expect([added.id, updated.id, replaced.id, removed.id]).toEqual([
      init.id + 1,
      init.id + 2,
      init.id + 3,
      init.id + 4,
    ]);
    expect(added.docChanges).toEqual([
      expect.objectContaining({
        dataType: 'add',
        queueType: 'enqueue',
        docId: 'r1',
        doc: expect.objectContaining({ text: 'h' }),
      }),
    ]);
    expect(updated.docChanges).toEqual([
      expect.objectContaining({
        dataType: 'update',
        queueType: 'update',
        docId: 'r1',
        updatedFields: { text: 'hello', meta: { done: true } },
        removedFields: ['n'],
      }),
    ]);
    // The client rebuilt the document from the updated and removed fields.
    expect(updated.docs).toEqual([
      { _id: 'r1', _openid: ALICE, conversationId: 'c1', text: 'hello', meta: { done: true } },
    ]);
    expect(replaced.docChanges[0]).toMatchObject({ dataType: 'replace', queueType: 'update' });
    expect(replaced.docs).toEqual([{ _id: 'r1', _openid: ALICE, conversationId: 'c1', text: 'new' }]);
    expect(removed.docChanges[0]).toMatchObject({ dataType: 'remove', queueType: 'dequeue', docId: 'r1' });
    expect(removed.docs).toEqual([]);
  });

  it("another user's writes and other conversations never reach the watch", async () => {
    const feed = watch(ALICE, { collectionName: 'messages', query: mine('c1') });
    await eventually(() => feed.snapshots.length === 1);
    await cloud.store.insert('messages', [
      { _id: 'x1', _openid: BOB, conversationId: 'c1', text: 'bob' },
      { _id: 'x2', _openid: ALICE, conversationId: 'c9', text: 'elsewhere' },
    ]);
    await cloud.store.insert('messages', [{ _id: 'x3', _openid: ALICE, conversationId: 'c1', text: 'mine' }]);
    await eventually(() => feed.snapshots.length === 2);
    expect(feed.last('text')).toEqual(['mine']);
    expect(feed.snapshots[1].id).toBe(feed.snapshots[0].id + 1);
  });

  it('an update that makes a document match enqueues it; one that unmatches it dequeues it', async () => {
    await cloud.store.insert('messages', [{ _id: 'u1', _openid: ALICE, conversationId: 'c0', text: 'moving' }]);
    const feed = watch(ALICE, { collectionName: 'messages', query: mine('c1') });
    await eventually(() => feed.snapshots.length === 1);
    await cloud.store.update('messages', { _id: 'u1' }, { $set: { conversationId: 'c1' } });
    await eventually(() => feed.snapshots.length === 2);
    await cloud.store.update('messages', { _id: 'u1' }, { $set: { conversationId: 'c2' } });
    await eventually(() => feed.snapshots.length === 3);
    expect(feed.snapshots[1].docChanges[0]).toMatchObject({ dataType: 'update', queueType: 'enqueue', docId: 'u1' });
    expect(feed.snapshots[2].docChanges[0]).toMatchObject({ dataType: 'update', queueType: 'dequeue', docId: 'u1' });
    expect(feed.snapshots[2].docChanges[0].doc).toMatchObject({ conversationId: 'c2' });
    expect(feed.snapshots[2].docs).toEqual([]);
  });

  it('a replacement that unmatches a document carries the new document, which the client requires', async () => {
    await cloud.store.insert('messages', [{ _id: 's1', _openid: ALICE, conversationId: 'c1', text: 'kept' }]);
    const feed = watch(ALICE, { collectionName: 'messages', query: mine('c1') });
    await eventually(() => feed.snapshots.length === 1);
    await cloud.store.update('messages', { _id: 's1' }, { _openid: ALICE, conversationId: 'c3' }, { replace: true });
    await eventually(() => feed.snapshots.length === 2);
    expect(feed.snapshots[1].docChanges[0]).toMatchObject({
      dataType: 'replace',
      queueType: 'dequeue',
      doc: { _id: 's1', _openid: ALICE, conversationId: 'c3' },
    });
    expect(feed.snapshots[1].docs).toEqual([]);
    expect(feed.errors).toEqual([]);
  });
});

describe('a limit window', () => {
  const at = (n: number): Record<string, unknown> => ({
    _id: `w${n}`,
    _openid: ALICE,
    conversationId: 'c1',
    createdAt: new Date(n * 1000),
  });
  const ids = (recording: Recording): unknown[] => [...recording.last()].sort();

  it('keeps the first `limit` documents in order as documents arrive, leave and move', async () => {
    await cloud.store.insert('messages', [at(1), at(2), at(3), at(4)]);
    const latest = watch(ALICE, {
      collectionName: 'messages',
      query: mine('c1'),
      orderBy: { createdAt: 'desc' },
      limit: 3,
    });
    await eventually(() => latest.snapshots.length === 1);
    expect(latest.last()).toEqual(['w4', 'w3', 'w2']);

    // A newer message pushes the oldest of the window out.
    await cloud.store.insert('messages', [at(5)]);
    await eventually(() => latest.snapshots.length === 2);
    expect(latest.snapshots[1].docChanges.map((c) => [c.dataType, c.queueType, c.docId])).toEqual([
      ['add', 'enqueue', 'w5'],
      ['limit', 'dequeue', 'w2'],
    ]);
    expect(ids(latest)).toEqual(['w3', 'w4', 'w5']);

    // A removal lets the next one outside come in.
    await cloud.store.remove('messages', { _id: 'w4' });
    await eventually(() => latest.snapshots.length === 3);
    expect(latest.snapshots[2].docChanges.map((c) => [c.dataType, c.queueType, c.docId])).toEqual([
      ['remove', 'dequeue', 'w4'],
      ['limit', 'enqueue', 'w2'],
    ]);
    expect(ids(latest)).toEqual(['w2', 'w3', 'w5']);

    // An update that sorts a document behind one outside swaps them.
    await cloud.store.update('messages', { _id: 'w3' }, { $set: { createdAt: new Date(0) } });
    await eventually(() => latest.snapshots.length === 4);
    expect(latest.snapshots[3].docChanges.map((c) => [c.dataType, c.queueType, c.docId])).toEqual([
      ['update', 'dequeue', 'w3'],
      ['limit', 'enqueue', 'w1'],
    ]);
    expect(ids(latest)).toEqual(['w1', 'w2', 'w5']);

    // An older message than the window holds changes nothing the watch shows.
    await cloud.store.insert('messages', [{ ...at(0.5), _id: 'w0' }]);
    await cloud.store.update('messages', { _id: 'w5' }, { $set: { text: 'edited' } });
    await eventually(() => latest.snapshots.length === 5);
    expect(latest.snapshots[4].docChanges.map((c) => [c.dataType, c.queueType, c.docId])).toEqual([
      ['update', 'update', 'w5'],
    ]);
    expect(latest.snapshots[4].id).toBe(latest.snapshots[3].id + 1);
  });
});

describe('a dropped connection', () => {
  it('reconnects and receives what it missed through REBUILD_WATCH', async () => {
    let release = (): void => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let holding = false;
    let signs = 0;
    const feed = watch(ALICE, { collectionName: 'messages', query: mine('c1') }, async (action) => {
      if (action !== 'auth.wsWebSign') return;
      signs++;
      if (holding) await held;
    });
    await eventually(() => feed.snapshots.length === 1);
    await cloud.store.insert('messages', [{ _id: 'd1', _openid: ALICE, conversationId: 'c1', text: 'before' }]);
    await eventually(() => feed.snapshots.length === 2);

    // The client may not reconnect until the test lets it: the writes happen while it is away.
    holding = true;
    const signsBefore = signs;
    expect(cloud.realtime.disconnect(ALICE)).toBe(1);
    await eventually(() => signs > signsBefore);
    await cloud.store.insert('messages', [{ _id: 'd2', _openid: ALICE, conversationId: 'c1', text: 'missed' }]);
    await cloud.store.update('messages', { _id: 'd1' }, { $set: { text: 'edited while away' } });
    expect(feed.snapshots).toHaveLength(2);
    release();

    await eventually(() => feed.snapshots.length === 4);
    expect(cloud.realtime.stats().rebuilds).toBeGreaterThanOrEqual(1);
    expect(feed.snapshots[2].docChanges[0]).toMatchObject({ dataType: 'add', docId: 'd2' });
    expect(feed.snapshots[3].docChanges[0]).toMatchObject({ dataType: 'update', docId: 'd1' });
    expect(feed.snapshots.map((snapshot) => snapshot.id)).toEqual([0, 1, 2, 3].map((n) => feed.snapshots[0].id + n));
    expect([...feed.last('text')].sort()).toEqual(['edited while away', 'missed']);

    // And it is live again.
    await cloud.store.insert('messages', [{ _id: 'd3', _openid: ALICE, conversationId: 'c1', text: 'after' }]);
    await eventually(() => feed.snapshots.length === 5);
    expect(feed.errors).toEqual([]);
  });
});

describe('a denied query', () => {
  it('fails with COLLECTION_PERMISSION_DENIED when it does not pin _openid to the caller, and sends nothing', async () => {
    await cloud.store.insert('messages', [{ _id: 'p1', _openid: BOB, conversationId: 'c1', text: 'private' }]);
    const [everything, bobs] = await Promise.all([
      watchApart(cloud, ALICE, 'messages', JSON.stringify({ conversationId: 'c1' })),
      watchApart(cloud, ALICE, 'messages', JSON.stringify({ _openid: BOB })),
    ]);
    for (const denied of [everything, bobs]) {
      expect(denied.errors.join(' ')).toContain('COLLECTION_PERMISSION_DENIED');
      expect(denied.snapshots).toEqual([]);
      // The real client also leaves its failed initWatch() promise unhandled.
      expect(denied.unhandled.join(' ')).toContain('COLLECTION_PERMISSION_DENIED');
    }
  });

  it('an unknown collection and a signed-out caller are refused too', async () => {
    const [nowhere, anonymous] = await Promise.all([
      watchApart(cloud, ALICE, 'nowhere', '{}'),
      watchApart(cloud, '', 'messages', mine('c1')),
    ]);
    expect(nowhere.errors.join(' ')).toContain('DATABASE_COLLECTION_NOT_EXIST');
    expect(anonymous.errors.join(' ')).toContain('COLLECTION_PERMISSION_DENIED');
  });
});
