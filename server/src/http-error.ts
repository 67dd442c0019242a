/** The one error shape every route answers with: `{ error: { code, message, ...details } }`. */
export type ApiErrorCode =
  | "INVALID_INPUT"
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "CSRF_REJECTED"
  | "NOT_FOUND"
  | "CONFLICT"
  | "PRECONDITION_REQUIRED"
  | "PAYLOAD_TOO_LARGE"
  | "RATE_LIMITED"
  | "MODEL_NOT_ALLOWED"
  | "PROVIDER_NOT_CONFIGURED"
  | "UPSTREAM_ERROR"
  | "DATABASE_BUSY"
  | "SEARCH_INDEX_BEHIND"
  | "WEAVER_LIMIT"
  | "WEAVERS_UNAVAILABLE"
  | "UPGRADE_REQUIRED"
  | "INTERNAL";

export interface ApiErrorBody {
  error: { code: ApiErrorCode; message: string; [extra: string]: unknown };
}

export function errorBody(
  code: ApiErrorCode,
  message: string,
  extra?: Record<string, unknown>,
): ApiErrorBody {
  return { error: { ...extra, code, message } };
}

/** Thrown by handlers; the error plugin turns it into a JSON response. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly extra?: Record<string, unknown>,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = "HttpError";
  }

  toResponse(): Response {
    return Response.json(errorBody(this.code, this.message, this.extra), {
      status: this.status,
      headers: this.headers,
    });
  }
}

export function jsonError(
  status: number,
  code: ApiErrorCode,
  message: string,
  extra?: Record<string, unknown>,
): Response {
  return Response.json(errorBody(code, message, extra), { status });
}
