/**
 * Retry policy for LLM requests: which errors are retried and how long to wait. Pure; the random
 * number for the jitter is passed in.
 */
import type { LlmErrorInfo } from "../llm.ts";

export interface BackoffParams {
  /** Delay before the first retry, before jitter. */
  baseMs: number;
  /** Growth per retry. */
  factor: number;
  /** Upper bound of the exponential delay, before jitter. */
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffParams = { baseMs: 200, factor: 2, capMs: 5_000 };

const RETRYABLE_STATUS: ReadonlySet<number> = new Set([408, 429, 502, 503, 504]);

/** Transient and rate-limited errors are retried, and so is any error with status 408/429/502/503/504. */
export function isRetryable(error: LlmErrorInfo): boolean {
  if (error.kind === "transient" || error.kind === "rate_limited") return true;
  return error.status !== undefined && RETRYABLE_STATUS.has(error.status);
}

/**
 * Delay before retry number `retry` (0 for the first retry):
 * `min(capMs, baseMs * factor^retry) * (0.5 + random)`, so the jitter spreads it over ×[0.5, 1.5).
 * A `retryAfterMs` from the provider is a floor: the result is `max(retryAfterMs, computed)`.
 * @example
 * backoffDelay(0, 0.5); // 200
 * backoffDelay(10, 0.5); // 5000 (capped)
 * backoffDelay(0, 0.5, DEFAULT_BACKOFF, 3000); // 3000 (retry-after wins)
 */
export function backoffDelay(
  retry: number,
  random: number,
  params: BackoffParams = DEFAULT_BACKOFF,
  retryAfterMs?: number,
): number {
  const r = Number.isFinite(random) ? Math.min(Math.max(random, 0), 1) : 0.5;
  const exp = Math.min(params.capMs, params.baseMs * params.factor ** Math.max(0, retry));
  const computed = Math.round(exp * (0.5 + r));
  const floor = retryAfterMs !== undefined && Number.isFinite(retryAfterMs) ? Math.max(0, retryAfterMs) : 0;
  return Math.max(floor, computed);
}
