/**
 * The inspector's fault views, generic over any app: documents that record a fault (an `error` or
 * `*Error` with a code or errcode, an `invalid` marker, a `repairedAt`) grouped by collection and
 * code with the filter that lists each group; invocations filtered by a code their logs start
 * with; and a timer run's counts as one readable line.
 */
import type { LocalCloud } from '../../packages/cloudbase-local/src';
import { findingsOf, SCAN_LIMIT, type ProblemGroup } from '../../packages/cloudbase-local/src/database/problems';
import { logCode } from '../../packages/cloudbase-local/src/functions/log-codes';
import { resultSummary } from '../../packages/cloudbase-local/src/inspector/page/summary';
import { getJson, postJson, startTestCloud } from '../fixtures/emulator/harness';

jest.setTimeout(30_000);

let cloud: LocalCloud;

beforeAll(async () => {
  cloud = await startTestCloud({ databaseDir: false });
}, 120_000);

afterAll(async () => {
  await cloud?.close();
});

const api = (path: string): string => `${cloud.url}/_/api/${path}`;

type Group = Omit<ProblemGroup, 'docs'> & {
  docs: Array<{ id: string; message?: string; updatedAt?: { $date: string } }>;
};

describe('what counts as a recorded fault', () => {
  it.each([
    ['an error with a code', { error: { code: 'INTERRUPTED', message: 'stopped' } }, ['error', 'INTERRUPTED']],
    ['a *Error field', { remindError: { code: 'INVALID_DOCUMENT' } }, ['remindError', 'INVALID_DOCUMENT']],
    ['a WeChat errcode without a code', { error: { errcode: 43101, errmsg: 'refused' } }, ['error', 'errcode 43101']],
    ['one level down', { reply: { lastError: { code: 'WRITE_FAILED' } } }, ['reply.lastError', 'WRITE_FAILED']],
    ['an invalid marker', { invalid: { reason: 'x' } }, ['invalid', 'invalid']],
    ['a repair', { repairedAt: new Date() }, ['repairedAt', 'repaired']],
  ])('%s', (_label, doc, [field, code]) => {
    expect(findingsOf({ _id: 'd', ...doc }).map((f) => [f.field, f.code])).toEqual([[field, code]]);
  });

  it.each([
    ['no error', { title: 'fine' }],
    ['an error of null', { error: null }],
    ['an error without a code', { error: { message: 'no code' } }],
    ['errcode 0 (success)', { error: { errcode: 0 } }],
    ['invalid: false', { invalid: false }],
    ['a field merely containing "error"', { errorCount: { code: 'X' }, terror: { code: 'Y' } }],
    ['two levels down', { a: { b: { error: { code: 'DEEP' } } } }],
  ])('not %s', (_label, doc) => {
    expect(findingsOf({ _id: 'd', ...doc })).toEqual([]);
  });
});

describe('GET /_/api/problems', () => {
  beforeAll(async () => {
    await cloud.store.insert('tasks', [
      { _id: 't1', title: 'ok' },
      { _id: 't2', title: 'bad', remindError: { code: 'INVALID_DOCUMENT', message: 'title must be a string' } },
      {
        _id: 't3',
        title: 'bad too',
        remindError: { code: 'INVALID_DOCUMENT' },
        updatedAt: new Date('2026-12-07T01:00:00Z'),
      },
      { _id: 't4', title: 'send refused', remindError: { code: 'SEND_FAILED', errcode: 43101 } },
    ]);
    await cloud.store.insert('replies', [
      { _id: 'r1', status: 'failed', error: { code: 'INTERRUPTED', message: 'The reply stopped.' } },
      { _id: 'r2', status: 'done', error: null },
    ]);
    await cloud.store.insert('counters', [
      { _id: 'c1', n: 1, repairedAt: new Date('2026-12-07T02:00:00Z') },
      { _id: 'c2', n: 2, invalid: { reason: 'n must be a number' } },
      { _id: 'c3', n: 3, invalid: false, repairedAt: null },
    ]);
  });

  it('groups the faulty documents by collection, field and code, newest first, with their messages', async () => {
    const { status, body } = await getJson(api('problems'));
    expect(status).toBe(200);
    expect(body).toMatchObject({ scanned: 9, scanLimit: SCAN_LIMIT, truncated: [] });
    const groups = (body.groups as Group[]).map(({ collection, field, code, count, docs }) => ({
      collection,
      field,
      code,
      count,
      ids: docs.map((d) => d.id),
    }));
    expect(groups).toEqual([
      { collection: 'counters', field: 'invalid', code: 'invalid', count: 1, ids: ['c2'] },
      { collection: 'counters', field: 'repairedAt', code: 'repaired', count: 1, ids: ['c1'] },
      { collection: 'replies', field: 'error', code: 'INTERRUPTED', count: 1, ids: ['r1'] },
      { collection: 'tasks', field: 'remindError', code: 'SEND_FAILED', count: 1, ids: ['t4'] },
      { collection: 'tasks', field: 'remindError', code: 'INVALID_DOCUMENT', count: 2, ids: ['t3', 't2'] },
    ]);
    const invalid = (body.groups as Group[]).find((g) => g.code === 'INVALID_DOCUMENT');
    expect(invalid?.docs).toEqual([
      { id: 't3', updatedAt: { $date: '2026-12-07T01:00:00.000Z' } },
      { id: 't2', message: 'title must be a string' },
    ]);
  });

  it('gives each group the filter that lists exactly it in the documents view', async () => {
    const { body } = await getJson(api('problems'));
    for (const group of body.groups as Group[]) {
      const listed = await getJson(
        api(`collections/${group.collection}/docs?where=${encodeURIComponent(group.where)}`),
      );
      expect(listed.status).toBe(200);
      expect((listed.body.docs as Array<{ _id: string }>).map((d) => d._id).sort()).toEqual(
        group.docs.map((d) => d.id).sort(),
      );
    }
  });

  it('answers an empty list when nothing records a fault, and refuses other methods', async () => {
    await postJson(api('clear'), { confirm: 'clear all data' });
    expect((await getJson(api('problems'))).body).toMatchObject({ scanned: 0, groups: [] });
    expect((await fetch(api('problems'), { method: 'POST' })).status).toBe(404);
  });
});

