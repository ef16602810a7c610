// The one error shape of the REST API: `{ error: { code, field?, reason } }`. `code` is stable
// and machine-readable, `field` names the query parameter or body field at fault (400s), and
// `reason` says what is wrong in words.
import { HttpException } from '@nestjs/common';

export interface ErrorBody {
  readonly error: { readonly code: string; readonly field?: string; readonly reason: string };
}

export class ApiError extends HttpException {
  constructor(status: number, code: string, reason: string, field?: string) {
    super(
      { error: field === undefined ? { code, reason } : { code, field, reason } } satisfies ErrorBody,
      status,
    );
  }
}

export const badRequest = (field: string, reason: string, code = 'request.invalid') =>
  new ApiError(400, code, reason, field);

export const notFound = (what: string, id: string) =>
  new ApiError(404, 'not-found', `no ${what} with id "${id}"`);

/** The request is well-formed but cannot apply to the resource as it stands (the reason says why). */
export const conflict = (reason: string, code = 'conflict') => new ApiError(409, code, reason);

export function isErrorBody(value: unknown): value is ErrorBody {
  if (typeof value !== 'object' || value === null) return false;
  const error = (value as { error?: unknown }).error;
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { code?: unknown }).code === 'string' &&
    typeof (error as { reason?: unknown }).reason === 'string'
  );
}
