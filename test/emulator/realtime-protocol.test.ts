/**
 * The realtime protocol frame by frame, with a plain WebSocket: the answers the real client relies
 * on (and the errors it never provokes on its own), the sign request, and the watch limits.
 */
import WebSocket from 'ws';
import type { LocalCloud } from '../../packages/cloudbase-local/src';
import { FIXTURE_DATABASE, postJson, startTestCloud } from '../fixtures/emulator/harness';
import { eventually } from '../helpers/eventually';

jest.setTimeout(60_000);

const ALICE = 'dev_alice';
const BOB = 'dev_bob';

let cloud: LocalCloud;
const sockets: Socket[] = [];

beforeAll(async () => {
  cloud = await startTestCloud({ databaseDir: FIXTURE_DATABASE, functionsPrewarm: false });
}, 120_000);

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.ws.close();
  await eventually(() => cloud.realtime.stats().connections === 0);
  for (const name of ['messages', 'profiles', 'board']) await cloud.store.remove(name, {});
});

afterAll(async () => {
  await cloud?.close();
});

type Frame = { watchId?: string; requestId: string; msgType: string; msgData: Record<string, unknown> | null };

interface Socket {
  ws: WebSocket;
  frames: Frame[];
  send(frame: Record<string, unknown>): void;
  /** The first frame answering `requestId` (or the first of `msgType` when given). */
  answer(requestId: string): Promise<Frame>;
  next(predicate: (frame: Frame) => boolean): Promise<Frame>;
}

let requests = 0;
const rid = (): string => `r${++requests}`;

async function connect(openid?: string): Promise<Socket> {
  const ws = new WebSocket(`${cloud.url.replace('http', 'ws')}/realtime${openid ? `?openid=${openid}` : ''}`);
  const frames: Frame[] = [];
  ws.on('message', (data) => frames.push(JSON.parse(String(data)) as Frame));
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const next = async (predicate: (frame: Frame) => boolean): Promise<Frame> => {
    await eventually(() => frames.some(predicate));
    return frames.find(predicate) as Frame;
  };
  const socket: Socket = {
    ws,
    frames,
    send: (frame) => ws.send(JSON.stringify(frame)),
    answer: (requestId) => next((frame) => frame.requestId === requestId),
    next,
  };
  sockets.push(socket);
  return socket;
}

async function login(socket: Socket): Promise<void> {
  const requestId = rid();
  socket.send({ requestId, msgType: 'LOGIN', msgData: { envId: 'local', accessToken: '', referrer: 'web' } });
  expect(await socket.answer(requestId)).toMatchObject({ msgType: 'LOGIN_RES', msgData: { envId: 'local' } });
}

async function initWatch(socket: Socket, watchId: string, msgData: Record<string, unknown>): Promise<Frame> {
  const requestId = rid();
  socket.send({ watchId, requestId, msgType: 'INIT_WATCH', msgData: { envId: 'local', ...msgData } });
  return socket.answer(requestId);
}

it('auth.wsWebSign answers the socket URL with the caller in it', async () => {
  const { body } = await postJson(
    `${cloud.url}/web`,
    { action: 'auth.wsWebSign', runtime: 'web' },
    { 'x-wx-openid': ALICE },
  );
  expect(body.data).toMatchObject({
    envId: 'local',
    wsUrl: `${cloud.url.replace('http', 'ws')}/realtime?openid=${ALICE}`,
    signStr: expect.any(String),
  });
});

it('answers PING with PONG, and refuses watch requests before LOGIN', async () => {
  const socket = await connect(ALICE);
  socket.send({ requestId: 'p1', msgType: 'PING', msgData: null });
  expect(await socket.answer('p1')).toMatchObject({ msgType: 'PONG' });
  const early = await initWatch(socket, 'w1', { collName: 'messages', query: '{}' });
  expect(early).toMatchObject({ watchId: 'w1', msgType: 'ERROR', msgData: { code: 'CHECK_LOGIN_FAILED' } });
});

it('answers malformed frames with an ERROR naming the problem, and keeps the connection', async () => {
  const socket = await connect(ALICE);
  await login(socket);
  socket.send({ requestId: 'bad1', msgType: 'INIT_WATCH', msgData: { collName: 'messages' } });
  expect((await socket.answer('bad1')).msgData).toMatchObject({
    code: 'INVALID_PARAM',
    message: expect.stringContaining('watchId'),
  });
  socket.send({
    watchId: 'w',
    requestId: 'bad2',
    msgType: 'INIT_WATCH',
    msgData: { collName: 'messages', query: '{' },
  });
  expect((await socket.answer('bad2')).msgData).toMatchObject({ code: 'INVALID_PARAM' });
  socket.send({ watchId: 'w', requestId: 'bad3', msgType: 'SUBSCRIBE', msgData: {} });
  expect((await socket.answer('bad3')).msgData).toMatchObject({ message: expect.stringContaining('SUBSCRIBE') });
  const tooMany = await initWatch(socket, 'w', { collName: 'messages', query: '{}', limit: 5001 });
  expect(tooMany.msgData).toMatchObject({ code: 'INVALID_PARAM', message: expect.stringContaining('5000') });
  socket.send({ requestId: 'p', msgType: 'PING', msgData: null });
  expect(await socket.answer('p')).toMatchObject({ msgType: 'PONG' });
});

