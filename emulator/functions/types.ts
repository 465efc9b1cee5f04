/** Runs cloud functions as CloudBase does: one worker process per instance, one invocation at a time. */
export interface CallerIdentity {
  openid?: string;
  appid?: string;
  unionid?: string;
  clientIp?: string;
}

export type InvokeOutcome = { ok: true; result: unknown } | { ok: false; errCode: number; errMsg: string };

export interface InvocationRecord {
  id: string;
  name: string;
  startedAt: Date;
  durationMs: number;
  coldStart: boolean;
  outcome: 'ok' | 'error' | 'timeout' | 'crash';
  errMsg?: string;
  logs: Array<{ level: 'log' | 'info' | 'warn' | 'error'; at: Date; text: string }>;
}

export interface FunctionConfig {
  /** seconds, from config.json `timeout`; CloudBase's default is 3 */
  timeout: number;
  triggers: Array<{ name: string; type: 'timer'; config: string }>;
  permissions?: { openapi?: string[] };
}

export interface FunctionHost {
  /** Names of the functions found under the functions root (folders with a built index.js). */
  list(): string[];
  config(name: string): FunctionConfig;
  invoke(name: string, event: unknown, identity: CallerIdentity): Promise<InvokeOutcome>;
  recent(limit?: number): InvocationRecord[];
  close(): Promise<void>;
}
