/**
 * Typed errors with a literal `code`. Throw only at edges; inside the runtime a failure
 * becomes an event and a state.
 */
export type LoomErrorCode =
  | "CONFIG_INVALID"
  | "CONFIG_PARSE"
  | "PATH_OUTSIDE_WORKSPACE"
  | "TOOL_NOT_FOUND"
  | "TOOL_INPUT_INVALID"
  | "TOOL_FAILED"
  | "TOOL_TIMEOUT"
  | "TOOL_CANCELLED"
  | "TOOL_MEMORY"
  | "PLUGIN_INVALID"
  | "PLUGIN_FAILED"
  | "PERMISSION_DENIED"
  | "LLM_TRANSIENT"
  | "LLM_PERMANENT"
  | "RATE_LIMITED"
  | "MISSING_CREDENTIALS"
  | "NOT_FOUND"
  | "CONFLICT"
  | "INVALID_INPUT"
  | "WEAVER_FAILED"
  | "INTERNAL";

export class LoomError extends Error {
  readonly code: LoomErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: LoomErrorCode,
    message: string,
    details?: Record<string, unknown>,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "LoomError";
    this.code = code;
    this.details = details;
  }

  toJSON(): { code: LoomErrorCode; message: string; details?: Record<string, unknown> } {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

export function isLoomError(e: unknown): e is LoomError {
  return e instanceof LoomError;
}

/** One line for a human: `CODE: message`. Never a stack trace. */
export function formatError(e: unknown): string {
  if (e instanceof LoomError) return `${e.code}: ${e.message}`;
  if (e instanceof Error) return e.message.split("\n")[0] ?? String(e);
  return String(e);
}
