/**
 * What a caller is told when a provider call fails: the upstream's own words when it answered with
 * an HTTP error, the runtime's fixed descriptions (idle timeout, stream ended early, cancelled), and
 * otherwise a fixed sentence per cause. The text of an exception from inside an SDK or converter
 * (`undefined is not an object (evaluating 'block of msg.content')`, `JSON Parse error: …`) never
 * reaches the response; it goes to the server log as `detail`.
 */
import { LlmError, type LlmErrorInfo, toLlmErrorInfo } from "@loom/runtime/llm";

export interface PublicFailure {
  /** Safe to send: redacted, one line, no exception text from the server's own code. */
  info: LlmErrorInfo;
  /** The original message (redacted), for the log. */
  detail: string;
}

/** `ECONNRESET`, `ENOTFOUND`, `UND_ERR_SOCKET`: the system's name for a network failure. */
const SYSTEM_CODE = /^[A-Z][A-Z0-9_]{2,40}$/;

/** The system error code of a network failure (Bun's fetch errors carry one), if `e` has one. */
export function systemCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null | undefined)?.code;
  return typeof code === "string" && SYSTEM_CODE.test(code) ? code : undefined;
}

export function publicFailure(provider: string, e: unknown, redact: (s: string) => string): PublicFailure {
  const original = toLlmErrorInfo(e);
  const detail = redact(original.message);
  const info: LlmErrorInfo = { ...original, message: publicMessage(provider, e, detail) };
  return { info, detail };
}

function publicMessage(provider: string, e: unknown, redacted: string): string {
  if (!(e instanceof LlmError)) return `${provider}: the provider call failed`;
  // An HTTP error answer: the upstream's own message (with its status) is what the caller needs.
  if (e.status !== undefined) return redacted;
  const cause = e.cause;
  // The runtime's own descriptions (idle timeout, stream ended early, cancelled) carry no cause.
  if (cause === undefined) return redacted;
  const code = systemCode(cause);
  if (code) return `${provider}: connection failed (${code})`;
  if (cause instanceof Error) {
    const kind = `${cause.name} ${cause.constructor.name}`;
    if (/timeout/i.test(kind) || /timed out/i.test(cause.message))
      return `${provider}: the request timed out`;
    if (kind.includes("CredentialsError"))
      return `${provider}: the server has no usable credentials for this provider`;
    // The SDKs' APIConnectionError without an underlying system error.
    if (kind.includes("Connection")) return `${provider}: connection failed`;
  }
  // Anything else was thrown while reading the answer: cut off, or not the shape the SDK expects.
  return `${provider}: the response ended before it was complete or was malformed`;
}
