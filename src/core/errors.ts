/**
 * The one error hierarchy of berth. Every layer throws EngineError (or lets a
 * foreign error through, which the API maps to 500). Tests assert on `code`.
 */
export type ErrorCode =
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'InvalidArgument'
  | 'FailedPrecondition'
  | 'NotModified'
  | 'Unavailable'
  | 'NotImplemented'
  | 'Unauthorized'
  | 'Forbidden'
  | 'Canceled'
  | 'Internal';

export class EngineError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = `${code}Error`;
  }
}

export const notFound = (message: string, cause?: unknown) => new EngineError('NotFound', message, { cause });
export const alreadyExists = (message: string, cause?: unknown) => new EngineError('AlreadyExists', message, { cause });
export const conflict = (message: string, cause?: unknown) => new EngineError('Conflict', message, { cause });
export const invalidArgument = (message: string, cause?: unknown) => new EngineError('InvalidArgument', message, { cause });
export const failedPrecondition = (message: string, cause?: unknown) => new EngineError('FailedPrecondition', message, { cause });
export const notImplemented = (message: string) => new EngineError('NotImplemented', message);
export const unavailable = (message: string, cause?: unknown) => new EngineError('Unavailable', message, { cause });
export const canceled = (message: string, cause?: unknown) => new EngineError('Canceled', message, { cause });
export const internal = (message: string, cause?: unknown) => new EngineError('Internal', message, { cause });

export function isEngineError(e: unknown, code?: ErrorCode): e is EngineError {
  return e instanceof EngineError && (code === undefined || e.code === code);
}

/** Node's fs errors carry a string `code` such as ENOENT. */
export function errnoCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e && typeof (e as { code: unknown }).code === 'string'
    ? (e as { code: string }).code
    : undefined;
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
