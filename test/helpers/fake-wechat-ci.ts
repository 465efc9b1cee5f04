/**
 * WeChat's CI service (servicewechat.com/wxa/ci/*) on loopback, reached the way miniprogram-ci
 * reaches it: through HTTPS_PROXY (see https-intercept). Answers the random string, the project
 * attributes (after checking the signature with the key's public half), the upload and the
 * preview, and unpacks what was sent.
 */
import { constants, generateKeyPairSync, publicDecrypt } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { interceptHttps, readBody } from './https-intercept';

export interface CiRequest {
  method: string;
  path: string;
  query: Record<string, string>;
}

export interface SentPackage {
  query: Record<string, string>;
  /** File name (leading /) -> bytes, unpacked from the upload body. */
  files: Map<string, Buffer>;
}

export interface FakeWechatCi {
  /** Environment for the child: proxy, trusted certificate, key path. */
  env: Record<string, string>;
  appid: string;
  privateKeyPath: string;
  requests: CiRequest[];
  /** CONNECT targets other than servicewechat.com:443 (refused). */
  refused: string[];
  uploads: SentPackage[];
  /** Signatures that decrypted to { appid, rand_str } with a string this server issued. */
  validSignatures: number;
  close(): Promise<void>;
}

/** miniprogram-ci's package format: 0xBE, version, info length, data length, 0xED, then the files. */
export function unpack(buffer: Buffer): Map<string, Buffer> {
  if (buffer[0] !== 0xbe || buffer[13] !== 0xed) throw new Error('not a miniprogram-ci package');
  const files = new Map<string, Buffer>();
  let at = 14;
  const count = buffer.readInt32BE(at);
  at += 4;
  for (let i = 0; i < count; i++) {
    const nameLength = buffer.readInt32BE(at);
    const name = buffer.subarray(at + 4, at + 4 + nameLength).toString('utf8');
    at += 4 + nameLength;
    const offset = buffer.readInt32BE(at);
    const size = buffer.readInt32BE(at + 4);
    at += 8;
    files.set(name, buffer.subarray(offset, offset + size));
  }
  return files;
}

export async function startFakeWechatCi(qrcodeImage: Buffer, appid = 'wx0123456789abcdef'): Promise<FakeWechatCi> {
  const dir = mkdtempSync(join(tmpdir(), 'fake-wechat-ci-'));
  // The code-upload key WeChat would issue: an RSA key whose public half the platform keeps.
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privateKeyPath = join(dir, `private.${appid}.key`);
  writeFileSync(privateKeyPath, pair.privateKey.export({ type: 'pkcs1', format: 'pem' }));
  const { publicKey } = pair;

  const fake: FakeWechatCi = {
    env: {},
    appid,
    privateKeyPath,
    requests: [],
    refused: [],
    uploads: [],
    validSignatures: 0,
    close: async () => undefined,
  };
  const issued = new Set<string>();
  const checkSignature = (signature: unknown): boolean => {
    if (typeof signature !== 'string') return false;
    try {
      const text = publicDecrypt(
        { key: publicKey, padding: constants.RSA_PKCS1_PADDING },
        Buffer.from(signature, 'base64'),
      );
      const signed = JSON.parse(text.toString('utf8')) as { appid?: string; rand_str?: string };
      const ok = signed.appid === appid && issued.has(signed.rand_str ?? '');
      if (ok) fake.validSignatures++;
      return ok;
    } catch {
      return false;
    }
  };

  const intercept = await interceptHttps(['servicewechat.com'], async (req, res) => {
    const url = new URL(req.url ?? '/', 'https://servicewechat.com');
    const query = Object.fromEntries(url.searchParams);
    fake.requests.push({ method: req.method ?? '', path: url.pathname, query });
    const raw = await readBody(req);
    const reply = (payload: object) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(payload));
    };
    switch (url.pathname) {
      case '/wxa/ci/getrandstr': {
        const randomString = `rand-${issued.size + 1}`;
        issued.add(randomString);
        return reply({ errCode: 0, data: { randomString } });
      }
      case '/wxa/ci/getattr': {
        const { signature } = JSON.parse(raw.toString('utf8')) as { signature?: unknown };
        if (!checkSignature(signature)) return reply({ errCode: -10008, errMsg: 'invalid signature' });
        return reply({
          errCode: 0,
          data: {
            platform: false,
            appType: 0,
            isSandbox: false,
            released: false,
            setting: {
              MaxCodeSize: 2,
              MaxSubpackageSubCodeSize: 2,
              MaxSubpackageFullCodeSize: 20,
              NavigateMiniprogramLimit: 10,
              MaxSubPackageLimit: 100,
              MinTabbarCount: 2,
              MaxTabbarCount: 5,
              MaxCustomTabbarCount: 10,
              MaxTabbarIconSize: 40,
            },
          },
        });
      }
      case '/wxa/ci/upload':
      case '/wxa/ci/testSourceURL': {
        const files = unpack(gunzipSync(raw));
        fake.uploads.push({ query, files });
        const signed = JSON.parse(files.get('/ci.signature')?.toString('utf8') ?? '{}') as { signature?: unknown };
        if (!checkSignature(signed.signature)) return reply({ errCode: -10008, errMsg: 'invalid signature' });
        let size = 0;
        for (const content of files.values()) size += content.length;
        const subpackage_info = [
          { name: '__FULL__', size },
          { name: '__APP__', size },
        ];
        const preview = url.pathname === '/wxa/ci/testSourceURL';
        return reply({
          errCode: 0,
          body: preview ? { subpackage_info, qrcode_img: qrcodeImage.toString('base64') } : { subpackage_info },
        });
      }
      default:
        // getwhiteextlist, client reports: unknown to this fake, as they are optional to the client.
        res.writeHead(404).end();
    }
  });
  fake.env = intercept.env;
  fake.refused = intercept.refused;
  fake.close = async () => {
    await intercept.close();
    rmSync(dir, { recursive: true, force: true });
  };
  return fake;
}
