/**
 * The Official Account's message signatures and safe-mode encryption (消息加解密), as WeChat
 * specifies them: `signature = sha1(sorted(token, timestamp, nonce))`, `msg_signature` the same
 * with the Encrypt text added; AES-256-CBC with key = base64(EncodingAESKey + "="), IV = the key's
 * first 16 bytes, PKCS#7 padding to 32-byte blocks, over 16 random bytes + the message length
 * (4 bytes, big-endian) + the message + the appid.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const BLOCK = 32;
const KEY_CHARS = 43;

/** sha1 of the parts sorted and joined, in hex: both signatures WeChat sends are this. */
export function sign(...parts: string[]): string {
  return createHash('sha1')
    .update([...parts].sort().join(''))
    .digest('hex');
}

/** Compares a signature without leaking where it differs. */
export function sameSignature(expected: string, given: string | undefined): boolean {
  if (typeof given !== 'string' || given.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(expected), Buffer.from(given.toLowerCase()));
}

export class CryptoError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CryptoError';
  }
}

/** Whether `key` can be an EncodingAESKey: 43 characters of base64 that decode to 32 bytes. */
export function isEncodingAesKey(key: string): boolean {
  return key.length === KEY_CHARS && /^[A-Za-z0-9+/]+$/.test(key) && Buffer.from(`${key}=`, 'base64').length === 32;
}

export class MessageCipher {
  private readonly key: Buffer;
  private readonly iv: Buffer;

  constructor(
    encodingAesKey: string,
    private readonly appid: string,
  ) {
    if (!isEncodingAesKey(encodingAesKey)) throw new CryptoError('the EncodingAESKey must be 43 base64 characters');
    this.key = Buffer.from(`${encodingAesKey}=`, 'base64');
    this.iv = this.key.subarray(0, 16);
  }

  /** Base64 ciphertext of `message`; `random` (16 bytes) only where a test needs a known output. */
  encrypt(message: string, random: Buffer = randomBytes(16)): string {
    const body = Buffer.from(message, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(body.length);
    const plain = Buffer.concat([random, length, body, Buffer.from(this.appid, 'utf8')]);
    const pad = BLOCK - (plain.length % BLOCK);
    const cipher = createCipheriv('aes-256-cbc', this.key, this.iv).setAutoPadding(false);
    return Buffer.concat([cipher.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])), cipher.final()]).toString(
      'base64',
    );
  }

  /** The message inside `encrypted`, and the appid it was sealed for. Throws CryptoError when it is not one. */
  decrypt(encrypted: string): { message: string; appid: string } {
    let plain: Buffer;
    try {
      const decipher = createDecipheriv('aes-256-cbc', this.key, this.iv).setAutoPadding(false);
      plain = Buffer.concat([decipher.update(Buffer.from(encrypted, 'base64')), decipher.final()]);
    } catch {
      throw new CryptoError('the Encrypt text is not AES-256-CBC under this key');
    }
    const pad = plain.at(-1) ?? 0;
    if (pad < 1 || pad > BLOCK || plain.length < 20 + pad) throw new CryptoError('bad padding');
    const content = plain.subarray(16, plain.length - pad);
    const length = content.readUInt32BE(0);
    if (length > content.length - 4) throw new CryptoError('bad message length');
    return {
      message: content.subarray(4, 4 + length).toString('utf8'),
      appid: content.subarray(4 + length).toString('utf8'),
    };
  }
}
