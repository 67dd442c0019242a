/**
 * One classification of provider failures, shared by every provider plugin, so the agent loop
 * retries the same way whatever the upstream: 429 is `rate_limited`; 408, 409, 529 (overloaded),
 * 5xx, network failures and broken streams are `transient`; every other status is `permanent`.
 */
import { LoomError } from "../errors.ts";
import { LlmError, parseRetryAfter } from "../llm.ts";

type HeaderSource = Headers | Record<string, string | null | undefined>;

/** The error a provider raises when the variable holding its key is empty. */
export function missingCredentials(provider: string, envName: string): LoomError {
  return new LoomError("MISSING_CREDENTIALS", `${provider}: no credentials, set ${envName}`, {
    provider,
    env: envName,
  });
}

/** Maps an HTTP status and the provider's own message to an `LlmError`. */
export function errorFromStatus(
  provider: string,
  status: number,
  message: string,
  opts: { headers?: HeaderSource | undefined; retryAfterMs?: number | undefined; cause?: unknown } = {},
): LlmError {
  const retryAfterMs = opts.retryAfterMs ?? (opts.headers ? parseRetryAfter(opts.headers) : undefined);
  const text = `${provider}: ${status} ${oneLine(message) || "request failed"}`;
  const base = {
    status,
    provider,
    cause: opts.cause,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  };
  if (status === 429) return new LlmError("rate_limited", text, base);
  if (status === 408 || status === 409 || status === 529 || status >= 500) {
    return new LlmError("transient", text, base);
  }
  return new LlmError("permanent", text, base);
}

export function networkError(provider: string, cause: unknown): LlmError {
  // First sentence only: runtimes append long hints ("For more information, pass `verbose`…").
  const detail = cause instanceof Error ? (oneLine(cause.message).split(/\.\s/)[0] ?? "").slice(0, 160) : "";
  return new LlmError("transient", `${provider}: connection failed${detail ? ` (${detail})` : ""}`, {
    provider,
    cause,
  });
}

export function idleTimeoutError(provider: string, idleMs: number): LlmError {
  return new LlmError("transient", `${provider}: no data from the provider for ${idleMs} ms`, { provider });
}

export function truncatedStreamError(provider: string): LlmError {
  return new LlmError("transient", `${provider}: the stream ended before the response was complete`, {
    provider,
  });
}

export function malformedStreamError(provider: string, cause?: unknown): LlmError {
  const detail = cause instanceof Error ? oneLine(cause.message).slice(0, 160) : "";
  return new LlmError("transient", `${provider}: malformed response data${detail ? ` (${detail})` : ""}`, {
    provider,
    cause,
  });
}

/** Cancelled by the caller's signal: never retried. */
export function abortedError(provider: string): LlmError {
  return new LlmError("permanent", `${provider}: request cancelled`, { provider });
}

export function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}
