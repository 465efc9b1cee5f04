/**
 * `wx.cloud` against the local cloud: callFunction as `POST /functions/<name>` with the dev user's
 * identity in headers, uploadFile into its storage, getTempFileURL as its file URLs. The same calling
 * convention as `wx`, but results and errors are wx.cloud's own.
 */
import { cloudFileUrl } from '../files';
import { settle, WxError, type Callbacks, type Wx } from './api';
import type { ShimContext, WxArea } from './context';

const cloudApi = <O extends object, R>(impl: (o: O) => Promise<R>) =>
  ((option: O & Callbacks) => {
    const run = impl(option).catch((e: unknown) => {
      throw e instanceof WxError ? { errMsg: e.errMsg, errCode: e.errCode } : e;
    });
    return settle(run, option);
  }) as never;

async function callFunction(ctx: ShimContext, option: ICloud.CallFunctionParam) {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-wx-openid': ctx.openid(),
    'x-wx-appid': ctx.appid,
  };
  let response: Response;
  try {
    response = await fetch(`/functions/${encodeURIComponent(option.name)}`, {
      method: 'POST',
      headers,
      body: JSON.stringify(option.data ?? {}),
    });
  } catch (error) {
    throw new WxError(`cloud.callFunction:fail request:fail ${(error as Error).message}`, -1);
  }
  const body = (await response.json().catch(() => ({}))) as { result?: unknown; errCode?: number; errMsg?: string };
  if (!response.ok || body.errCode) {
    throw new WxError(
      `cloud.callFunction:fail ${body.errCode ?? response.status} ${body.errMsg ?? ''}`.trim(),
      body.errCode ?? -1,
    );
  }
  return {
    result: body.result as string | Record<string, unknown>,
    requestID: `preview-${Date.now()}`,
    errMsg: 'cloud.callFunction:ok',
  };
}

/** `filePath` is a temporary file the preview keeps, or any URL the browser can fetch. */
async function uploadFile(ctx: ShimContext, option: ICloud.UploadFileParam) {
  let blob = ctx.files.get(option.filePath)?.blob;
  if (!blob) {
    const res = await fetch(option.filePath).catch(() => undefined);
    if (!res?.ok) throw new WxError(`cloud.uploadFile:fail file ${option.filePath} not found`, -1);
    blob = await res.blob();
  }
  const res = await fetch(`/_/api/files?cloudPath=${encodeURIComponent(option.cloudPath)}`, {
    method: 'PUT',
    headers: { 'content-type': blob.type || 'application/octet-stream', 'x-wx-openid': ctx.openid() },
    body: blob,
  });
  const body = (await res.json().catch(() => ({}))) as { fileID?: string; message?: string };
  if (!res.ok || !body.fileID) throw new WxError(`cloud.uploadFile:fail ${body.message ?? res.status}`, -1);
  return { fileID: body.fileID, statusCode: 200, errMsg: 'cloud.uploadFile:ok' };
}

export const cloud: WxArea = (ctx) => ({
  cloud: {
    init: () => undefined,
    callFunction: cloudApi((o: ICloud.CallFunctionParam) => callFunction(ctx, o)),
    uploadFile: cloudApi((o: ICloud.UploadFileParam) => uploadFile(ctx, o)),
    getTempFileURL: cloudApi(async (o: { fileList: Array<string | { fileID: string }> }) => ({
      fileList: o.fileList.map((f) => {
        const fileID = typeof f === 'string' ? f : f.fileID;
        return { fileID, tempFileURL: cloudFileUrl(fileID), maxAge: 7200, status: 0, errMsg: 'ok' };
      }),
      errMsg: 'cloud.getTempFileURL:ok',
    })),
  } as unknown as Wx['cloud'],
});
