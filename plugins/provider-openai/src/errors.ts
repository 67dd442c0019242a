/** Maps openai SDK failures onto Loom's `LlmError` kinds. */
import { LlmError } from "@loom/runtime/llm";
import {
  abortedError,
  errorFromStatus,
  malformedStreamError,
  networkError,
} from "@loom/runtime/providers/errors";
import type * as Sdk from "openai";

export const PROVIDER = "openai";

export function toLlmError(sdk: typeof Sdk, e: unknown, signal: AbortSignal | undefined): LlmError {
  if (e instanceof LlmError) return e;
  if (signal?.aborted || e instanceof sdk.APIUserAbortError) return abortedError(PROVIDER);
  if (e instanceof sdk.APIConnectionError) return networkError(PROVIDER, e.cause ?? e);
  if (e instanceof sdk.APIError) {
    const body = e.error as { message?: unknown } | undefined;
    const message = typeof body?.message === "string" ? body.message : e.message;
    // An error inside a 200 stream has no status; its type tells rate limits from server trouble.
    const status = e.status ?? (String(e.type ?? e.code ?? "").includes("rate_limit") ? 429 : 500);
    return errorFromStatus(PROVIDER, status, message, { headers: e.headers, cause: e });
  }
  if (e instanceof SyntaxError) return malformedStreamError(PROVIDER, e);
  return networkError(PROVIDER, e);
}
