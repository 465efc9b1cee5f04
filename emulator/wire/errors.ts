import { StoreError } from '../database/store/types';
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
 * Store errors -> wire codes. Duplicate `_id` travels as DATABASE_REQUEST_FAILED (-502001 in the
 * SDK, as CloudBase reports Mongo's E11000) with the store code kept in the message; the transaction
 * conflict code must pass through unchanged because the SDK's runTransaction retries on exactly it.
 */
export function toWireError(error: unknown): WireError {
  if (error instanceof WireError) return error;
  if (error instanceof EjsonError) return invalidParam(`invalid Extended JSON: ${error.message}`);
  if (error instanceof StoreError) {
    switch (error.code) {
      case 'DATABASE_DUPLICATE_WRITE':
        return new WireError('DATABASE_REQUEST_FAILED', `[DATABASE_DUPLICATE_WRITE] ${error.message}`);
      case 'NOT_SUPPORTED':
        return new WireError('DATABASE_INVALID_OPERRATOR', `[NOT_SUPPORTED] ${error.message}`);
      default:
        return new WireError(error.code, error.message);
    }
  }
  const message = error instanceof Error ? error.message : String(error);
  return new WireError('DATABASE_REQUEST_FAILED', message);
}
