/** Errors that cross module boundaries carry a stable code; the API and CLI map codes in one place. */
export type ErrorCode =
  | 'ERR_CONFIG_INVALID'
  | 'ERR_CONFIG_NOT_FOUND'
  | 'ERR_MODEL_INVALID'
  | 'ERR_MODEL_NOT_FOUND'
  | 'ERR_PROVIDER_UNAVAILABLE'
  | 'ERR_SOURCE_UNREACHABLE'
  | 'ERR_SOURCE_INVALID'
  | 'ERR_SOURCE_EXITED'
  | 'ERR_FFMPEG_MISSING'
  | 'ERR_NOT_FOUND'
  | 'ERR_CONFLICT'
  | 'ERR_CANCELLED'
  | 'ERR_TOO_LARGE'
  | 'ERR_UNAVAILABLE'
  | 'ERR_BAD_REQUEST'
  | 'ERR_UNAUTHORIZED'
  | 'ERR_FORBIDDEN'
  | 'ERR_RATE_LIMITED'
  | 'ERR_UPSTREAM'
  | 'ERR_USAGE';

export class VantageError extends Error {
  readonly code: ErrorCode;
  /** The input field at fault, when there is one (the API names it in its 400). */
  readonly field: string | undefined;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; field?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'VantageError';
    this.code = code;
    this.field = options?.field;
  }
}

export function isVantageError(e: unknown): e is VantageError {
  return e instanceof VantageError;
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
