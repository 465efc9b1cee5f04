/**
 * The oa function as WeChat's server URL, called over HTTP at /http/oa: the URL check, the three
 * message modes through the local WeChat server, and every hostile request refused with its
 * status, with no model call and nothing written.
 */
import { wechatMessages } from 'cloudbase-local';
import { textReply } from '../helpers/model-server';
import { OA, OA_AES_KEY, OA_TOKEN, oaRigForFile, write } from '../helpers/oa';

const { seal, signature, toXml } = wechatMessages;

jest.setTimeout(60_000);

const rig = oaRigForFile();

const nowSeconds = () => Math.floor(Date.now() / 1000);

function query(extra: Record<string, string> = {}, at = nowSeconds(), token = OA_TOKEN): URLSearchParams {
  const timestamp = String(at);
  const nonce = '1234567';
  return new URLSearchParams({ signature: signature([token, timestamp, nonce]), timestamp, nonce, ...extra });
}

function message(content = '你好', from = 'oa_dev_mallory'): string {
  return toXml([
    ['ToUserName', 'gh_test'],
    ['FromUserName', from],
    ['CreateTime', nowSeconds()],
    ['MsgType', 'text'],
    ['Content', content],
    ['MsgId', String(Date.now())],
  ]);
}

/** A safe-mode body and its query, sealed for `appid`. */
function encrypted(xml: string, appid = OA.appid, tamper = false): { params: URLSearchParams; body: string } {
  const sealed = seal(xml, OA_AES_KEY, appid);
  const params = query({ encrypt_type: 'aes' });
  const parts = [OA_TOKEN, params.get('timestamp') ?? '', params.get('nonce') ?? '', sealed];
  params.set('msg_signature', tamper ? signature([...parts, 'x']) : signature(parts));
  return {
    params,
    body: toXml([
      ['ToUserName', 'gh_test'],
      ['Encrypt', sealed],
    ]),
  };
}

async function post(params: URLSearchParams, body: string, method = 'POST') {
  const response = await fetch(`${rig().cloud.url}/http/oa?${params}`, {
    method,
    headers: { 'content-type': 'text/xml' },
    ...(method === 'GET' ? {} : { body }),
  });
  return { status: response.status, text: await response.text() };
}

async function written(): Promise<number> {
  const counts = await Promise.all(
    ['oa_inbox', 'oa_followers', 'messages', 'conversations'].map((name) => rig().cloud.store.count(name, {})),
  );
  return counts.reduce((a, b) => a + b, 0);
}

describe('the server URL check (GET)', () => {
  it('echoes echostr when the signature is ours, and refuses otherwise', async () => {
    expect(await post(query({ echostr: 'echo-123' }), '', 'GET')).toEqual({ status: 200, text: 'echo-123' });
    const bad = query({ echostr: 'echo-123' }, nowSeconds(), 'not-our-token');
    expect((await post(bad, '', 'GET')).status).toBe(403);
    expect((await post(query(), '', 'PUT')).status).toBe(405);
  });
});

describe('hostile requests', () => {
  const cases: Array<[string, () => { params: URLSearchParams; body: string }, number]> = [
    ['a wrong signature', () => ({ params: query({}, nowSeconds(), 'wrong'), body: message() }), 403],
    ['a wrong msg_signature', () => encrypted(message(), OA.appid, true), 403],
    ['a timestamp 6 minutes old', () => ({ params: query({}, nowSeconds() - 360), body: message() }), 403],
    ['a timestamp 6 minutes ahead', () => ({ params: query({}, nowSeconds() + 360), body: message() }), 403],
    [
      'a DOCTYPE with an external entity (XXE)',
      () => ({
        params: query(),
        body: '<!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]><xml><Content>&x;</Content></xml>',
      }),
      400,
    ],
    ['an undeclared entity', () => ({ params: query(), body: message().replace('<![CDATA[你好]]>', '&lol;') }), 400],
    ['a body over 64 KB', () => ({ params: query(), body: message('长'.repeat(22_000)) }), 413],
    ['malformed XML', () => ({ params: query(), body: '<xml><Content>unclosed' }), 400],
    ['a message sealed for another appid', () => encrypted(message(), 'wx-not-ours'), 403],
    ['an encrypted DOCTYPE', () => encrypted('<!DOCTYPE xml [<!ENTITY x "y">]><xml><A>&x;</A></xml>'), 400],
    [
      'garbage in Encrypt',
      () => {
        const params = query({ encrypt_type: 'aes' });
        const junk = 'bm90IGVuY3J5cHRlZA==';
        params.set(
          'msg_signature',
          signature([OA_TOKEN, params.get('timestamp') ?? '', params.get('nonce') ?? '', junk]),
        );
        return { params, body: toXml([['Encrypt', junk]]) };
      },
      400,
    ],
  ];

  it.each(cases)('%s is refused with its status; no model call, nothing written', async (_name, make, status) => {
    const before = rig().model.requests.length;
    const { params, body } = make();
    const answer = await post(params, body);
    expect(answer.status).toBe(status);
    expect(rig().model.requests).toHaveLength(before);
    expect(await written()).toBe(0);
  });
});

describe('the three message modes', () => {
  afterEach(async () => {
    await fetch(`${rig().cloud.url}/_/api/oa/server`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ mode: 'safe', encodingAESKey: OA_AES_KEY }),
    });
  });

  it.each(['plaintext', 'compatible', 'safe'] as const)(
    '%s: answered, the reply sealed when the message was',
    async (mode) => {
      const settings = await fetch(`${rig().cloud.url}/_/api/oa/server`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ mode }),
      });
      expect(((await settings.json()) as { server: { mode: string } }).server.mode).toBe(mode);
      const openid = `dev_mode_${mode}`;
      await write(rig().cloud, { openid, event: 'subscribe' });
      rig().model.script(textReply(`${mode} 模式的回答`));
      const delivery = await write(rig().cloud, { openid, content: '你好' });
      expect(delivery.tries).toHaveLength(1);
      expect(delivery.reply?.content).toBe(`${mode} 模式的回答`);
      expect(delivery.tries[0].body.includes('<Encrypt>')).toBe(mode !== 'plaintext');
    },
  );
});
