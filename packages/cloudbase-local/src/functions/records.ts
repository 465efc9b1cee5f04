/**
 * Invocation records: one per invocation, with its logs, duration and outcome, kept in a bounded
 * history for the inspector and tests; and the errCodes an outcome becomes for callers.
 */
import { Listeners } from '../listeners';
import { codeMatches, logCode } from './log-codes';
import type {
  AppError,
  CallerIdentity,
  InvocationFilter,
  InvocationRecord,
  InvokeOptions,
  InvokeOutcome,
} from './types';

export type LogEntry = InvocationRecord['logs'][number];

/** The codes CloudBase reports for failed invocations (what a mini-program sees in errCode). */
export const FUNCTION_ERRORS = {
  notFound: { errCode: -501000, label: '' },
  /** The event cannot be handed to the function (wx-server-sdk's INVALID_PARAM). */
  invalidParam: { errCode: -501007, label: '' },
  /** Past the function's concurrency quota (TCB's EXCEED_CONCURRENT_REQUEST_LIMIT). */
  concurrencyLimit: { errCode: -501004, label: '' },
  executeFail: { errCode: -504002, label: 'functions execute fail' },
  timeout: { errCode: -504003, label: 'functions time out error' },
} as const;

const MAX_LOG_LINES = 1000;
/** Events and results up to this much JSON are kept with their record (a history of 200 stays small). */
export const KEPT_JSON_CHARS = 32 * 1024;

/** A function logging in a loop must not grow the host's memory without bound. */
export function appendLog(logs: LogEntry[], entry: LogEntry): void {
  if (logs.length < MAX_LOG_LINES) logs.push(entry);
  else if (logs.length === MAX_LOG_LINES) {
    logs.push({ level: 'warn', at: entry.at, text: `(more than ${MAX_LOG_LINES} log lines: the rest are dropped)` });
  }
}

/** Why a value's JSON is not kept with its record, or undefined when it is. */
function omission(json: string | undefined): string | undefined {
  if (json === undefined) return 'not JSON';
  if (json.length <= KEPT_JSON_CHARS) return undefined;
  return `${Math.round(json.length / 1024)} KB of JSON, more than the ${KEPT_JSON_CHARS / 1024} KB kept`;
}

/** `{ ok: false, code, message }`, the error contract's refusal, as the inspector flags it. */
function appErrorOf(result: unknown): AppError | undefined {
  if (typeof result !== 'object' || result === null || Array.isArray(result)) return undefined;
  const answer = result as Record<string, unknown>;
  if (answer.ok !== false) return undefined;
  return {
    code: typeof answer.code === 'string' ? answer.code : String(answer.code ?? ''),
    message: typeof answer.message === 'string' ? answer.message : '',
  };
}

export function newRecord(
  job: {
    requestId: string;
    name: string;
    identity: CallerIdentity;
    eventJson: string | undefined;
    options: InvokeOptions;
  },
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
    source: job.options.origin ?? job.options.trigger ?? job.options.source ?? 'sdk',
  };
  if (job.identity.openid !== undefined) record.openid = job.identity.openid;
  const omitted = omission(job.eventJson);
  if (omitted === undefined && job.eventJson !== undefined) record.event = JSON.parse(job.eventJson) as unknown;
  else if (omitted !== undefined) record.eventOmitted = omitted;
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
    const result = JSON.parse(payload) as unknown;
    const omitted = omission(payload);
    if (omitted === undefined) record.result = result;
    else record.resultOmitted = omitted;
    const appError = appErrorOf(result);
    if (appError) record.appError = appError;
    return { ok: true, result, resultJson: payload, requestId: record.id };
  }
  record.errMsg = payload;
  const { errCode } = outcome === 'timeout' ? FUNCTION_ERRORS.timeout : FUNCTION_ERRORS.executeFail;
  return { ok: false, errCode, errMsg: payload, requestId: record.id };
}

/** The lower-case text a filter's `text` searches, built once per record. */
const searchText = new WeakMap<InvocationRecord, string>();

function haystack(record: InvocationRecord): string {
  let text = searchText.get(record);
  if (text === undefined) {
    const parts = [record.name, record.openid ?? '', record.errMsg ?? '', record.appError?.code ?? ''];
    parts.push(record.appError?.message ?? '', ...record.logs.map((entry) => entry.text));
    if (record.event !== undefined) parts.push(JSON.stringify(record.event));
    if (record.result !== undefined) parts.push(JSON.stringify(record.result));
    text = parts.join('\n').toLowerCase();
    searchText.set(record, text);
  }
  return text;
}

export function matches(record: InvocationRecord, filter: InvocationFilter): boolean {
  if (filter.name !== undefined && record.name !== filter.name) return false;
  if (filter.source !== undefined && record.source !== filter.source) return false;
  const { code } = filter;
  if (code !== undefined && !record.logs.some((entry) => codeMatches(code, logCode(entry.text)))) return false;
  return !filter.text || haystack(record).includes(filter.text.toLowerCase());
}

/** The most recent records, oldest dropped first; each one is also handed to the listeners. */
export class InvocationHistory {
  private readonly records: InvocationRecord[] = [];
  private readonly listeners = new Listeners<InvocationRecord>('functions');

  constructor(
    readonly size: number,
    onRecord?: (record: InvocationRecord) => void,
  ) {
    if (onRecord) this.listeners.add(onRecord);
  }

  remember(record: InvocationRecord): void {
    this.records.push(record);
    if (this.records.length > this.size) this.records.splice(0, this.records.length - this.size);
    this.listeners.emit(record);
  }

  subscribe(listener: (record: InvocationRecord) => void): () => void {
    return this.listeners.add(listener);
  }

  /** Most recent first: the newest `limit` records that match `filter`. */
  recent(limit = this.size, filter: InvocationFilter = {}): InvocationRecord[] {
    const out: InvocationRecord[] = [];
    for (let i = this.records.length - 1; i >= 0 && out.length < limit; i -= 1) {
      if (matches(this.records[i], filter)) out.push(this.records[i]);
    }
    return out;
  }

  find(id: string): InvocationRecord | undefined {
    return this.records.find((record) => record.id === id);
  }
}
