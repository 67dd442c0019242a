/** Maps @anthropic-ai/sdk failures onto Loom's `LlmError` kinds. */
import type * as Sdk from "@anthropic-ai/sdk";
import { LlmError } from "@loom/runtime/llm";
import {
  abortedError,
  errorFromStatus,
  malformedStreamError,
  networkError,
  oneLine,
} from "@loom/runtime/providers/errors";

export const PROVIDER = "anthropic";

/** Status equivalents of the error `type` an SSE `error` event carries (it has no HTTP status). */
const STREAM_ERROR_STATUS: Record<string, number> = {
  overloaded_error: 529,
  rate_limit_error: 429,
  api_error: 500,
  invalid_request_error: 400,
  authentication_error: 401,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
};

export function toLlmError(sdk: typeof Sdk, e: unknown, signal: AbortSignal | undefined): LlmError {
  if (e instanceof LlmError) return e;
  if (signal?.aborted || e instanceof sdk.APIUserAbortError) return abortedError(PROVIDER);
  if (e instanceof sdk.APIConnectionError) {
    // Checked by name: importing @loom/runtime/providers/google-auth would load google-auth-library eagerly.
    if (e.cause instanceof Error && e.cause.name === "CredentialsError") return credentialsError(e.cause);
    return networkError(PROVIDER, e.cause ?? e);
  }
  if (e instanceof sdk.APIError) {
    const message = e.apiMessage ?? e.message;
    const status = e.status ?? STREAM_ERROR_STATUS[e.type ?? ""] ?? 500;
    return errorFromStatus(PROVIDER, status, message, { headers: e.headers, cause: e });
  }
  if (e instanceof SyntaxError) return malformedStreamError(PROVIDER, e);
  return networkError(PROVIDER, e);
}

/** Claude on Vertex without usable Google credentials: permanent, with the fix. */
function credentialsError(cause: Error): LlmError {
  return new LlmError(
    "permanent",
    `${PROVIDER}: no usable Google credentials for Vertex AI (${oneLine(cause.message).slice(0, 240)}); run \`gcloud auth application-default login\` or set GOOGLE_APPLICATION_CREDENTIALS`,
    { provider: PROVIDER, cause },
  );
}
