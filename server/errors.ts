import type { ApiError, ApiSuccess, ServerErrorCode } from '../typings/contract';

/** Thrown by server logic to end a call with a contract error; anything else becomes INTERNAL. */
export class AppError extends Error {
  constructor(
    readonly code: ServerErrorCode,
    message: string,
    readonly fields?: Record<string, string>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export function ok<T>(data: T): ApiSuccess<T> {
  return { ok: true, data };
}

export function fail(
  code: ServerErrorCode,
  message: string,
  fields?: Record<string, string>,
): ApiError<ServerErrorCode> {
  return fields ? { ok: false, code, message, fields } : { ok: false, code, message };
}
