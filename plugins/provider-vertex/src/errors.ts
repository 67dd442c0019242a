/** Maps @google/genai failures onto Loom's `LlmError` kinds. */
import type * as Sdk from "@google/genai";
import { LlmError } from "@loom/runtime/llm";
import {
  abortedError,
  errorFromStatus,
  malformedStreamError,
  networkError,
  oneLine,
} from "@loom/runtime/providers/errors";

export const PROVIDER = "vertex";

interface GoogleErrorBody {
  error?: { message?: string; details?: { "@type"?: string; retryDelay?: string }[] };
}

/** The SDK puts the JSON error body in the message (after "got status: …. " for stream errors). */
function parseBody(message: string): GoogleErrorBody | undefined {
  const start = message.indexOf("{");
  if (start < 0) return undefined;
  try {
    return JSON.parse(message.slice(start)) as GoogleErrorBody;
  } catch {
    return undefined;
  }
}

/** `RetryInfo.retryDelay` is a protobuf Duration string such as "2s" or "0.5s". */
function retryDelayMs(body: GoogleErrorBody | undefined): number | undefined {
  const info = body?.error?.details?.find((d) => d["@type"]?.endsWith("google.rpc.RetryInfo"));
  const seconds = info?.retryDelay ? Number.parseFloat(info.retryDelay) : Number.NaN;
  return Number.isFinite(seconds) ? Math.round(seconds * 1000) : undefined;
}

export function toLlmError(
  sdk: typeof Sdk,
  e: unknown,
  signal: AbortSignal | undefined,
  headers: Headers | undefined,
): LlmError {
  if (e instanceof LlmError) return e;
  if (signal?.aborted) return abortedError(PROVIDER);
  if (e instanceof sdk.ApiError) {
    const body = parseBody(e.message);
    const message = body?.error?.message ?? e.message;
    return errorFromStatus(PROVIDER, e.status, message, {
      headers,
      retryAfterMs: retryDelayMs(body),
      cause: e,
    });
  }
  if (!(e instanceof Error)) return networkError(PROVIDER, e);
  // Checked by name: importing @loom/runtime/providers/google-auth would load google-auth-library eagerly.
  if (e.name === "CredentialsError") {
    return new LlmError(
      "permanent",
      `${PROVIDER}: no usable Google credentials (${oneLine(e.message).slice(0, 240)}); run \`gcloud auth application-default login\` or set GOOGLE_APPLICATION_CREDENTIALS`,
      { provider: PROVIDER, cause: e },
    );
  }
  if (
    e instanceof SyntaxError ||
    e.message.startsWith("exception parsing stream chunk") ||
    e.message.startsWith("Incomplete JSON segment")
  ) {
    return malformedStreamError(PROVIDER, e);
  }
  return networkError(PROVIDER, e);
}
