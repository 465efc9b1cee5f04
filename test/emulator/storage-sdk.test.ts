import { join } from 'node:path';
import { startLocalCloud, type LocalCloud } from '../../packages/cloudbase-local/src';
import type { InvokeOutcome } from '../../packages/cloudbase-local/src/functions/types';

/**
 * End to end through the real wx-server-sdk 4.0.2 running inside hosted fixture functions:
 * SDK -> POST /admin -> storage / function host, and the upload and download URLs they hand out.
 */
const FIXTURES = join(__dirname, '..', 'fixtures', 'functions');

function resultOf<T>(outcome: InvokeOutcome): T {
  if (!outcome.ok) throw new Error(`invocation failed: ${outcome.errCode} ${outcome.errMsg}`);
  return outcome.result as T;
}

interface FileItem {
  fileID: string;
  status: number;
  errMsg: string;
  tempFileURL?: string;
  maxAge?: number;
}

interface FilesResult {
  fileID: string;
  temp: FileItem[];
  downloaded: string;
  deleted: FileItem[];
  deletedAgain: FileItem[];
  tempAfter: FileItem[];
  downloadAfter: { ok: boolean; errCode?: number; errMsg?: string };
  traversal: { ok: boolean; errCode?: number; errMsg?: string };
}

describe('storage and function-to-function calls through the real SDK', () => {
  let cloud: LocalCloud;

  beforeAll(async () => {
    cloud = await startLocalCloud({ port: 0, quiet: true, functionsDir: FIXTURES, envId: 'e2e-env' });
    // The embedded database's first start is slow on a small machine.
  }, 60_000);

  afterAll(() => cloud.close());

  it('uploadFile, getTempFileURL, downloadFile and deleteFile', async () => {
    const outcome = await cloud.functions.invoke(
      'files',
      { cloudPath: 'e2e/报告 1.txt', content: 'hello 云存储' },
      { openid: 'o-files' },
    );
    const result = resultOf<FilesResult>(outcome);
    const fileID = `cloud://e2e-env.${cloud.storage.bucket}/e2e/报告 1.txt`;
    expect(result.fileID).toBe(fileID);

    expect(result.temp).toEqual([
      expect.objectContaining({
        fileID,
        status: 0,
        errMsg: 'ok',
        tempFileURL: expect.stringContaining(`${cloud.url}/_storage/`),
      }),
    ]);
    expect(result.downloaded).toBe('hello 云存储');
    expect(result.deleted).toEqual([{ fileID, status: 0, errMsg: 'ok' }]);
    expect(result.deletedAgain).toEqual([{ fileID, status: -503003, errMsg: 'storage file not exists' }]);
    expect(result.tempAfter).toEqual([
      expect.objectContaining({ fileID, status: -503003, errMsg: 'storage file not exists', tempFileURL: '' }),
    ]);
    // node-sdk 3.17.2 ignores wx-server-sdk's throwOnCode:false and throws a plain Error for any
    // answer with a code, which wx-server-sdk reports as errCode -1 with the message kept.
    expect(result.downloadAfter).toEqual({
      ok: false,
      errCode: -1,
      errMsg: 'downloadFile:fail storage file not exist',
    });
    expect(result.traversal).toEqual({
      ok: false,
      errCode: -1,
      errMsg: 'uploadFile:fail cloudPath must not contain "." or ".." segments',
    });
    expect((await cloud.storage.list()).map((file) => file.cloudPath)).toEqual([]);
  });

  it('cloud.callFunction runs the callee as the same user and passes its result back', async () => {
    const outcome = await cloud.functions.invoke(
      'caller',
      { target: 'echo', data: { hello: 'callee' } },
      { openid: 'o-caller', appid: 'wx-app' },
    );
    const result = resultOf<{
      own: Record<string, unknown>;
      result: { event: unknown; wxContext: Record<string, unknown> };
    }>(outcome);
    expect(result.own).toMatchObject({ OPENID: 'o-caller', ENV: 'e2e-env' });
    expect(result.result.event).toEqual({ hello: 'callee' });
    expect(result.result.wxContext).toMatchObject({ OPENID: 'o-caller', APPID: 'wx-app', ENV: 'e2e-env' });
  });

  it('cloud.callFunction reports a callee that throws with CloudBase -504002 message', async () => {
    const outcome = await cloud.functions.invoke('caller', { target: 'throws', data: {} }, { openid: 'o' });
    const result = resultOf<{ errCode: number; errMsg: string }>(outcome);
    expect(result.errCode).toBe(-1);
    expect(result.errMsg).toMatch(
      /^callFunction:fail errCode: -504002 functions execute fail \| errMsg: Error: boom from throws/,
    );
  });

  it('cloud.callFunction reports a function that does not exist', async () => {
    const outcome = await cloud.functions.invoke('caller', { target: 'missing', data: {} }, { openid: 'o' });
    const result = resultOf<{ errCode: number; errMsg: string }>(outcome);
    expect(result).toMatchObject({
      errCode: -1,
      errMsg: 'callFunction:fail errCode: -501000  | errMsg: FunctionName parameter could not be found.',
    });
  });
});
