/**
 * Signed upload and download URLs, as COS hands them out: an HMAC over method, key and expiry with
 * a secret that lives as long as the local cloud, so a URL stops working when it expires.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { encodedUrlPath, readableUrlPath } from './paths';

/** Every upload and download URL the local cloud hands out starts here. */
export const STORAGE_HTTP_PREFIX = '/_storage/';

export type Method = 'PUT' | 'GET';

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

export class UrlSigner {
  private readonly secret = randomBytes(32);

  constructor(
    private readonly bucket: string,
    /** Where the local cloud is reachable (known only after listen()). */
    private readonly baseUrl: () => string,
  ) {}

  private signature(method: Method, cloudPath: string, expires: number): string {
    return createHmac('sha256', this.secret).update(`${method}\n${this.bucket}/${cloudPath}\n${expires}`).digest('hex');
  }

  verify(method: Method, cloudPath: string, expires: number, given: string): boolean {
    const expected = Buffer.from(this.signature(method, cloudPath, expires), 'hex');
    const actual = Buffer.from(given, 'hex');
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  }

  downloadUrl(cloudPath: string, maxAge: number): string {
    const expires = nowSeconds() + maxAge;
    const sign = this.signature('GET', cloudPath, expires);
    return `${this.baseUrl()}${STORAGE_HTTP_PREFIX}${this.bucket}/${readableUrlPath(cloudPath)}?sign=${sign}&t=${expires}`;
  }

  /** The URL and COS-style `authorization` header node-sdk's uploadFile PUTs the bytes with. */
  upload(cloudPath: string, seconds: number): { url: string; authorization: string } {
    const start = nowSeconds();
    const expires = start + seconds;
    const sign = this.signature('PUT', cloudPath, expires);
    return {
      url: `${this.baseUrl()}${STORAGE_HTTP_PREFIX}${this.bucket}/${encodedUrlPath(cloudPath)}`,
      authorization: `q-sign-algorithm=sha256&q-ak=local-cloud&q-sign-time=${start};${expires}&q-key-time=${start};${expires}&q-signature=${sign}`,
    };
  }
}
