import { EngineError, type ErrorCode } from '../../core/errors.js';

const STATUS: Record<ErrorCode, number> = {
  NotFound: 404,
  AlreadyExists: 409,
  Conflict: 409,
  InvalidArgument: 400,
  FailedPrecondition: 409,
  NotModified: 304,
  Unavailable: 503,
  NotImplemented: 501,
  Unauthorized: 401,
  Forbidden: 403,
  Canceled: 499,
  Internal: 500,
};

/** The one mapping from engine errors to Docker's status codes and `{"message"}` body. */
export function toHttpError(e: unknown): { status: number; message: string } {
  if (e instanceof EngineError) return { status: STATUS[e.code], message: e.message };
  if (e instanceof SyntaxError) return { status: 400, message: `invalid JSON: ${e.message}` };
  return { status: 500, message: e instanceof Error ? e.message : String(e) };
}
