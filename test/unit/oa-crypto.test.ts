/**
 * The Official Account's message security, checked against WxJava's public test vector, on both
 * sides: the oa function's (server/oa) and the local WeChat server's (cloudbase-local's wechatMessages).
 */
import { wechatMessages } from 'cloudbase-local';
import { splitText, TEXT_BYTES } from '../../server/oa/answers';
import { CryptoError, isEncodingAesKey, MessageCipher, sameSignature, sign } from '../../server/oa/crypto';
import { buildXml, parseMessage, XmlError } from '../../server/oa/xml';

const { seal, signature, unseal, readXml, toXml } = wechatMessages;

// WxJava's WxCryptUtilTest (the same vector as WeChat's own cryptoDemo).
const TOKEN = 'pamtest';
const KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const APPID = 'wxb11529c136998cb6';
const RANDOM = Buffer.from('aaaabbbbccccdddd');
const MESSAGE = '我是中文abcd123';
const ENCRYPTED = 'jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg==';

describe('safe-mode encryption', () => {
  it('gives the WxJava vector, and opens it, on both sides', () => {
    const cipher = new MessageCipher(KEY, APPID);
    expect(cipher.encrypt(MESSAGE, RANDOM)).toBe(ENCRYPTED);
    expect(cipher.decrypt(ENCRYPTED)).toEqual({ message: MESSAGE, appid: APPID });
    expect(seal(MESSAGE, KEY, APPID, RANDOM)).toBe(ENCRYPTED);
    expect(unseal(ENCRYPTED, KEY)).toEqual({ message: MESSAGE, appid: APPID });
  });

  it('round-trips any length (PKCS#7 to 32 bytes) with fresh random bytes each time', () => {
    const cipher = new MessageCipher(KEY, APPID);
    for (let n = 0; n < 70; n++) {
      const text = `中文${'x'.repeat(n)}`;
      const sealed = seal(text, KEY, APPID);
      expect(Buffer.from(sealed, 'base64').length % 32).toBe(0);
      expect(cipher.decrypt(sealed).message).toBe(text);
      expect(unseal(cipher.encrypt(text), KEY).message).toBe(text);
    }
    expect(cipher.encrypt(MESSAGE)).not.toBe(cipher.encrypt(MESSAGE));
  });

  it('refuses what was not sealed with the key, and tells the appid it was sealed for', () => {
    const cipher = new MessageCipher(KEY, APPID);
    expect(() => cipher.decrypt('bm90IGEgY2lwaGVydGV4dA==')).toThrow(CryptoError);
    const other = new MessageCipher('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopq', APPID).encrypt(MESSAGE);
    expect(() => cipher.decrypt(other)).toThrow(CryptoError);
    expect(cipher.decrypt(seal(MESSAGE, KEY, 'wx-someone-else')).appid).toBe('wx-someone-else');
  });

  it('checks keys: 43 base64 characters', () => {
    expect(isEncodingAesKey(KEY)).toBe(true);
    expect(isEncodingAesKey(KEY.slice(1))).toBe(false);
    expect(isEncodingAesKey(`${KEY.slice(1)}!`)).toBe(false);
    expect(() => new MessageCipher('short', APPID)).toThrow(CryptoError);
  });
});

describe('signatures', () => {
  it('are sha1 of the sorted parts, the same on both sides', () => {
    const expected = sign(TOKEN, '1409304348', 'xxxxxx');
    expect(expected).toBe(signature(['xxxxxx', TOKEN, '1409304348']));
    expect(expected).toMatch(/^[0-9a-f]{40}$/);
    expect(sign(TOKEN, '1409304348', 'xxxxxx', ENCRYPTED)).toBe(signature([TOKEN, '1409304348', 'xxxxxx', ENCRYPTED]));
    expect(sameSignature(expected, expected)).toBe(true);
    expect(sameSignature(expected, expected.toUpperCase())).toBe(true);
    expect(sameSignature(expected, `${expected.slice(1)}0`)).toBe(false);
    expect(sameSignature(expected, undefined)).toBe(false);
  });
});

describe('message XML', () => {
  const message = toXml([
    ['ToUserName', 'gh_123'],
    ['FromUserName', 'oa_fan'],
    ['CreateTime', 1700000000],
    ['MsgType', 'text'],
    ['Content', 'a]]>b & <中文>'],
    ['MsgId', '9876543210987654321'],
  ]);

  it('reads what WeChat writes: CDATA, bare numbers, 64-bit MsgIds as text', () => {
    expect(parseMessage(message)).toEqual({
      ToUserName: 'gh_123',
      FromUserName: 'oa_fan',
      CreateTime: '1700000000',
      MsgType: 'text',
      Content: 'a]]>b & <中文>',
      MsgId: '9876543210987654321',
    });
    expect(
      readXml(
        buildXml([
          ['Content', 'x]]>y'],
          ['CreateTime', 1],
        ]),
      ),
    ).toEqual({ Content: 'x]]>y', CreateTime: '1' });
    expect(parseMessage('<xml><A>1</A><B><C>2</C></B></xml>')).toEqual({ A: '1', B: '', 'B.C': '2' });
  });

  it.each([
    ['a DOCTYPE with an entity (XXE)', '<!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]><xml><A>&x;</A></xml>'],
    ['a DOCTYPE alone', '<!DOCTYPE xml><xml><A>1</A></xml>'],
    ['an undeclared entity', '<xml><A>&x;</A></xml>'],
    ['an unclosed element', '<xml><A>1</A>'],
    ['text after the root', '<xml><A>1</A></xml>tail'],
    ['another root', '<root><A>1</A></root>'],
    ['a field twice', '<xml><FromUserName>a</FromUserName><FromUserName>b</FromUserName></xml>'],
    ['not XML', 'hello'],
  ])('refuses %s', (_name, xml) => {
    expect(() => parseMessage(xml)).toThrow(XmlError);
  });
});

describe('splitting answers into messages', () => {
  it('keeps each part within 2048 bytes of UTF-8, preferring line breaks, losing nothing', () => {
    const text = Array.from({ length: 60 }, (_, i) => `第${i}行：${'四象限'.repeat(10)}`).join('\n');
    const parts = splitText(text);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(Buffer.byteLength(part)).toBeLessThanOrEqual(TEXT_BYTES);
    expect(parts.join('\n')).toBe(text);
    expect(splitText('短')).toEqual(['短']);
    const emoji = '😀'.repeat(1000);
    expect(splitText(emoji).join('')).toBe(emoji);
  });
});
