/**
 * access_token central control against the local WeChat server: every caller is its own
 * TokenCenter (as each function instance is), sharing only the database through wx-server-sdk.
 */
import type { LocalCloud } from 'cloudbase-local';
import { OaApi } from '../../server/oa/api';
import { TokenCenter } from '../../server/oa/token';
import type { Database } from '../../server/db';
import { loadSdk } from '../fixtures/emulator/harness';
import { startTestCloud } from '../helpers/local-cloud';

jest.setTimeout(60_000);

const OA = { appid: 'wx-oa-token', secret: 'oa-token-secret-not-real' };
let cloud: LocalCloud;
let db: Database;
let account: { appid: string; secret: string; apiBase: string };
// WeChat's clock runs ahead when a test moves it (force_refresh is a no-op within 30 s of the last).
let ahead = 0;

beforeAll(async () => {
  cloud = await startTestCloud({ wechat: { officialAccount: OA, now: () => Date.now() + ahead } });
  db = loadSdk(cloud).database();
  account = { ...OA, apiBase: `${cloud.url}/wxapi` };
}, 60_000);
afterAll(() => cloud?.close());

beforeEach(async () => {
  await cloud.store.remove('oa_accounts', {}, { multi: true });
  cloud.outbox.clear();
});

const fetches = () => cloud.outbox.list({ apiName: 'cgi-bin/stable_token' });

it('ten concurrent callers with a cold cache cause exactly one fetch, and all get that token', async () => {
  const callers = Array.from({ length: 10 }, () => new TokenCenter(db, account));
  const tokens = await Promise.all(callers.map((caller) => caller.token()));
  expect(new Set(tokens).size).toBe(1);
  expect(fetches()).toHaveLength(1);
  // Warm: no further fetch.
  await Promise.all(callers.map((caller) => caller.token()));
  expect(fetches()).toHaveLength(1);
});

it('ten callers finding the stored token expired: one refresher takes the lease, the rest wait for it', async () => {
  const first = await new TokenCenter(db, account).token();
  await new TokenCenter(db, account).expire(first);
  cloud.outbox.clear();
  ahead += 31_000;
  const tokens = await Promise.all(Array.from({ length: 10 }, () => new TokenCenter(db, account).token()));
  expect(new Set(tokens).size).toBe(1);
  expect(tokens[0]).not.toBe(first);
  // One refresher: asked once, then forced (WeChat still held the expired token valid).
  expect(fetches().map((e) => e.payload.force_refresh)).toEqual([undefined, true]);
});

it('expires a refused token only while it is still the stored one (compare-and-expire)', async () => {
  const a = new TokenCenter(db, account);
  const b = new TokenCenter(db, account);
  const first = await a.token();
  expect(await b.expire(first)).toBe(true);
  ahead += 31_000;
  // WeChat still thinks the first token valid, so the refresher forces a new one.
  const second = await b.token();
  expect(second).not.toBe(first);
  expect(fetches().map((e) => e.payload.force_refresh)).toEqual([undefined, undefined, true]);
  // A late report about the first token changes nothing: the second one stays.
  expect(await a.expire(first)).toBe(false);
  expect(await a.token()).toBe(second);
  expect(fetches()).toHaveLength(3);
});

it('a call refused with 40001 expires the token, refreshes it and is made once more', async () => {
  const api = new OaApi(db, account);
  const old = await api.tokens.token();
  cloud.wechat.follow('dev_token_fan');
  // Another system forces a refresh: the token we hold is revoked (40001).
  ahead += 31_000;
  const forced = await fetch(`${cloud.url}/wxapi/cgi-bin/stable_token`, {
    method: 'POST',
    body: JSON.stringify({ grant_type: 'client_credential', ...OA, force_refresh: true }),
  });
  const fresh = ((await forced.json()) as { access_token: string }).access_token;
  expect(fresh).not.toBe(old);
  const info = await api.userInfo('oa_dev_token_fan');
  expect(info).toEqual({ openid: 'oa_dev_token_fan', subscribed: true, unionid: 'un_dev_token_fan' });
  const calls = cloud.outbox.list({ apiName: 'cgi-bin/user/info' });
  expect(calls.map((c) => c.result.errcode ?? 0)).toEqual([40001, 0]);
  expect(calls[1].payload.access_token).toBe(fresh);
});

it('backs off and retries when WeChat is busy (-1)', async () => {
  cloud.outbox.failNext({ apiName: 'cgi-bin/stable_token', errcode: -1 });
  cloud.outbox.failNext({ apiName: 'cgi-bin/stable_token', errcode: -1 });
  const token = await new TokenCenter(db, account).token();
  expect(token).toEqual(expect.any(String));
  expect(fetches().map((e) => e.result.errcode ?? 0)).toEqual([-1, -1, 0]);
});

it('looks up followers 100 at a time (user/info/batchget)', async () => {
  const openids = Array.from({ length: 150 }, (_, i) => {
    cloud.wechat.follow(`dev_batch_${i}`);
    return `oa_dev_batch_${i}`;
  });
  const infos = await new OaApi(db, account).usersInfo(openids);
  expect(infos).toHaveLength(150);
  expect(infos[149]).toEqual({ openid: 'oa_dev_batch_149', subscribed: true, unionid: 'un_dev_batch_149' });
  const batches = cloud.outbox.list({ apiName: 'cgi-bin/user/info/batchget' });
  expect(batches.map((b) => (b.payload.user_list as unknown[]).length)).toEqual([100, 50]);
});

it('an account document broken by hand is replaced and marked, and callers get a token instead of waiting on it', async () => {
  // A lease that can never lapse (leaseUntil is no date) would keep every caller waiting 15 s, then failing.
  await cloud.store.insert('oa_accounts', [
    { _id: OA.appid, token: 42, expiresAt: 'never', leaseId: 'held', leaseUntil: 'forever', refreshedAt: null },
  ]);
  const logged: string[] = [];
  const callers = Array.from(
    { length: 3 },
    () => new TokenCenter(db, account, { log: (message) => void logged.push(message) }),
  );
  const tokens = await Promise.all(callers.map((caller) => caller.token()));
  expect(new Set(tokens).size).toBe(1);
  expect(typeof tokens[0]).toBe('string');
  const [stored] = await cloud.store.find('oa_accounts', { _id: OA.appid });
  expect(stored).toMatchObject({ token: tokens[0], invalid: { code: 'INVALID_DOCUMENT' } });
  expect(logged.some((line) => line.startsWith(`oa: INVALID_DOCUMENT: oa_accounts/${OA.appid}`))).toBe(true);
});
