/**
 * Invocation records: one per invocation, with its logs, duration and outcome, kept in a bounded
 * history for the inspector and tests; and the errCodes an outcome becomes for callers.
 */
import type { CallerIdentity, InvocationRecord, InvokeOptions, InvokeOutcome } from './types';

export type LogEntry = InvocationRecord['logs'][number];

/** The codes CloudBase reports for failed invocations (what a mini-program sees in errCode). */
export const FUNCTION_ERRORS = {
  notFound: { errCode: -501000, label: '' },
  /** The event cannot be handed to the function (wx-server-sdk's INVALID_PARAM). */
  invalidParam: { errCode: -501007, label: '' },
  executeFail: { errCode: -504002, label: 'functions execute fail' },
  timeout: { errCode: -504003, label: 'functions time out error' },
} as const;

const MAX_LOG_LINES = 1000;

/** A function logging in a loop must not grow the host's memory without bound. */
export function appendLog(logs: LogEntry[], entry: LogEntry): void {
  if (logs.length < MAX_LOG_LINES) logs.push(entry);
  else if (logs.length === MAX_LOG_LINES) {
    logs.push({ level: 'warn', at: entry.at, text: `(more than ${MAX_LOG_LINES} log lines: the rest are dropped)` });
  }
}

export function newRecord(
  job: { requestId: string; name: string; identity: CallerIdentity; options: InvokeOptions },
  coldStart: boolean,
): InvocationRecord {
  const record: InvocationRecord = {
    id: job.requestId,
    name: job.name,
    startedAt: new Date(),
    durationMs: 0,
    coldStart,
    outcome: 'ok',
    logs: [],
  };
  if (job.identity.openid !== undefined) record.openid = job.identity.openid;
  const source = job.options.origin ?? job.options.trigger ?? job.options.source;
  if (source !== undefined) record.source = source;
  return record;
}

/** Fills in how a run ended and returns what its caller is answered. */
export function conclude(
  record: InvocationRecord,
  outcome: InvocationRecord['outcome'],
  payload: string,
  durationMs: number,
): InvokeOutcome {
  record.durationMs = Math.round(durationMs * 100) / 100;
  record.outcome = outcome;
  if (outcome === 'ok') {
    return { ok: true, result: JSON.parse(payload) as unknown, resultJson: payload, requestId: record.id };
  }
  record.errMsg = payload;
  const { errCode } = outcome === 'timeout' ? FUNCTION_ERRORS.timeout : FUNCTION_ERRORS.executeFail;
  return { ok: false, errCode, errMsg: payload, requestId: record.id };
}

/** The most recent records, oldest dropped first; each one is also handed to `onRecord`. */
export class InvocationHistory {
  private readonly records: InvocationRecord[] = [];

  constructor(
    readonly size: number,
    private readonly onRecord?: (record: InvocationRecord) => void,
  ) {}

  remember(record: InvocationRecord): void {
    this.records.push(record);
    if (this.records.length > this.size) this.records.splice(0, this.records.length - this.size);
    try {
      this.onRecord?.(record);
    } catch {
      // A listener's bug must not break invocations.
    }
  }

  /** Most recent first. */
  recent(limit = this.size): InvocationRecord[] {
    return this.records.slice(-limit).reverse();
  }
}
