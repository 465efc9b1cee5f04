import { StoreError } from './types';

/** CloudBase's limit, which its TransactionNotExist message names. */
export const TRANSACTION_TIMEOUT_MS = 30_000;

/**
 * The answers CloudBase gives, code and message: an operation on a transaction that was committed,
 * rolled back or timed out, observed as
 * `{ code: 'DATABASE_TRANSACTION_FAIL', message: '[ResourceUnavailable.TransactionNotExist] ...' }`.
 */
export function notExist(): StoreError {
  return new StoreError(
    'DATABASE_TRANSACTION_FAIL',
    '[ResourceUnavailable.TransactionNotExist] Transaction does not exist on the server, transaction must be commit or abort in 30 seconds. Please check your request, but if the problem persists, contact us.',
  );
}

/** A write conflict; the SDK's runTransaction retries on exactly this code, and tests compare the message whole. */
export function writeConflict(collection: string, id: unknown): StoreError {
  return new StoreError(
    'DATABASE_TRANSACTION_CONFLICT',
    '[ResourceUnavailable.TransactionConflict] Transaction is conflict, maybe resource operated by others. Please check your request, but if the problem persists, contact us.',
    `transaction conflict on document ${JSON.stringify(id)} in '${collection}'`,
  );
}