it('CHECK_LAST answers the current event id; one commit of several documents is one frame', async () => {
  const socket = await connect(ALICE);
  await login(socket);
  const init = await initWatch(socket, 'w1', { collName: 'messages', query: JSON.stringify({ _openid: '{openid}' }) });
  const queryID = String(init.msgData?.queryID);
  expect(init.msgData).toMatchObject({ currEvent: 0, events: [] });

  await cloud.store.insert('messages', [
    { _id: 'a', _openid: ALICE, n: 1 },
    { _id: 'b', _openid: ALICE, n: 2 },
    { _id: 'c', _openid: BOB, n: 3 },
  ]);
  const pushed = await socket.next((frame) => frame.msgType === 'NEXT_EVENT');
  const events = pushed.msgData?.events as Array<Record<string, unknown>>;
  expect(events.map((event) => [event.ID, event.DataType, event.QueueType, event.DocID])).toEqual([
    [1, 'add', 'enqueue', 'a'],
    [2, 'add', 'enqueue', 'b'],
  ]);
  expect(pushed).toMatchObject({ watchId: 'w1', msgData: { queryID, currEvent: 2 } });
  expect(JSON.parse(String(events[0].Doc))).toEqual({ _id: 'a', _openid: ALICE, n: 1 });

  socket.send({ watchId: 'w1', requestId: 'c1', msgType: 'CHECK_LAST', msgData: { queryID, eventID: 2 } });
  expect(await socket.answer('c1')).toMatchObject({ msgType: 'CHECK_EVENT', msgData: { queryID, currEvent: 2 } });

  // REBUILD_WATCH from an older event gives the events after it again.
  socket.send({ watchId: 'w1', requestId: 'rb', msgType: 'REBUILD_WATCH', msgData: { queryID, eventID: 1 } });
  const rebuilt = await socket.answer('rb');
  expect(rebuilt.msgType).toBe('NEXT_EVENT');
  expect((rebuilt.msgData?.events as Array<Record<string, unknown>>).map((event) => event.DocID)).toEqual(['b']);
});

it('another user cannot rebuild or check a watch by its queryID, and a closed watch is gone', async () => {
  const alice = await connect(ALICE);
  await login(alice);
  const init = await initWatch(alice, 'w1', { collName: 'messages', query: JSON.stringify({ _openid: ALICE }) });
  const queryID = String(init.msgData?.queryID);
  const bob = await connect(BOB);
  await login(bob);
  bob.send({ watchId: 'w9', requestId: 'steal', msgType: 'REBUILD_WATCH', msgData: { queryID, eventID: 0 } });
  expect((await bob.answer('steal')).msgData).toMatchObject({ code: 'QUERYID_INVALID_ERROR' });
  bob.send({ watchId: 'w9', requestId: 'peek', msgType: 'CHECK_LAST', msgData: { queryID, eventID: 0 } });
  expect((await bob.answer('peek')).msgData).toMatchObject({ code: 'QUERYID_INVALID_ERROR' });

  // Watches of earlier cases wait for their dropped clients; this one goes at once.
  const watches = cloud.realtime.stats().watches;
  alice.send({ watchId: 'w1', requestId: 'close', msgType: 'CLOSE_WATCH', msgData: null });
  await eventually(() => cloud.realtime.stats().watches === watches - 1);
  alice.send({ watchId: 'w1', requestId: 'again', msgType: 'REBUILD_WATCH', msgData: { queryID, eventID: 0 } });
  expect((await alice.answer('again')).msgData).toMatchObject({ code: 'QUERYID_INVALID_ERROR' });
});

it('a watch of one document by _id is judged by that document', async () => {
  await cloud.store.insert('profiles', [
    { _id: ALICE, name: 'Alice' },
    { _id: BOB, name: 'Bob' },
  ]);
  const socket = await connect(ALICE);
  await login(socket);
  const own = await initWatch(socket, 'w1', { collName: 'profiles', query: JSON.stringify({ _id: ALICE }) });
  expect(own.msgType).toBe('INIT_EVENT');
  const other = await initWatch(socket, 'w2', { collName: 'profiles', query: JSON.stringify({ _id: BOB }) });
  expect(other.msgData).toMatchObject({ code: 'COLLECTION_PERMISSION_DENIED' });
  // A public collection needs no condition at all.
  const board = await initWatch(socket, 'w3', { collName: 'board', query: '{}' });
  expect(board.msgType).toBe('INIT_EVENT');
});

it('a watch without a limit fails beyond 5000 documents', async () => {
  const docs = Array.from({ length: 5001 }, (_, i) => ({ _id: `n${i}`, _openid: ALICE }));
  await cloud.store.insert('messages', docs);
  const socket = await connect(ALICE);
  await login(socket);
  const init = await initWatch(socket, 'w1', { collName: 'messages', query: JSON.stringify({ _openid: ALICE }) });
  expect(init.msgData).toMatchObject({ code: 'WATCH_LIMIT_EXCEEDED' });
  const windowed = await initWatch(socket, 'w2', {
    collName: 'messages',
    query: JSON.stringify({ _openid: ALICE }),
    limit: 10,
    orderBy: { _id: 'desc' },
  });
  expect((windowed.msgData?.events as Array<Record<string, unknown>>).map((event) => event.DocID)).toEqual(
    docs
      .map((doc) => doc._id)
      .sort()
      .reverse()
      .slice(0, 10),
  );
});
