import { EjsonError } from './ejson';

/**
 * An error answered in CloudBase's shape `{ code, message, requestId }` with HTTP 200: node-sdk's
 * requester throws any 200 body carrying `code` as a TcbError, and wx-server-sdk maps the code
 * through its TCB_ERR_CODE table (DATABASE_COLLECTION_NOT_EXIST -> -502005, DATABASE_REQUEST_FAILED
 * -> -502001, INVALID_PARAM -> -501007, FUNCTIONS_EXECUTE_FAIL -> -504002; unknown codes -> -501001)
 * and keeps `message` in errMsg.
 */
export class WireError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'WireError';
  }
}

export const invalidParam = (message: string): WireError => new WireError('INVALID_PARAM', message);

/**
 * Any failure of an `/admin` action -> a wire code. Services throw WireErrors for what they know;
 * anything else keeps its message under DATABASE_REQUEST_FAILED (-502001 in the SDK).
 */
export function toWireError(error: unknown): WireError {
  if (error instanceof WireError) return error;
  if (error instanceof EjsonError) return invalidParam(`invalid Extended JSON: ${error.message}`);
  const message = error instanceof Error ? error.message : String(error);
  return new WireError('DATABASE_REQUEST_FAILED', message);
}
