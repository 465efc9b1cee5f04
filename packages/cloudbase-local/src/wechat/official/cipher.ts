/**
 * WeChat's side of the Official Account's message security (消息加解密): the signatures on the
 * server URL's query and the safe-mode envelope. key = base64(EncodingAESKey + "="), IV = its
 * first 16 bytes; AES-256-CBC over random(16) | length(4, big-endian) | message | appid, padded
 * PKCS#7-style to a multiple of 32 bytes.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const PAD_TO = 32;

export function signature(parts: readonly string[]): string {
  const hash = createHash('sha1');
  for (const part of [...parts].sort()) hash.update(part);
  return hash.digest('hex');
}

function keyOf(encodingAESKey: string): Buffer {
  const key = Buffer.from(`${encodingAESKey}=`, 'base64');
  if (encodingAESKey.length !== 43 || key.length !== 32) throw new Error('an EncodingAESKey is 43 base64 characters');
  return key;
}

/** The Encrypt text WeChat sends (and expects back): `message` sealed for `appid`. */
export function seal(message: string, encodingAESKey: string, appid: string, random = randomBytes(16)): string {
  const key = keyOf(encodingAESKey);
  const text = Buffer.from(message);
  const header = Buffer.alloc(20);
  random.copy(header, 0, 0, 16);
  header.writeUInt32BE(text.length, 16);
  const unpadded = Buffer.concat([header, text, Buffer.from(appid)]);
  const fill = PAD_TO - (unpadded.length % PAD_TO);
  const aes = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  aes.setAutoPadding(false);
  return Buffer.concat([aes.update(Buffer.concat([unpadded, Buffer.alloc(fill, fill)])), aes.final()]).toString(
    'base64',
  );
}

/** Opens an Encrypt text; throws when it is not one sealed with this key. */
export function unseal(encrypt: string, encodingAESKey: string): { message: string; appid: string } {
  const key = keyOf(encodingAESKey);
  const aes = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
  aes.setAutoPadding(false);
  const plain = Buffer.concat([aes.update(Buffer.from(encrypt, 'base64')), aes.final()]);
  const fill = plain[plain.length - 1];
  if (!fill || fill > PAD_TO) throw new Error('the reply is not padded as WeChat pads');
  const body = plain.subarray(0, plain.length - fill);
  const size = body.readUInt32BE(16);
  if (20 + size > body.length) throw new Error('the reply says it is longer than it is');
  return { message: body.toString('utf8', 20, 20 + size), appid: body.toString('utf8', 20 + size) };
}
