/**
 * CloudBase's realtime protocol as `@cloudbase/realtime` 3.x speaks it: JSON text frames
 * `{ watchId, requestId, msgType, msgData }`. Client -> server: LOGIN, INIT_WATCH, REBUILD_WATCH,
 * CHECK_LAST, CLOSE_WATCH, PING. Server -> client: LOGIN_RES, INIT_EVENT, NEXT_EVENT, CHECK_EVENT,
 * PONG, ERROR. An event's `Doc`, `UpdatedFields` and `removedFields` are JSON text ('' when absent),
 * and `removedFields` is spelled with a lower-case r because that is the only spelling the client reads.
 */
import { parseJson } from '../wire/json';
import { isPlainObject } from '../wire/objects';

export type DataType = 'init' | 'update' | 'replace' | 'add' | 'remove' | 'limit';
export type QueueType = 'init' | 'enqueue' | 'dequeue' | 'update';

export interface WireEvent {
  ID: number;
  DataType: DataType;
  QueueType: QueueType;
  DocID: string;
  Doc: string;
  UpdatedFields?: string;
  removedFields?: string;
}

export interface EventsData {
  queryID: string;
  currEvent: number;
  events: WireEvent[];
}

export type ServerFrame =
  | { requestId: string; msgType: 'LOGIN_RES'; msgData: { envId: string } }
  | { requestId: string; msgType: 'PONG'; msgData: null }
  | { watchId: string; requestId: string; msgType: 'INIT_EVENT' | 'NEXT_EVENT'; msgData: EventsData }
  | { watchId: string; requestId: string; msgType: 'CHECK_EVENT'; msgData: { queryID: string; currEvent: number } }
  | { watchId?: string; requestId: string; msgType: 'ERROR'; msgData: { code: ErrorCode; message: string } };

/**
 * The codes the client knows (it retries after the sign codes and gives up on the rest).
 * DATABASE_COLLECTION_NOT_EXIST, INVALID_PARAM and WATCH_LIMIT_EXCEEDED are this local cloud's
 * names for what CloudBase reports under codes it does not publish.
 */
export type ErrorCode =
  | 'CHECK_LOGIN_FAILED'
  | 'QUERYID_INVALID_ERROR'
  | 'SYS_ERR'
  | 'COLLECTION_PERMISSION_DENIED'
  | 'DATABASE_COLLECTION_NOT_EXIST'
  | 'INVALID_PARAM'
  | 'WATCH_LIMIT_EXCEEDED';

export class ProtocolError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** The request it answers, when it is about one. */
    readonly requestId = '',
  ) {
    super(message);
    this.name = 'ProtocolError';
  }

  toFrame(): { code: ErrorCode; message: string } {
    return { code: this.code, message: this.message };
  }
}

export interface InitWatch {
  collName: string;
  query: string;
  limit?: number;
  orderBy?: Record<string, string>;
}

export type ClientFrame =
  | { msgType: 'LOGIN'; requestId: string; envId: string }
  | { msgType: 'INIT_WATCH'; requestId: string; watchId: string; init: InitWatch }
  | { msgType: 'REBUILD_WATCH'; requestId: string; watchId: string; queryID: string; eventID: number }
  | { msgType: 'CHECK_LAST'; requestId: string; watchId: string; queryID: string; eventID: number }
  | { msgType: 'CLOSE_WATCH'; requestId: string; watchId: string }
  | { msgType: 'PING'; requestId: string };

const bad = (message: string): ProtocolError => new ProtocolError('INVALID_PARAM', message);

function text(data: Record<string, unknown>, key: string): string {
  const value = data[key];
  if (typeof value !== 'string' || value === '') throw bad(`msgData.${key} must be a non-empty string`);
  return value;
}

function eventId(data: Record<string, unknown>): number {
  const value = data.eventID;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw bad('msgData.eventID must be an integer');
  return value;
}

function initWatch(data: Record<string, unknown>): InitWatch {
  const init: InitWatch = { collName: text(data, 'collName'), query: '{}' };
  if (data.query !== undefined && data.query !== null) {
    if (typeof data.query !== 'string') throw bad('msgData.query must be a JSON string');
    init.query = data.query;
  }
  if (data.limit !== undefined && data.limit !== null) {
    if (typeof data.limit !== 'number' || !Number.isInteger(data.limit) || data.limit < 0) {
      throw bad('msgData.limit must be a non-negative integer');
    }
    if (data.limit > 0) init.limit = data.limit;
  }
  if (data.orderBy !== undefined && data.orderBy !== null) {
    const order = data.orderBy;
    if (!isPlainObject(order) || !Object.values(order).every((dir) => dir === 'asc' || dir === 'desc')) {
      throw bad("msgData.orderBy must map fields to 'asc' or 'desc'");
    }
    init.orderBy = order as Record<string, string>;
  }
  return init;
}

/** One client frame, checked; a frame without a requestId cannot be answered and is a SyntaxError. */
export function parseClientFrame(raw: string): ClientFrame {
  const frame = parseJson(raw);
  if (!isPlainObject(frame) || typeof frame.requestId !== 'string' || typeof frame.msgType !== 'string') {
    throw new SyntaxError('a frame is a JSON object with requestId and msgType');
  }
  try {
    return checked(frame, frame.requestId, frame.msgType);
  } catch (error) {
    if (error instanceof ProtocolError) throw new ProtocolError(error.code, error.message, frame.requestId);
    throw error;
  }
}

function checked(frame: Record<string, unknown>, requestId: string, msgType: string): ClientFrame {
  if (msgType === 'PING') return { msgType, requestId };
  const data = isPlainObject(frame.msgData) ? frame.msgData : {};
  if (msgType === 'LOGIN') return { msgType, requestId, envId: typeof data.envId === 'string' ? data.envId : '' };
  const watchId = frame.watchId;
  if (typeof watchId !== 'string' || watchId === '') throw bad(`${msgType} needs a watchId`);
  switch (msgType) {
    case 'INIT_WATCH':
      return { msgType, requestId, watchId, init: initWatch(data) };
    case 'REBUILD_WATCH':
    case 'CHECK_LAST':
      return { msgType, requestId, watchId, queryID: text(data, 'queryID'), eventID: eventId(data) };
    case 'CLOSE_WATCH':
      return { msgType, requestId, watchId };
    default:
      throw bad(`unknown msgType ${msgType}`);
  }
}
