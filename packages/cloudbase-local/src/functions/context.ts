/**
 * What a function sees of its caller and its platform: the environment every worker starts with,
 * the per-invocation variables `cloud.getWXContext()` reads (identity is per process, so each
 * invocation sets them), and the `context` argument of main, shaped like CloudBase's.
 */
import { randomBytes } from 'node:crypto';
import type { CallerIdentity, InvokeOptions } from './types';

/** Every key an invocation may set, so the runner clears the ones a caller does not have. */
const WX_CONTEXT_KEYS = 'WX_OPENID,WX_APPID,WX_UNIONID,WX_CLIENTIP,WX_API_TOKEN';
const MEMORY_LIMIT_MB = 256;
const REGION = 'ap-shanghai';
export const TENCENTCLOUD_APPID = '1250000000';
export const TENCENTCLOUD_UIN = '100000000001';
/** Inherited from the host's environment; everything else a function sees is set on purpose. */
const INHERITED_ENV = ['PATH', 'HOME', 'LANG', 'TMPDIR', 'SYSTEMROOT'];

/** The environment of every worker: the platform's variables, then `extra` (which wins). */
export function baseEnvironment(
  envId: string,
  serviceUrl: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of INHERITED_ENV) {
    const value = process.env[key];
    if (value !== undefined) env[key] = value;
  }
  Object.assign(env, {
    // CloudBase functions run in UTC unless the function sets TZ itself.
    TZ: 'UTC',
    // With TENCENTCLOUD_RUNENV=SCF node-sdk takes the env from TCB_ENV and skips its probe of
    // Tencent's metadata server (a DNS lookup with a 30 ms timeout on every request elsewhere).
    TENCENTCLOUD_RUNENV: 'SCF',
    TENCENTCLOUD_REGION: REGION,
    TENCENTCLOUD_APPID,
    TENCENTCLOUD_UIN,
    TENCENTCLOUD_SECRETID: 'local-cloud-secret-id',
    TENCENTCLOUD_SECRETKEY: 'local-cloud-secret-key',
    SCF_NAMESPACE: envId,
    SCF_FUNCTIONVERSION: '$LATEST',
    SCF_RUNTIME: 'Nodejs20',
    TCB_ENV: envId,
    TCB_CONTEXT_CNFG: JSON.stringify({ URL: serviceUrl }),
    WX_CONTEXT_KEYS,
  });
  return Object.assign(env, extra);
}

/** A fresh `WX_API_TOKEN`: the SDK sends it back as `wxCloudApiToken`, naming the invocation. */
export function newApiToken(): string {
  return randomBytes(16).toString('hex');
}

/** The variables one invocation sets; null deletes one, so no caller's identity leaks into the next. */
export function invocationEnv(
  identity: CallerIdentity,
  options: InvokeOptions,
  token: string,
): Record<string, string | null> {
  return {
    WX_OPENID: identity.openid ?? null,
    WX_APPID: identity.appid ?? null,
    WX_UNIONID: identity.unionid ?? null,
    WX_CLIENTIP: identity.clientIp ?? null,
    WX_API_TOKEN: token,
    TCB_SOURCE: options.source ?? null,
    TRIGGER_SRC: options.trigger ?? null,
    WX_TRIGGER_API_TOKEN_V0: options.trigger === 'timer' ? token : null,
  };
}

/** The second argument of main, shaped like CloudBase's (node-sdk's parseContext reads `environment`). */
export function mainContext(
  envId: string,
  name: string,
  requestId: string,
  env: Record<string, string | null>,
  timeoutMs: number,
): Record<string, unknown> {
  const environment: Record<string, string> = { SCF_NAMESPACE: envId, TCB_ENV: envId, WX_CONTEXT_KEYS };
  for (const [key, value] of Object.entries(env)) {
    if (value !== null && key !== 'WX_API_TOKEN' && key !== 'WX_TRIGGER_API_TOKEN_V0') environment[key] = value;
  }
  return {
    request_id: requestId,
    function_name: name,
    function_version: '$LATEST',
    namespace: envId,
    memory_limit_in_mb: MEMORY_LIMIT_MB,
    time_limit_in_ms: timeoutMs,
    tencentcloud_region: REGION,
    tencentcloud_appid: TENCENTCLOUD_APPID,
    tencentcloud_uin: TENCENTCLOUD_UIN,
    environment: JSON.stringify(environment),
    environ: Object.entries(environment)
      .map(([key, value]) => `${key}=${value}`)
      .join(';'),
  };
}
