/**
 * The one error contract shared by every cloud function and the client (style.md, guideline 4).
 * Type-only: the mini-program imports it with `import type`, since DevTools ships nothing outside
 * `miniprogram/`.
 */

/** One action of a cloud function: what it takes and what it answers (typings/functions.ts maps them). */
export interface Action<Request, Response> {
  request: Request;
  response: Response;
}

/** How a date arrives in a document: a `Date` in a function; in a watched snapshot, `{ $date: ms }`. */
export type StoredDate = Date | { $date: number | string } | string | number;

/** Codes a cloud function returns. */
export type ServerErrorCode =
  | 'INVALID_ARGUMENT'
  | 'UNAUTHENTICATED'
  | 'PERMISSION_DENIED'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  /** A daily allowance is used up (the chat's replies per day). */
  | 'QUOTA_EXCEEDED'
  | 'CONTENT_BLOCKED'
  | 'UPSTREAM'
  | 'UNKNOWN_ACTION'
  | 'INTERNAL';

/** Codes the client adds when the call itself fails before a function answers. */
export type TransportErrorCode = 'NETWORK' | 'TIMEOUT' | 'UNAVAILABLE';

export type ErrorCode = ServerErrorCode | TransportErrorCode;

export interface ApiError<C extends ErrorCode = ErrorCode> {
  ok: false;
  code: C;
  /** Developer-facing detail; users see the text the client maps from `code`. */
  message: string;
  /** Per-field reasons for INVALID_ARGUMENT, keyed by the event's field path. */
  fields?: Record<string, string>;
}

export interface ApiSuccess<T> {
  ok: true;
  data: T;
}

/** What a cloud function returns. */
export type ApiResult<T> = ApiSuccess<T> | ApiError<ServerErrorCode>;

/** What a client service resolves with: the function's answer or a transport failure. */
export type CallResult<T> = ApiSuccess<T> | ApiError;

/**
 * A write the client may retry carries a `requestId` it made (8–64 of A–Z, a–z, 0–9, `_`, `-`),
 * new for each action of the person and the same on every retry of it. The same user repeating the
 * same requestId within 24 hours gets the first call's answer, and nothing is done twice.
 */
export interface Idempotent {
  requestId?: string;
}