describe('invocations by the code their logs start with', () => {
  it.each([
    ['INVALID_DOCUMENT: todos/a skipped', 'INVALID_DOCUMENT'],
    ['chat sweep: INTERRUPTED: messages/m ended', 'INTERRUPTED'],
    ['oa: WRITE_FAILED:', 'WRITE_FAILED'],
    ['replying with {"ok":true}', undefined],
    ['Error: boom', undefined],
    ['OK: fine', undefined],
    ['a long sentence that mentions INVALID_DOCUMENT: in the middle', undefined],
  ])('%s', (line, code) => {
    expect(logCode(line)).toBe(code);
  });

  it('filters by one code or by any code', async () => {
    const call = (event: unknown): ReturnType<typeof postJson> =>
      postJson(`${cloud.url}/functions/reply`, event, { 'x-wx-openid': 'o-codes' });
    await call({ logs: ['INVALID_DOCUMENT: tasks/t9 skipped: title must be a string'], reply: { ok: true } });
    await call({ logs: ['sweep: INTERRUPTED: replies/r9 ended'], reply: { ok: true } });
    await call({ logs: ['nothing wrong here'], reply: { ok: true } });
    const logged = async (code: string): Promise<string[]> =>
      (
        (await getJson(api(`invocations?function=reply&code=${encodeURIComponent(code)}`))).body.invocations as Array<{
          logs: Array<{ text: string }>;
        }>
      ).map((r) => r.logs[0].text);
    expect(await logged('INVALID_DOCUMENT')).toEqual(['INVALID_DOCUMENT: tasks/t9 skipped: title must be a string']);
    expect(await logged('*')).toEqual([
      'sweep: INTERRUPTED: replies/r9 ended',
      'INVALID_DOCUMENT: tasks/t9 skipped: title must be a string',
    ]);
    expect(await logged('NO_SUCH_CODE')).toEqual([]);
  });
});

describe("a timer run's answer in one line", () => {
  it.each([
    [
      'the counts of a sweep, non-zero first, false flags left out',
      { due: 3, claimed: 3, sent: 2, failed: 0, invalid: 1, deferred: false },
      'due 3 · claimed 3 · sent 2 · invalid 1',
    ],
    [
      'inside the error contract',
      { ok: true, data: { lapsed: 1, interrupted: 1, deferred: true } },
      'lapsed 1 · interrupted 1 · deferred',
    ],
    ['one level of nesting', { remind: { sent: 1 }, sweep: { removed: 0 } }, 'remind.sent 1'],
    ['a run with nothing to do', { due: 0, sent: 0 }, 'nothing to do (every count 0)'],
  ])('%s', (_label, result, line) => {
    expect(resultSummary(result)).toBe(line);
  });

  it.each([
    ['a list', { ok: true, data: { items: [1, 2], nextCursor: null } }],
    ['a refusal', { ok: false, code: 'INVALID_ARGUMENT', message: 'x' }],
    ['text', 'done'],
    ['nothing', undefined],
    ['flags without a count', { ok: true, data: { done: true } }],
  ])('none for %s', (_label, result) => {
    expect(resultSummary(result)).toBeUndefined();
  });
});
